package io.natt.scenario;

import io.natt.ike.Knobs;
import io.natt.nat.NatBehaviour;
import io.natt.nat.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One scenario file, loaded and validated: where the NATs are, how the harness's peer behaves, what
 * happens in which order, and which requirements it judges.
 *
 * @param file where it was loaded from
 * @param judges requirement ids judged on this scenario's trace (besides the checks that apply to
 *     every trace)
 * @param appliesWhen PICS items the target must claim, or the scenario is NOT_APPLICABLE
 * @param expect the expected verdict (PASS, FAIL, INCONCLUSIVE, NOT_APPLICABLE) per requirement id,
 *     where it is not PASS
 */
public record Scenario(
    Path file,
    String id,
    String title,
    List<String> judges,
    List<String> appliesWhen,
    TopologySpec topology,
    HarnessSpec harness,
    List<Step> steps,
    Map<String, String> expect) {

  /**
   * The NATs and who sits behind which.
   *
   * @param harnessBehind NAT names, innermost first; empty: no NAT
   * @param iutForward UDP ports the IUT's NAT forwards to the IUT (empty when none)
   * @param clients client hosts (1: the harness alone), behind the harness's NAT unless {@code
   *     clientBehind} says else
   * @param clientBehind the NAT each client sits behind, client 1 (the harness) first; empty: all
   *     behind the harness's ({@code topology.harness.clients.behind})
   * @param sameAddress every client has the harness's private address ({@code same-address})
   * @param harnessForward UDP ports the harness's NAT forwards to the harness (empty when none)
   */
  public record TopologySpec(
      Map<String, NatSpec> nats,
      List<String> harnessBehind,
      List<String> iutBehind,
      List<Integer> iutForward,
      int clients,
      List<String> clientBehind,
      boolean sameAddress,
      List<Integer> harnessForward) {
    /** Every client behind the harness's NAT; nothing forwarded to the harness. */
    public TopologySpec(
        Map<String, NatSpec> nats,
        List<String> harnessBehind,
        List<String> iutBehind,
        List<Integer> iutForward,
        int clients) {
      this(nats, harnessBehind, iutBehind, iutForward, clients, List.of(), false, List.of());
    }

    /** One client (the harness). */
    public TopologySpec(
        Map<String, NatSpec> nats,
        List<String> harnessBehind,
        List<String> iutBehind,
        List<Integer> iutForward) {
      this(nats, harnessBehind, iutBehind, iutForward, 1);
    }

    /** Without port forwarding to the IUT. */
    public TopologySpec(
        Map<String, NatSpec> nats, List<String> harnessBehind, List<String> iutBehind) {
      this(nats, harnessBehind, iutBehind, List.of());
    }

    public boolean harnessBehindNat() {
      return !harnessBehind.isEmpty();
    }

    /** The NATs, where they sit, as the NAT model has them. */
    public Testbed.Layout layout() {
      return new Testbed.Layout(
          harnessBehind.stream().map(this::nat).toList(),
          iutBehind.stream().map(this::nat).toList(),
          iutForward,
          clients,
          clientBehind.stream().map(this::nat).toList(),
          sameAddress,
          harnessForward);
    }

    private Testbed.Nat nat(String name) {
      NatSpec n = nats.get(name);
      return new Testbed.Nat(
          name,
          new NatBehaviour(
              NatBehaviour.Dependency.ofFileName(n.mapping()),
              NatBehaviour.Dependency.ofFileName(n.filtering()),
              n.ports().equals("preserve")
                  ? NatBehaviour.PortAllocation.PRESERVE
                  : NatBehaviour.PortAllocation.RANDOM,
              n.udpTimeout()),
          n.dropFragments());
    }
  }

  /**
   * One NAT's behaviour (RFC 4787 terms).
   *
   * @param mapping endpoint-independent, address-dependent or address-and-port-dependent
   * @param filtering the same three values
   * @param ports preserve or random
   * @param dropFragments drops IP fragments (drop-fragments: true)
   */
  public record NatSpec(
      String mapping, String filtering, String ports, Duration udpTimeout, boolean dropFragments) {
    /** A NAT that forwards IP fragments. */
    public NatSpec(String mapping, String filtering, String ports, Duration udpTimeout) {
      this(mapping, filtering, ports, udpTimeout, false);
    }
  }

  /** The harness's role, IKE settings and behaviour knobs. */
  public record HarnessSpec(String role, IkeSpec ike, Knobs knobs, String persona) {
    /** Without a persona. */
    public HarnessSpec(String role, IkeSpec ike, Knobs knobs) {
      this(role, ike, knobs, "");
    }
  }

  /**
   * What a scenario wants when the target profile lists the proposals it accepts and the scenario's
   * proposal is not among them ({@code harness.ike.if-not-accepted}).
   */
  public enum IfNotAccepted {
    /** The scenario is about this proposal: it does not apply to the target. */
    NOT_APPLICABLE,
    /** The scenario is about NAT-T: it runs with the target's first listed proposal instead. */
    USE_ACCEPTED
  }

  /**
   * IKE settings.
   *
   * @param exchange main or aggressive
   * @param auth psk
   * @param proposal phase-1 proposal, strongSwan style (aes128-sha256-modp2048)
   * @param espProposal phase-2 proposal (aes128-sha256)
   * @param ifNotAccepted what to do when the target lists its proposals and this one is not among
   *     them (default USE_ACCEPTED)
   */
  public record IkeSpec(
      int version,
      String exchange,
      String auth,
      String proposal,
      String espProposal,
      IfNotAccepted ifNotAccepted) {
    /** With the default {@link IfNotAccepted#USE_ACCEPTED}. */
    public IkeSpec(int version, String exchange, String auth, String proposal, String espProposal) {
      this(version, exchange, auth, proposal, espProposal, IfNotAccepted.USE_ACCEPTED);
    }
  }

  /** One step, with the line it was written on for messages. */
  public sealed interface Step {
    int line();

    /**
     * Calls the visitor's method for this kind of step. A new kind of step must add a method to
     * {@link Visitor}, so every visitor (the run plan among them) fails to compile until it knows
     * the new kind.
     */
    <R> R accept(Visitor<R> v);

    /** One method per kind of step. */
    interface Visitor<R> {
      R phase1(Phase1 s);

      R quickMode(QuickMode s);

      R espPing(EspPing s);

      R waitFor(Wait s);

      R expectKeepalive(ExpectKeepalive s);

      R natRebind(NatRebind s);

      R natExpire(NatExpire s);

      R sendRaw(SendRaw s);

      R replay(Replay s);

      R delete(Delete s);

      R liveness(Liveness s);

      R onClient(OnClient s);

      R iutRekey(IutRekey s);

      R playDead(PlayDead s);
    }

    /** Main Mode (or Aggressive Mode) to an IKE SA. */
    record Phase1(int line) implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.phase1(this);
      }
    }

    /**
     * Quick Mode to one ESP SA pair.
     *
     * @param mode tunnel or transport
     * @param protocol the IP protocol both Quick Mode IDs name (transport only; 0: any)
     * @param port the port both Quick Mode IDs name (with protocol 17 or 6; 0: any)
     */
    record QuickMode(int line, String mode, int protocol, int port) implements Step {
      /** Any protocol, any port. */
      public QuickMode(int line, String mode) {
        this(line, mode, 0, 0);
      }

      public boolean transport() {
        return mode.equals("transport");
      }

      @Override
      public <R> R accept(Visitor<R> v) {
        return v.quickMode(this);
      }
    }

    /**
     * ICMP echo requests through the tunnel: {@code count} of each size.
     *
     * @param to "iut.protected" or an IPv4 address
     * @param sizes the ICMP echo data lengths in bytes, one round of {@code count} requests each
     * @param zeroUdpChecksum the ESP-in-UDP goes out with UDP checksum 0 (a raw IPv4 socket; only
     *     where the backend has one) instead of the valid checksum of the harness's UDP socket
     * @param spoofed the inner source is not the harness's inner address that Quick Mode agreed but
     *     its public address (outside the policy): the IUT must drop the requests
     * @param fromPort the harness sends the requests from this local UDP port of its own (a second
     *     socket, for example 4501) instead of its SA's port; 0: the SA's port
     */
    record EspPing(
        int line,
        String to,
        int count,
        List<Integer> sizes,
        boolean zeroUdpChecksum,
        boolean spoofed,
        int fromPort)
        implements Step {
      /** The default data (the harness's short text) for every request. */
      public EspPing(int line, String to, int count) {
        this(line, to, count, List.of(), false, false);
      }

      /** From the SA's own port. */
      public EspPing(
          int line,
          String to,
          int count,
          List<Integer> sizes,
          boolean zeroUdpChecksum,
          boolean spoofed) {
        this(line, to, count, sizes, zeroUdpChecksum, spoofed, 0);
      }

      public EspPing {
        sizes = List.copyOf(sizes);
      }

      @Override
      public <R> R accept(Visitor<R> v) {
        return v.espPing(this);
      }
    }

    /** Just time passing (keepalives keep flowing). */
    record Wait(int line, Duration duration) implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.waitFor(this);
      }
    }

    /**
     * A NAT-keepalive must be seen in time.
     *
     * @param from harness or iut
     */
    record ExpectKeepalive(int line, String from, Duration within) implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.expectKeepalive(this);
      }
    }

    /**
     * The named NAT forgets its mappings: the next packet gets a new public port; with {@code
     * flows} ESP or IKE, only that flow to UDP 4500 gets one, the other keeps its mapping.
     */
    record NatRebind(int line, String nat, io.natt.nat.RebindFlows flows) implements Step {
      /** Every flow. */
      public NatRebind(int line, String nat) {
        this(line, nat, io.natt.nat.RebindFlows.ALL);
      }

      @Override
      public <R> R accept(Visitor<R> v) {
        return v.natRebind(this);
      }
    }

    /** The named NAT's mappings time out (no traffic for longer than its UDP timeout). */
    record NatExpire(int line, String nat) implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.natExpire(this);
      }
    }

    /**
     * Raw bytes sent to the IUT.
     *
     * @param port 500 or 4500 (destination; the harness sends from the same port)
     * @param resendPhase1 instead of {@code bytes}: the harness's last Main or Aggressive Mode
     *     message of its IKE SA, byte for byte as it was sent (without a non-ESP marker; with one
     *     when {@code port} is 4500)
     */
    record SendRaw(int line, int port, byte[] bytes, boolean resendPhase1) implements Step {
      /** Raw bytes given in the scenario. */
      public SendRaw(int line, int port, byte[] bytes) {
        this(line, port, bytes, false);
      }

      @Override
      public <R> R accept(Visitor<R> v) {
        return v.sendRaw(this);
      }
    }

    /** Packets replayed from a capture in captures/, rewritten to this run's addresses. */
    record Replay(int line, Path file, boolean rewriteCookies, boolean rewriteSpis)
        implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.replay(this);
      }
    }

    /** Delete notifications for the ESP SA and the IKE SA. */
    record Delete(int line) implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.delete(this);
      }
    }

    /**
     * A phase1, quick-mode or esp-ping of client {@code client} (1 is the harness; 2 and up are the
     * further client hosts of {@code topology.harness.clients}), and for a phase1 whether it
     * carries the INITIAL-CONTACT notification (RFC 2407 4.6.3.3) in its last message, whether a
     * further client uses the harness's identity ({@code id: shared}) instead of its own ({@code
     * id: own}), how many bytes of padding Main Mode message 5 gets ({@code pad-message-5}), and
     * whether the client does IKE fragmentation ({@code ike-fragmentation}).
     */
    record OnClient(
        int line,
        int client,
        boolean initialContact,
        boolean sharedIdentity,
        int padding,
        boolean ikeFragmentation,
        Step step)
        implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.onClient(this);
      }
    }

    /**
     * Asks the IUT to rekey its ESP SA (a Quick Mode it starts) or, with {@code ike}, its IKE SA (a
     * phase 1 it starts) with the harness itself, then listens for what it sends; needs a target
     * claiming {@code iut-rekey-on-request}.
     */
    record IutRekey(int line, boolean ike) implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.iutRekey(this);
      }
    }

    /**
     * The harness goes dead but keepalive-alive for {@code duration}: no R-U-THERE-ACK (RFC 3706),
     * no ESP, NAT-keepalives on. A scenario with this step announces DPD in its phase 1.
     */
    record PlayDead(int line, Duration duration) implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.playDead(this);
      }
    }

    /** Whether the harness announces DPD: the scenario plays dead somewhere. */
    static boolean dpd(List<Step> steps) {
      return steps.stream().anyMatch(x -> x instanceof PlayDead);
    }

    /** Checks the IUT still answers a fresh Main Mode message 1. */
    record Liveness(int line) implements Step {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.liveness(this);
      }
    }
  }
}
