package io.natt.nat;

import io.natt.net.Capture;
import io.natt.net.DatagramPort;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The hosts and NATs of one scenario as a backend realises them: where the harness and the IUT are,
 * the harness's datagram port, the observation points, and the NAT's mappings (forget them, let
 * them expire). The runner holds only this interface; a {@link Backend} builds it. Closing removes
 * everything it made, also after a failure.
 */
public interface Testbed extends AutoCloseable {
  /**
   * A NAT of the scenario, by the name the scenario file gives it.
   *
   * @param dropFragments it drops every IP fragment (a NAT or firewall that does not reassemble),
   *     so a datagram larger than the path's MTU never arrives
   */
  record Nat(String name, NatBehaviour behaviour, boolean dropFragments) {
    /** A NAT that forwards IP fragments. */
    public Nat(String name, NatBehaviour behaviour) {
      this(name, behaviour, false);
    }
  }

  /**
   * Where the scenario puts NATs: in front of the harness, in front of the IUT, each list from the
   * host outwards.
   *
   * @param iutForward UDP ports the IUT's NAT forwards to the IUT (empty when none)
   * @param clients how many client hosts there are: 1 is the harness alone; more are further hosts
   *     of the harness ({@link #client}), on its private LAN unless {@code clientNats} says else
   * @param clientNats the NAT each client sits behind, client 1 (the harness: its innermost NAT)
   *     first; empty: every client behind the harness's NAT. A client behind another NAT sits on a
   *     private LAN of its own behind it ({@link ClientHosts})
   * @param sameAddress every client has the harness's private address (each behind a NAT of its
   *     own: RFC 3948 section 5.1's overlapping tunnels)
   * @param harnessForward UDP ports the harness's NAT forwards to the harness (empty when none):
   *     the harness as responder behind a NAT, the IUT initiating to the NAT's public address
   */
  record Layout(
      List<Nat> harnessBehind,
      List<Nat> iutBehind,
      List<Integer> iutForward,
      int clients,
      List<Nat> clientNats,
      boolean sameAddress,
      List<Integer> harnessForward) {
    public Layout {
      harnessBehind = List.copyOf(harnessBehind);
      iutBehind = List.copyOf(iutBehind);
      iutForward = List.copyOf(iutForward);
      clientNats = List.copyOf(clientNats);
      harnessForward = List.copyOf(harnessForward);
      if (clients < 1) {
        throw new IllegalArgumentException("clients: " + clients);
      }
      if (!clientNats.isEmpty() && clientNats.size() != clients) {
        throw new IllegalArgumentException(
            "clientNats: " + clientNats.size() + " for " + clients + " clients");
      }
    }

    /** Every client behind the harness's NAT, each with an address of its own. */
    public Layout(
        List<Nat> harnessBehind, List<Nat> iutBehind, List<Integer> iutForward, int clients) {
      this(harnessBehind, iutBehind, iutForward, clients, List.of(), false, List.of());
    }

    /** Every client behind the harness's NAT; these ports forwarded to the harness. */
    public Layout(
        List<Nat> harnessBehind,
        List<Nat> iutBehind,
        List<Integer> iutForward,
        int clients,
        List<Integer> harnessForward) {
      this(harnessBehind, iutBehind, iutForward, clients, List.of(), false, harnessForward);
    }

    /** Clients where {@code clientNats} says; nothing forwarded to the harness. */
    public Layout(
        List<Nat> harnessBehind,
        List<Nat> iutBehind,
        List<Integer> iutForward,
        int clients,
        List<Nat> clientNats,
        boolean sameAddress) {
      this(harnessBehind, iutBehind, iutForward, clients, clientNats, sameAddress, List.of());
    }

    /** One client host (the harness). */
    public Layout(List<Nat> harnessBehind, List<Nat> iutBehind, List<Integer> iutForward) {
      this(harnessBehind, iutBehind, iutForward, 1);
    }

    /** Without port forwarding to the IUT. */
    public Layout(List<Nat> harnessBehind, List<Nat> iutBehind) {
      this(harnessBehind, iutBehind, List.of());
    }
  }

  /**
   * A remote device: no namespace is made; the harness host is the network namespace the JVM runs
   * in, with the address {@code bind}.
   *
   * @param bind the local address the harness binds
   * @param portMin lowest public port of the emulated NAT's mappings
   * @param portMax highest one
   */
  record Remote(Inet4Address bind, int portMin, int portMax) {}

  /**
   * What to build.
   *
   * @param layout the NATs and where they sit
   * @param iutAddress the IUT's public address (from the target profile)
   * @param protectedHost an address inside the IUT's protected network that answers ICMP echo
   * @param remote set for a remote device (reached from the JVM's own namespace), else null
   */
  record Request(
      Layout layout, Inet4Address iutAddress, Inet4Address protectedHost, Remote remote) {
    /** For an IUT in a namespace of the project's. */
    public Request(Layout layout, Inet4Address iutAddress, Inet4Address protectedHost) {
      this(layout, iutAddress, protectedHost, null);
    }
  }

  /**
   * Where a backend would put the harness for a layout, known before anything is built (what {@code
   * natt run --plan} shows).
   *
   * @param harnessOwn the harness peer's own address: the one it binds (kernel) or believes it has
   *     and puts into NAT-D and IDs (emulated)
   * @param harnessBinds where the harness's sockets really are, in words (address and ports)
   * @param harnessSeenAs the address the IUT sees the harness at (the NAT's public address, or the
   *     harness's own)
   * @param harnessInner the harness's address inside the tunnel
   * @param portMapping how the NAT in front of the harness maps its ports, in words; empty without
   *     a NAT
   * @param rebind what a rebinding does on this backend, in words
   * @param expirySlack the time after a NAT's UDP timeout until the backend has dropped a mapping
   * @param iutSeenAs the address the harness sees the IUT at when a NAT in front of the IUT
   *     forwards its ports (the NAT's public address), else null: the IUT's own address
   */
  record Addressing(
      Inet4Address harnessOwn,
      String harnessBinds,
      Inet4Address harnessSeenAs,
      Inet4Address harnessInner,
      String portMapping,
      String rebind,
      Duration expirySlack,
      Inet4Address iutSeenAs) {
    /** Without a NAT in front of the IUT. */
    public Addressing(
        Inet4Address harnessOwn,
        String harnessBinds,
        Inet4Address harnessSeenAs,
        Inet4Address harnessInner,
        String portMapping,
        String rebind,
        Duration expirySlack) {
      this(
          harnessOwn,
          harnessBinds,
          harnessSeenAs,
          harnessInner,
          portMapping,
          rebind,
          expirySlack,
          null);
    }

    /** The same, with the IUT shown at {@code seen} by a NAT in front of it. */
    public Addressing withIutSeenAs(Inet4Address seen) {
      return new Addressing(
          harnessOwn,
          harnessBinds,
          harnessSeenAs,
          harnessInner,
          portMapping,
          rebind,
          expirySlack,
          seen);
    }
  }

  /** One way to realise testbeds (kernel namespaces and nftables; emulated, in process). */
  interface Backend {
    /** The name users choose it by, e.g. "kernel". */
    String name();

    /**
     * Why this backend cannot realise the layout (an IUT behind a NAT, two NATs in a row, a NAT
     * behaviour it has no means for), or empty when it can. Asked before anything is built.
     */
    Optional<String> refusal(Layout layout);

    /**
     * The addresses and port mapping it would give the harness for a request it can realise (its
     * layout, and for a remote device the bind address and port range); builds nothing, opens no
     * socket, needs no privilege.
     */
    Addressing addressing(Request request);

    /**
     * Why the scenario cannot run for this user on this request although the backend could realise
     * it (e.g. a scenario without a NAT needs UDP port 500, which an unprivileged user cannot
     * bind): the scenario is then NOT_APPLICABLE with this reason. Asked before anything is built
     * or sent; a SetupException for a problem that is a set-up error instead (a port in use).
     */
    default Optional<String> notApplicable(Request request) {
      return Optional.empty();
    }

    /**
     * Whether its testbeds can send hand-made IPv4 packets from the harness's host ({@link
     * Testbed#openHarnessRawSocket}), e.g. UDP with checksum 0.
     */
    default boolean rawIpv4() {
      return false;
    }

    /**
     * Whether its NAT can give the harness's IKE and ESP flows to UDP 4500 new public ports apart
     * ({@link Testbed#rebind(RebindFlows)} with ESP or IKE).
     */
    default boolean rebindsFlowsApart() {
      return false;
    }

    /**
     * Whether its NATs can filter inbound packets as {@code filtering} says (RFC 4787 section 5);
     * where not, a scenario asking for it is NOT_APPLICABLE on this backend.
     */
    default boolean realisesFiltering(NatBehaviour.Dependency filtering) {
      return true;
    }

    /** Builds the testbed; throws a SetupException with the reason when it cannot. */
    Testbed build(Request request);
  }

  /** The backend's name. */
  String backend();

  Host harness();

  Host iut();

  /** The address the IUT sees the harness at (the NAT's public address, or the harness's own). */
  Inet4Address harnessPublicAddress();

  /**
   * The address the harness sees the IUT at, and sends to: the public address of a NAT in front of
   * the IUT that forwards its ports, or the IUT's own address.
   */
  default Inet4Address iutSeenAs() {
    return iut().address();
  }

  /**
   * The harness's address inside the tunnel: behind a NAT its private address (the road-warrior
   * case), otherwise an address of a network behind the harness, so that the IUT's route into the
   * tunnel never covers the harness's own public address.
   */
  Inet4Address harnessInnerAddress();

  /** The network of {@link #harnessInnerAddress()}, as a.b.c.d/len (the IUT's remote_ts). */
  String harnessInnerNet();

  /** The NAT in front of the harness, if any. */
  Optional<NatBehaviour> harnessNat();

  /** Opens the harness's datagram port on {@code localPorts} of its address; the caller closes. */
  DatagramPort openHarnessPort(List<Integer> localPorts);

  /**
   * Client host {@code n} behind the harness's NAT (2 up to the layout's {@code clients}; 1 is
   * {@link #harness()}): a host of its own on the harness's private LAN, with an address of its own
   * there, which is also its address inside the tunnel.
   */
  default Host client(int n) {
    if (n == 1) {
      return harness();
    }
    throw new IllegalArgumentException("this testbed has no client " + n);
  }

  /**
   * Opens client {@code n}'s datagram port on {@code localPorts} of its address (through the same
   * NAT as the harness's); the caller closes. Client 1 is the harness ({@link #openHarnessPort}).
   */
  default DatagramPort openClientPort(int n, List<Integer> localPorts) {
    if (n == 1) {
      return openHarnessPort(localPorts);
    }
    throw new IllegalArgumentException("this testbed has no client " + n);
  }

  /**
   * A raw IPv4 socket on the harness's host, where the backend has one ({@link Backend#rawIpv4()}):
   * what it sends goes through the NATs like the harness's datagrams; the caller closes.
   */
  default Optional<io.natt.sys.RawIpv4Socket> openHarnessRawSocket() {
    return Optional.empty();
  }

  /**
   * Opens UDP ports on the IUT host's address, for an IUT that runs inside the harness (the
   * emulated IUT); the caller closes.
   */
  DatagramPort openIutPort(List<Integer> localPorts);

  /**
   * What the testbed's NATs did that is worth a line in the trace's notes (mappings made, expired,
   * packets filtered), in order; empty when the backend cannot tell.
   */
  default List<String> notes() {
    return List.of();
  }

  /** The names of the observation points, in the order {@link #startCaptures} returns them. */
  List<String> observationPoints();

  /**
   * The observation point nearest to the IUT (a NAT's public side, or the harness itself when no
   * NAT is between).
   */
  String iutSidePoint();

  /**
   * Starts recording at every observation point, each into {@code dir/<point>.pcap}; the caller
   * closes them (closing the testbed closes any left open).
   */
  List<Capture> startCaptures(Path dir);

  /**
   * Makes the NAT forget every mapping, so the harness's next packet gets a new one (a NAT reboot
   * or a rebinding).
   *
   * @return how, in a few words for the step's output (e.g. "conntrack flush")
   */
  String rebind();

  /**
   * Gives only some of the harness's flows to UDP 4500 a new public port ({@link RebindFlows#ALL}
   * is {@link #rebind()}); only where the backend {@link Backend#rebindsFlowsApart()}.
   *
   * @return how, in a few words for the step's output
   */
  default String rebind(RebindFlows flows) {
    if (flows == RebindFlows.ALL) {
      return rebind();
    }
    throw new UnsupportedOperationException(
        backend() + " backend: cannot rebind the " + flows.word() + " flow alone");
  }

  /**
   * How long the harness must stay silent for the NAT in front of it to drop its mappings: its UDP
   * timeout plus the backend's slack. Empty when no NAT is in front of the harness.
   */
  Optional<Duration> expiryWait();

  /**
   * Whether the NAT in front of the harness holds no UDP mapping any more (after its timeout, once
   * it has dropped them); empty when the backend cannot tell, and then a caller waits the whole
   * {@link #expiryWait()}.
   */
  default Optional<Boolean> mappingsGone() {
    return Optional.empty();
  }

  @Override
  void close();
}
