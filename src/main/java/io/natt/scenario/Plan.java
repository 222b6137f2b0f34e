package io.natt.scenario;

import io.natt.ike.Knobs;
import io.natt.iut.Iuts;
import io.natt.iut.TargetProfile;
import io.natt.nat.EmulatedTestbed;
import io.natt.nat.Testbed;
import io.natt.sys.SetupException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What running one scenario against one target on one NAT backend would do, told without doing it:
 * whether it runs (or is NOT_APPLICABLE, or refused by the backend), where the harness and the IUT
 * are, and per step what the harness sends to which address and port. It is derived from the
 * scenario model, the target profile and the backend's {@link Testbed.Addressing}; it builds no
 * testbed, opens no socket and starts nothing. Every kind of step is described through {@link
 * Scenario.Step.Visitor}, so a new kind of step does not compile until it has a description here.
 *
 * @param notApplicable why the scenario does not apply to the target (the run would say
 *     NOT_APPLICABLE), if it does not
 * @param refused why the run would refuse the scenario at set-up (the backend cannot realise its
 *     NATs, the harness cannot take its role, the target's IUT cannot be started), if it would
 * @param setup lines about the backend, the NATs, the harness, the IUT and the proposals
 * @param steps one line per step, in order, each saying what the harness sends and where
 * @param destinations every address and port the harness would send to (outside the tunnel)
 * @param insideTunnel every address the harness would send to inside the tunnel
 * @param ports per harness port, the IUT ports it would send to (the kernel NAT's claim that every
 *     mapping behaviour looks the same to the IUT rests on one IUT port per harness port)
 */
public record Plan(
    Scenario scenario,
    String backend,
    Optional<String> notApplicable,
    Optional<String> refused,
    List<String> setup,
    List<String> steps,
    Set<InetSocketAddress> destinations,
    Set<Inet4Address> insideTunnel,
    Map<Integer, Set<Integer>> ports) {

  /** Whether the scenario would run (neither NOT_APPLICABLE nor refused). */
  public boolean runs() {
    return notApplicable.isEmpty() && refused.isEmpty();
  }

  /** The plan of one scenario against the target (as its profile launches it) on the backend. */
  public static Plan of(Scenario s, TargetProfile target, Testbed.Backend backend) {
    ProposalChoice proposals = ProposalChoice.of(s.harness().ike(), target);
    Optional<String> na = Runner.notApplicable(s, target, proposals);
    if (na.isEmpty()) {
      na = Runner.cannotInitiate(s, target);
    }
    if (na.isEmpty()) {
      na =
          Runner.needsRawIpv4(s, backend)
              .or(() -> Runner.needsFlowsApart(s, backend))
              .or(() -> Runner.needsFiltering(s, backend));
    }
    Testbed.Layout layout = s.topology().layout();
    Optional<String> refused =
        backend.refusal(layout).map(r -> r + " (" + backend.name() + " backend, " + s.file() + ")");
    if (refused.isEmpty()) {
      refused = iutRefusal(target);
    }
    if (na.isPresent() || refused.isPresent()) {
      return new Plan(
          s,
          backend.name(),
          na,
          na.isPresent() ? Optional.empty() : refused,
          List.of(),
          List.of(),
          Set.of(),
          Set.of(),
          Map.of());
    }
    Testbed.Addressing a =
        backend.addressing(
            new Testbed.Request(
                layout, target.address(), target.protectedHost(), Runner.remoteOf(target)));
    List<String> setup = new ArrayList<>();
    setup.add("NAT backend: " + backend.name());
    for (Testbed.Nat n : layout.harnessBehind()) {
      if (!layout.harnessForward().isEmpty()) {
        // a forwarding NAT makes no mapping: its behaviour does not matter
        setup.add("NAT " + n.name() + " in front of the harness: " + a.portMapping());
        continue;
      }
      setup.add(
          "NAT "
              + n.name()
              + " in front of the harness (mapping "
              + n.behaviour().mapping().fileName()
              + ", filtering "
              + n.behaviour().filtering().fileName()
              + ", ports "
              + n.behaviour().ports().name().toLowerCase(Locale.ROOT)
              + ", udp-timeout "
              + seconds(n.behaviour().udpTimeout())
              + "): "
              + a.portMapping());
    }
    setup.add(
        "harness: "
            + a.harnessBinds()
            + "; the IUT sees it at "
            + a.harnessSeenAs().getHostAddress()
            + (layout.harnessBehind().isEmpty()
                ? " (no NAT)"
                : layout.harnessForward().isEmpty()
                    ? " (ports mapped by the NAT)"
                    : " (UDP " + layout.harnessForward() + " forwarded to it)")
            + "; inside the tunnel "
            + a.harnessInner().getHostAddress());
    for (int k = 2; k <= layout.clients(); k++) {
      int client = k;
      io.natt.nat.ClientHosts.ownNat(layout, k)
          .ifPresent(
              n ->
                  setup.add(
                      "NAT "
                          + n.name()
                          + " in front of client "
                          + client
                          + " only (ports "
                          + n.behaviour().ports().name().toLowerCase(Locale.ROOT)
                          + ", udp-timeout "
                          + seconds(n.behaviour().udpTimeout())
                          + "), a public address of its own; client "
                          + client
                          + " is "
                          + io.natt.nat.ClientHosts.address(layout, client).getHostAddress()
                          + " on a LAN of its own"));
    }
    for (Testbed.Nat n : layout.iutBehind()) {
      setup.add(
          "NAT "
              + n.name()
              + " in front of the IUT, forwarding UDP "
              + layout.iutForward()
              + " to it: the harness addresses the IUT at "
              + (a.iutSeenAs() == null ? "?" : a.iutSeenAs().getHostAddress())
              + " and puts that address into its NAT-D for the IUT, so the IUT finds itself"
              + " behind a NAT; "
              + (backend.name().startsWith(EmulatedTestbed.NAME)
                  ? "the emulated NAT in the harness hands those datagrams to "
                      + target.address().getHostAddress()
                      + " and shows the answers as from "
                      + (a.iutSeenAs() == null ? "?" : a.iutSeenAs().getHostAddress())
                      + " (captures show the public address)"
                  : "the NAT forwards them to " + target.address().getHostAddress()));
    }
    setup.add(
        "IUT: "
            + target.address().getHostAddress()
            + " ports 500 and 4500, "
            + iut(target)
            + "; protected network "
            + target.protectedNet()
            + ", host "
            + target.protectedHost().getHostAddress());
    setup.add(
        "proposals: phase 1 "
            + proposals.phase1()
            + ", ESP "
            + proposals.esp()
            + (proposals.notes().isEmpty()
                ? ""
                : " (" + String.join("; ", proposals.notes()) + ")"));
    Describer d = new Describer(s, target, a, layout, proposals);
    List<String> steps = new ArrayList<>();
    for (Scenario.Step step : s.steps()) {
      steps.add(
          String.format("line %-3d %-17s %s", step.line(), Runner.stepName(step), step.accept(d)));
    }
    return new Plan(
        s,
        backend.name(),
        Optional.empty(),
        Optional.empty(),
        List.copyOf(setup),
        List.copyOf(steps),
        d.destinations,
        d.inside,
        d.ports);
  }

  /**
   * Why the run could not start the target's IUT, as the IUT factory says it before starting
   * anything (it only chooses how to start it; nothing is started here).
   */
  static Optional<String> iutRefusal(TargetProfile target) {
    try {
      Iuts.launcher(target);
      return Optional.empty();
    } catch (SetupException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static String iut(TargetProfile target) {
    if (target.launchesStrongSwan()) {
      return "the bundled strongSwan, started by the project in a namespace of its own";
    }
    if (target.launch() == null || target.launch().isEmpty()) {
      return "a remote device (not started by the project)";
    }
    return "started by the project (launch: " + target.launch() + ")";
  }

  /** The lines of this plan, for the terminal. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(scenario.id() + ": " + scenario.title());
    if (notApplicable.isPresent()) {
      out.add("  NOT_APPLICABLE: " + notApplicable.get());
      return out;
    }
    if (refused.isPresent()) {
      out.add("  REFUSED at set-up: " + refused.get());
      return out;
    }
    out.add("  would run");
    setup.forEach(l -> out.add("  " + l));
    steps.forEach(l -> out.add("  " + l));
    return out;
  }

  /** Describes each step, following the harness's ports from one step to the next. */
  private static final class Describer implements Scenario.Step.Visitor<String> {
    private final Scenario s;
    private final TargetProfile target;
    private final Testbed.Addressing a;
    private final Testbed.Layout layout;
    private final ProposalChoice proposals;
    private final Knobs k;
    private final String own;
    private final Set<InetSocketAddress> destinations = new LinkedHashSet<>();
    private final Set<Inet4Address> inside = new LinkedHashSet<>();
    private final Map<Integer, Set<Integer>> ports = new TreeMap<>();
    private boolean phase1Done;
    private boolean keepalives;

    Describer(
        Scenario s,
        TargetProfile target,
        Testbed.Addressing a,
        Testbed.Layout layout,
        ProposalChoice proposals) {
      this.s = s;
      this.target = target;
      this.a = a;
      this.layout = layout;
      this.proposals = proposals;
      this.k = s.harness().knobs();
      this.own = a.harnessOwn().getHostAddress();
    }

    /** "own:port -> iut:port", recording the destination. */
    private String to(int port) {
      return to(port, port);
    }

    private String to(int from, int port) {
      destinations.add(new InetSocketAddress(target.address(), port));
      ports.computeIfAbsent(from, x -> new TreeSet<>()).add(port);
      String seen =
          a.iutSeenAs() == null
              ? target.address().getHostAddress()
              : a.iutSeenAs().getHostAddress()
                  + " (the IUT's NAT; it reaches "
                  + target.address().getHostAddress()
                  + ")";
      return "from " + own + ":" + from + " -> " + seen + ":" + port;
    }

    private boolean natAhead() {
      return !layout.harnessBehind().isEmpty();
    }

    /** Whether the harness's own NAT-D tells the IUT that the harness is behind a NAT. */
    private boolean harnessLooksNatted() {
      return natAhead()
          || k.natD() == Knobs.NatDMode.FORCE_ENCAPSULATION
          || k.natD() == Knobs.NatDMode.CORRUPT;
    }

    /** The IKE port after phase 1; -1: 4500 if a NAT was detected, else 500. */
    private int ikePort() {
      if (responder()) {
        return -1;
      }
      return switch (k.floatAt()) {
        case START_ON_4500 -> 4500;
        case NEVER -> 500;
        case AT_MESSAGE_5, EARLY ->
            k.vendorIds().isEmpty() ? 500 : harnessLooksNatted() ? 4500 : -1;
      };
    }

    /** Port words and destinations for traffic on the IKE port after phase 1. */
    private String onIkePort(int port) {
      if (port > 0) {
        return to(port);
      }
      to(4500);
      return to(500) + " (4500 -> 4500 if the IUT's NAT-D showed a NAT and the harness floated)";
    }

    /** The harness as responder: the IUT initiates, the harness answers where each came from. */
    private boolean responder() {
      return s.harness().role().equals("responder");
    }

    private String responderPhase1() {
      boolean aggressive = s.harness().ike().exchange().equals("aggressive");
      phase1Done = true;
      to(500);
      to(4500);
      return "the IUT is asked to initiate ("
          + ResponderRole.how(target)
          + ") "
          + (aggressive ? "Aggressive Mode" : "Main Mode")
          + " to "
          + a.harnessSeenAs().getHostAddress()
          + ":500, proposal "
          + proposals.phase1()
          + "; the harness answers messages "
          + (aggressive ? "2" : "2,4,6")
          + " from "
          + own
          + " to where each came from (UDP 500, or 4500 once the IUT floated; float "
          + word(k.floatAt())
          + "), vendor IDs it echoes "
          + words(k.vendorIds())
          + ", NAT-D "
          + word(k.natD());
    }

    @Override
    public String phase1(Scenario.Step.Phase1 st) {
      if (responder()) {
        return responderPhase1();
      }
      boolean start4500 = k.floatAt() == Knobs.FloatMode.START_ON_4500;
      boolean aggressive = s.harness().ike().exchange().equals("aggressive");
      // Main Mode floats with message 5 (IDii, HASH_I), Aggressive Mode with message 3 (HASH_I)
      String last = aggressive ? "3" : "5";
      String floats =
          switch (k.floatAt()) {
            case START_ON_4500 -> "all on 4500 with the non-ESP marker";
            case NEVER -> "all on 500 (float: never)";
            case EARLY -> "3 and 5 float to 4500 early (float: early) when the IUT speaks NAT-T";
            case AT_MESSAGE_5 ->
                k.vendorIds().isEmpty()
                    ? "no NAT-T vendor ID: all on 500"
                    : harnessLooksNatted()
                        ? last + " floats to 4500"
                        : last + " floats to 4500 only if the IUT's NAT-D shows a NAT";
          };
      StringBuilder b = new StringBuilder();
      b.append(
              aggressive
                  ? "Aggressive Mode messages 1 (with IDii),3 "
                  : "Main Mode messages 1,3,5 ")
          .append(start4500 ? to(4500) : to(500))
          .append(" (")
          .append(floats)
          .append("); vendor IDs ")
          .append(words(k.vendorIds()))
          .append(
              s.harness().persona().isEmpty()
                  ? ""
                  : " and the persona "
                      + s.harness().persona()
                      + "'s "
                      + Personas.vendorIds(s.harness().persona()).stream()
                          .map(io.natt.wire.VendorIds::name)
                          .toList())
          .append(", NAT-D ")
          .append(word(k.natD()))
          .append(", proposal ")
          .append(proposals.phase1());
      phase1Done = true;
      // the runner starts keepalives when the IUT's NAT-D shows the harness behind a NAT
      if (natAhead() && !k.vendorIds().isEmpty()) {
        if (!k.keepaliveInterval().isZero()) {
          int kp = k.has(Knobs.Deviation.KEEPALIVE_ON_500) ? 500 : 4500;
          keepalives = true;
          b.append("; then NAT-keepalives (byte ")
              .append(k.keepaliveByte())
              .append(") every ")
              .append(seconds(k.keepaliveInterval()))
              .append(' ')
              .append(to(kp));
        }
      }
      return b.toString();
    }

    @Override
    public String quickMode(Scenario.Step.QuickMode st) {
      if (responder()) {
        return "the harness answers the IUT's Quick Mode message 1 with message 2 (ESP "
            + proposals.esp()
            + " as the IUT offers it, "
            + target.protectedNet()
            + " <-> "
            + a.harnessInner().getHostAddress()
            + ") on the port the IUT uses";
      }
      if (st.transport()) {
        return "Quick Mode messages 1,3 (transport mode: UDP-Encapsulated-Transport with NAT-OA"
            + " when NAT-D finds a NAT, else Transport; ESP "
            + proposals.esp()
            + ", harness <-> "
            + target.address().getHostAddress()
            + (st.protocol() == 0 ? "" : ", UDP port " + st.port())
            + ") "
            + onIkePort(ikePort());
      }
      return "Quick Mode messages 1,3 ("
          + st.mode()
          + " mode, encapsulation mode "
          + k.encapsulationMode()
          + ", ESP "
          + proposals.esp()
          + ", "
          + a.harnessInner().getHostAddress()
          + " <-> "
          + target.protectedNet()
          + ") "
          + onIkePort(ikePort());
    }

    @Override
    public String espPing(Scenario.Step.EspPing st) {
      if (st.to().equals("iut")) {
        inside.add(target.address());
        return "ESP in UDP, transport mode, "
            + st.count()
            + " requests (ICMP echo, or UDP on the Quick Mode's port) to the IUT's own address "
            + target.address().getHostAddress()
            + ", "
            + onIkePort(ikePort());
      }
      Inet4Address dst =
          st.to().equals("iut.protected") ? target.protectedHost() : Runner.ip(st.to());
      inside.add(dst);
      return "ESP in UDP, "
          + st.count()
          + " ICMP echo"
          + (st.sizes().isEmpty() ? "" : " per data size " + st.sizes() + " bytes")
          + (st.zeroUdpChecksum()
              ? " with UDP checksum 0 (a raw IPv4 socket on the harness's host)"
              : "")
          + " from "
          + (st.spoofed()
              ? a.harnessSeenAs().getHostAddress()
                  + " (spoofed: outside the Quick Mode policy "
                  + a.harnessInner().getHostAddress()
                  + "; the IUT must drop them)"
              : a.harnessInner().getHostAddress())
          + " to "
          + dst.getHostAddress()
          + " inside the tunnel, "
          + onIkePort(ikePort());
    }

    @Override
    public String waitFor(Scenario.Step.Wait st) {
      return "wait "
          + seconds(st.duration())
          + (keepalives ? " (NAT-keepalives go on)" : " silent")
          + (phase1Done ? ", answering what the IUT sends" : "");
    }

    @Override
    public String expectKeepalive(Scenario.Step.ExpectKeepalive st) {
      return "listen "
          + seconds(st.within())
          + " for a NAT-keepalive from the "
          + st.from()
          + (keepalives ? " (the harness's keepalives go on)" : " (nothing sent)");
    }

    @Override
    public String natRebind(Scenario.Step.NatRebind st) {
      return st.flows() == io.natt.nat.RebindFlows.ALL
          ? "rebind the NAT " + st.nat() + ": " + a.rebind() + " (nothing sent)"
          : "rebind the " + st.flows().word() + " flow of the NAT " + st.nat() + " (nothing sent)";
    }

    @Override
    public String natExpire(Scenario.Step.NatExpire st) {
      Duration timeout = s.topology().nats().get(st.nat()).udpTimeout();
      keepalives = false;
      return "NAT-keepalives stop; silent for "
          + seconds(timeout.plus(a.expirySlack()))
          + " (NAT "
          + st.nat()
          + " udp-timeout "
          + seconds(timeout)
          + " + "
          + seconds(a.expirySlack())
          + ") so that its mappings expire";
    }

    @Override
    public String sendRaw(Scenario.Step.SendRaw st) {
      return st.resendPhase1()
          ? "the harness's last phase-1 message again, " + to(st.port())
          : st.bytes().length + " raw bytes " + to(st.port());
    }

    @Override
    public String replay(Scenario.Step.Replay st) {
      List<Replayer.Packet> packets = Replayer.plan(st.file(), null, null, 0, false, false);
      Set<Integer> ports = new TreeSet<>();
      packets.forEach(p -> ports.add(p.dstPort()));
      List<String> where = new ArrayList<>();
      ports.forEach(p -> where.add(to(p)));
      return packets.size()
          + " datagrams of the initiator in "
          + st.file().getFileName()
          + (st.rewriteCookies() ? ", cookies rewritten" : "")
          + (st.rewriteSpis() ? ", SPIs rewritten" : "")
          + ", "
          + (where.isEmpty() ? "none to 500 or 4500" : String.join("; ", where));
    }

    @Override
    public String delete(Scenario.Step.Delete st) {
      return "Delete notifications (ESP SA, then IKE SA), informational exchanges "
          + onIkePort(ikePort());
    }

    @Override
    public String iutRekey(Scenario.Step.IutRekey st) {
      return "asks the IUT to rekey its "
          + (st.ike() ? "IKE SA" : "ESP SA")
          + " itself, then listens "
          + IutRekeyStep.LISTEN.toSeconds()
          + " s for the "
          + (st.ike() ? "phase 1" : "Quick Mode")
          + " it starts (not answered)";
    }

    @Override
    public String playDead(Scenario.Step.PlayDead st) {
      return "play dead for "
          + seconds(st.duration())
          + ": R-U-THERE unanswered, no ESP, NAT-keepalives go on (does the IUT declare the"
          + " harness dead?)";
    }

    @Override
    public String liveness(Scenario.Step.Liveness st) {
      return "a fresh Main Mode message 1 "
          + (k.floatAt() == Knobs.FloatMode.START_ON_4500 ? to(4500) : to(500))
          + " (does the IUT still answer?)";
    }

    @Override
    public String onClient(Scenario.Step.OnClient st) {
      List<String> extras = new java.util.ArrayList<>();
      if (st.initialContact()) {
        extras.add("INITIAL-CONTACT after HASH_I");
      }
      if (st.padding() > 0) {
        extras.add("message 5 padded by " + st.padding() + " bytes");
      }
      if (st.ikeFragmentation()) {
        extras.add("IKE fragmentation offered (used when the IUT offers it too)");
      }
      if (st.client() > 1 && st.step() instanceof Scenario.Step.Phase1) {
        extras.add(
            "identity "
                + (st.sharedIdentity()
                    ? target.localId()
                    : io.natt.nat.ClientHosts.identity(st.client(), target.localId())));
      }
      String inner =
          (extras.isEmpty() ? "" : "[" + String.join("; ", extras) + "] ") + st.step().accept(this);
      String address = io.natt.nat.ClientHosts.address(layout, st.client()).getHostAddress();
      return st.client() == 1
          ? inner
          : "client "
              + st.client()
              + " ("
              + address
              + io.natt.nat.ClientHosts.ownNat(layout, st.client())
                  .map(
                      n ->
                          ", a host of its own behind NAT "
                              + n.name()
                              + (layout.sameAddress() ? ", the same address as the harness" : "")
                              + "): ")
                  .orElse(", a host of its own behind the same NAT): ")
              + inner.replace(own, address);
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0
        ? d.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String words(List<? extends Enum<?>> l) {
    return l.isEmpty() ? "none" : String.join(", ", l.stream().map(Plan::word).toList());
  }
}
