package io.natt.scenario;

import io.natt.crypto.ProposalParser;
import io.natt.ike.ChildSaKeys;
import io.natt.ike.IdPayloads;
import io.natt.ike.IkeException;
import io.natt.ike.Ikev1Initiator;
import io.natt.ike.Knobs;
import io.natt.ike.NatDetection;
import io.natt.ike.PeerConfig;
import io.natt.ike.ProposalRefused;
import io.natt.iut.Iut;
import io.natt.iut.Iuts;
import io.natt.iut.RemoteSettings;
import io.natt.iut.StrongSwan;
import io.natt.iut.TargetProfile;
import io.natt.nat.Testbed;
import io.natt.nat.Testbeds;
import io.natt.net.Capture;
import io.natt.net.CapturedFrame;
import io.natt.net.DatagramPort;
import io.natt.net.Interlock;
import io.natt.sys.Cleanup;
import io.natt.sys.SetupException;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceContext;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs one scenario against one target: builds the testbed (through the backend chosen by name),
 * starts the IUT when the project launches it, drives the harness's peer through the steps, and
 * returns the trace. Judging the trace is not its business (see the verdict part).
 */
public final class Runner {
  /** How a step went. */
  public enum Status {
    OK,
    FAILED,
    ERROR,
    SKIPPED
  }

  /** One step's outcome, with the line of the scenario file it came from. */
  public record StepResult(int line, String step, Status status, String detail, double seconds) {
    @Override
    public String toString() {
      String where = line > 0 ? String.format("line %-3d ", line) : "";
      return String.format("%s%-18s %-7s %s (%.1f s)", where, step, status, detail, seconds);
    }
  }

  /** What the harness's peer ended with. */
  public record PeerState(
      NatDetection nat,
      boolean floated,
      Optional<ChildSaKeys> child,
      List<HarnessPeer.PingResult> pings) {}

  /**
   * The result of running a scenario.
   *
   * @param notApplicable why the scenario does not apply to this target (PICS), if it does not
   * @param error a set-up or harness error that stopped the run (verdict ERROR), if any
   */
  public record Outcome(
      Scenario scenario,
      TargetProfile target,
      Trace trace,
      List<StepResult> steps,
      Optional<String> notApplicable,
      Optional<String> error,
      PeerState peer,
      String iutStatus,
      String iutLog,
      List<Path> captures,
      Duration elapsed) {}

  /** Which IUT the runner faces. */
  public sealed interface IutLaunch {
    /** As the target profile's {@code launch} says (a remote device is refused for now). */
    record FromTarget() implements IutLaunch {}

    /** The strongSwan the project bundles, configured from the target profile. */
    record Bundled() implements IutLaunch {}

    /**
     * The harness's own IKEv1 responder as the IUT, with knobs (a mutant when they deviate); with
     * {@code refuseOverlap} it refuses a tunnel whose inner address another client's tunnel has
     * (RFC 3948 section 5.1, compliant).
     */
    record Emulated(Knobs knobs, boolean refuseOverlap) implements IutLaunch {
      public Emulated(Knobs knobs) {
        this(knobs, false);
      }
    }
  }

  /**
   * Time the IUT gets to install its SAs after Quick Mode message 3 when it cannot say when it has
   * (a remote device, the emulated IUT).
   */
  static final Duration QUICK_MODE_SETTLE = Duration.ofMillis(500);

  /**
   * How long to wait for an IUT that can say it installed its SAs (the bundled strongSwan, through
   * its log) before going on anyway.
   */
  static final Duration QUICK_MODE_INSTALL_TIMEOUT = Duration.ofSeconds(3);

  /** How long a request with a spoofed inner source waits for the answer that must not come. */
  static final Duration SPOOFED_WAIT = Duration.ofMillis(700);

  /** How often expect-keepalive looks whether the keepalive it waits for has come. */
  static final Duration KEEPALIVE_POLL = Duration.ofMillis(20);

  /** How often nat-expire looks whether the NAT has dropped its mappings after its timeout. */
  static final Duration EXPIRY_POLL = Duration.ofMillis(100);

  private Runner() {}

  /** The IUT the target profile asks for, on the default testbed backend. */
  public static Outcome run(Scenario s, TargetProfile target, Path outDir, Consumer<String> log) {
    return run(s, target, new IutLaunch.FromTarget(), outDir, log);
  }

  /**
   * The given IUT on the default testbed backend for it: kernel when the project launches the IUT,
   * emulated for a remote device ({@link Testbeds#defaultFor}).
   */
  public static Outcome run(
      Scenario s, TargetProfile target, IutLaunch launch, Path outDir, Consumer<String> log) {
    return run(s, target, launch, defaultBackend(target, launch), outDir, log);
  }

  /** The backend used when none is chosen, for this target and IUT. */
  public static String defaultBackend(TargetProfile target, IutLaunch launch) {
    boolean remote =
        launch instanceof IutLaunch.FromTarget
            && (target.launch() == null || target.launch().isEmpty());
    return Testbeds.defaultFor(!remote);
  }

  /**
   * Runs the scenario against the given IUT (null: as the target profile says) on the testbed
   * backend of that name ({@link Testbeds#names()}); set-up errors come back in {@link
   * Outcome#error()}, not as exceptions.
   */
  public static Outcome run(
      Scenario s,
      TargetProfile target,
      IutLaunch launch,
      String backend,
      Path outDir,
      Consumer<String> log) {
    Testbed.Backend chosen;
    try {
      chosen = Testbeds.backend(backend);
    } catch (SetupException e) {
      return new Outcome(
          s,
          target,
          new Trace(),
          List.of(),
          Optional.empty(),
          Optional.of(e.getMessage()),
          new PeerState(new NatDetection("none", false, false), false, Optional.empty(), List.of()),
          "",
          "",
          List.of(),
          Duration.ZERO);
    }
    return run(s, target, launch, chosen, outDir, log);
  }

  /**
   * Runs the scenario on the given testbed backend (also one that users cannot choose by name, such
   * as the in-memory emulated backend of the mutant suite).
   */
  public static Outcome run(
      Scenario s,
      TargetProfile target,
      IutLaunch launch,
      Testbed.Backend backend,
      Path outDir,
      Consumer<String> log) {
    long start = System.nanoTime();
    Trace trace = new Trace();
    PeerState none =
        new PeerState(new NatDetection("none", false, false), false, Optional.empty(), List.of());
    ProposalChoice proposals = ProposalChoice.of(s.harness().ike(), target);
    Optional<String> notApplicable =
        notApplicable(s, target, proposals)
            .or(
                () ->
                    launch instanceof IutLaunch.FromTarget
                        ? cannotInitiate(s, target)
                        : Optional.empty());
    if (notApplicable.isPresent()) {
      return new Outcome(
          s,
          target,
          trace,
          List.of(),
          notApplicable,
          Optional.empty(),
          none,
          "",
          "",
          List.of(),
          Duration.ZERO);
    }
    try {
      proposals.notes().forEach(trace::note);
      proposals.notes().forEach(n -> log.accept("    " + n));
      return new Execution(s, target, launch, backend, proposals, outDir, trace, log).run(start);
    } catch (SetupException | IllegalArgumentException e) {
      return new Outcome(
          s,
          target,
          trace,
          List.of(),
          Optional.empty(),
          Optional.of(e.getMessage()),
          none,
          "",
          "",
          List.of(),
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /**
   * Why the target's IUT cannot be made to initiate, for a scenario with the harness as responder
   * (a remote device without an initiate hook, a daemon started by a launch command).
   */
  static Optional<String> cannotInitiate(Scenario s, TargetProfile target) {
    return s.harness().role().equals("responder")
        ? ResponderRole.initiateRefusal(target)
        : Optional.empty();
  }

  /** The remote device's side of a testbed for a target the project does not launch, else null. */
  static Testbed.Remote remoteOf(TargetProfile target) {
    RemoteSettings r = target.isRemote() ? target.remote() : null;
    return r == null ? null : new Testbed.Remote(r.bind(), r.natPortMin(), r.natPortMax());
  }

  /**
   * Why the scenario does not apply to the target: a PICS item it needs that the target does not
   * claim, or a proposal the target does not accept when the scenario is about that proposal.
   */
  static Optional<String> notApplicable(
      Scenario s, TargetProfile target, ProposalChoice proposals) {
    List<String> missing = s.appliesWhen().stream().filter(c -> !target.claims(c)).toList();
    return missing.isEmpty()
        ? proposals.notApplicable()
        : Optional.of("the target does not claim " + missing);
  }

  /**
   * Puts captured frames into the trace on the harness's monotonic clock, through one pair of clock
   * readings ({@code wallNow} and {@code monoNow}, taken together once for the whole run): the
   * frames keep the order and spacing of their capture timestamps. (Reading both clocks anew for
   * each frame let a thread that was preempted between the two readings shift a frame by the time
   * it waited, and put an answer a millisecond later before its request.)
   */
  static void observeFrames(
      Trace trace, String point, List<CapturedFrame> frames, Instant wallNow, long monoNow) {
    for (CapturedFrame f : frames) {
      long ago = Duration.between(f.time(), wallNow).toNanos();
      trace.observe(point, f.time(), monoNow - ago, f.bytes());
    }
  }

  /**
   * The wall clock and the monotonic clock read at (nearly) the same moment: the monotonic reading
   * between two wall-clock readings at most 100 microseconds apart (or, after ten tries on a busy
   * machine, the closest pair), and the wall time halfway between those two.
   */
  record ClockPair(Instant wall, long mono) {
    static ClockPair read() {
      ClockPair best = null;
      long bestGap = Long.MAX_VALUE;
      for (int k = 0; k < 10 && bestGap > 100_000; k++) {
        Instant a = Instant.now();
        long m = System.nanoTime();
        Instant b = Instant.now();
        long gap = Duration.between(a, b).toNanos();
        if (gap < bestGap) {
          bestGap = gap;
          best = new ClockPair(a.plusNanos(gap / 2), m);
        }
      }
      return best;
    }
  }

  /** One run's mutable state. */
  private static final class Execution {
    private final Scenario s;
    private final TargetProfile target;
    private final IutLaunch launch;
    private final Testbed.Backend backend;
    private final ProposalChoice proposals;
    private final Path outDir;
    private final Trace trace;
    private final Consumer<String> log;
    private final SecureRandom rnd = new SecureRandom();
    private final List<StepResult> results = new ArrayList<>();
    private Testbed testbed;
    private HarnessPeer peer;
    private Ikev1Initiator ike;
    private ResponderRole responder;
    private PeerConfig cfg;
    private ChildSaKeys child;
    private List<HarnessPeer.PingResult> pings = new ArrayList<>();
    private Optional<String> refused = Optional.empty();
    private Iut startedIut;
    private ClientPeers clients;

    /**
     * Clients whose Quick Mode the IUT refused because their inner address was another client's
     * (topology.harness.clients same-address), with the line of that step.
     */
    private final Map<Integer, Integer> refusedClients = new HashMap<>();

    Execution(
        Scenario s,
        TargetProfile target,
        IutLaunch launch,
        Testbed.Backend backend,
        ProposalChoice proposals,
        Path outDir,
        Trace trace,
        Consumer<String> log) {
      this.s = s;
      this.target = target;
      this.launch = launch;
      this.backend = backend;
      this.proposals = proposals;
      this.outDir = outDir;
      this.trace = trace;
      this.log = log;
    }

    Outcome run(long start) {
      Testbed.Layout layout = s.topology().layout();
      Optional<String> refusal = backend.refusal(layout);
      if (refusal.isPresent()) {
        throw new SetupException(
            refusal.get() + " (" + backend.name() + " backend, " + s.file() + ")");
      }
      Testbed.Request request =
          new Testbed.Request(layout, target.address(), target.protectedHost(), remote());
      // what this user or backend cannot do for this scenario: NOT_APPLICABLE, nothing sent
      Optional<String> cannot =
          backend
              .notApplicable(request)
              .or(() -> needsRawIpv4(s, backend))
              .or(() -> needsFlowsApart(s, backend))
              .or(() -> needsFiltering(s, backend));
      if (cannot.isPresent()) {
        log.accept("    NOT_APPLICABLE: " + cannot.get());
        return new Outcome(
            s,
            target,
            trace,
            List.of(),
            cannot,
            Optional.empty(),
            new PeerState(
                new NatDetection("none", false, false), false, Optional.empty(), List.of()),
            "",
            "",
            List.of(),
            Duration.ofNanos(System.nanoTime() - start));
      }
      Iut.Launcher launcher = launcher();
      try (Testbed built = backend.build(request)) {
        testbed = built;
        Cleanup.register(testbed);
        try {
          return withTestbed(launcher, start);
        } finally {
          Cleanup.unregister(testbed);
        }
      }
    }

    /** A remote device's side of the testbed, when the run faces the target's remote device. */
    private Testbed.Remote remote() {
      return launch instanceof IutLaunch.FromTarget ? remoteOf(target) : null;
    }

    /** The target's remote settings when this run faces its remote device, else null. */
    private RemoteSettings remoteSettings() {
      return launch instanceof IutLaunch.FromTarget && target.isRemote() ? target.remote() : null;
    }

    /** The harness's local ports: 500, 4500 and the second port of any esp-ping from-port. */
    private List<Integer> harnessPorts() {
      java.util.TreeSet<Integer> ports = new java.util.TreeSet<>(List.of(500, 4500));
      for (Scenario.Step st : s.steps()) {
        if (st instanceof Scenario.Step.EspPing e && e.fromPort() != 0) {
          ports.add(e.fromPort());
        }
      }
      return List.copyOf(ports);
    }

    /** How long an ESP echo reply may take: the remote device's response timeout, or 2 s. */
    private Duration replyWait() {
      RemoteSettings r = remoteSettings();
      return r == null ? Duration.ofSeconds(2) : r.responseTimeout();
    }

    /** Whether the scenario's phase 1 is Aggressive Mode. */
    private boolean aggressive() {
      return s.harness().ike().exchange().equals("aggressive");
    }

    /** How to start the IUT this run faces. */
    private Iut.Launcher launcher() {
      if (launch instanceof IutLaunch.Emulated e) {
        return EmulatedIut.launcher(e.knobs(), rnd, e.refuseOverlap());
      }
      boolean dpd = Scenario.Step.dpd(s.steps());
      if (launch instanceof IutLaunch.Bundled || (dpd && target.launchesStrongSwan())) {
        return dpd ? StrongSwan::startWithShortDpd : StrongSwan::start;
      }
      if (dpd && target.launchesCommand()) {
        return io.natt.iut.CommandIut::startWithShortDpd;
      }
      return Iuts.launcher(target);
    }

    private Outcome withTestbed(Iut.Launcher launcher, long start) {
      boolean natted = testbed.harnessNat().isPresent();
      trace.context(
          new TraceContext(
              testbed.iutSeenAs(),
              testbed.harness().address(),
              natted ? s.topology().harnessBehind().size() : 0,
              natted ? testbed.iutSidePoint() : Trace.PEER,
              target.claims(),
              withClientPoints(testbed.observationPoints()),
              target.address(),
              target.keepaliveInterval()));
      List<Capture> captures = new ArrayList<>();
      Path capDir = outDir.resolve("captures");
      Iut iut = null;
      String status = "";
      String iutLog = "";
      Optional<String> error = Optional.empty();
      try {
        captures.addAll(testbed.startCaptures(capDir));
        iut = launcher.start(testbed, target);
        startedIut = iut;
        Cleanup.register(iut);
        // the interlock: whatever the backend, the harness sends only to the target's address, or
        // to the public address of the NAT in front of it that forwards its ports
        Interlock interlock =
            Interlock.allowing(
                java.util.stream.Stream.of(target.address(), testbed.iutSeenAs())
                    .distinct()
                    .toList(),
                "the target " + target.name());
        try (DatagramPort port = interlock.guard(testbed.openHarnessPort(harnessPorts()));
            HarnessPeer p = new HarnessPeer(port, trace, rnd)) {
          peer = p;
          cfg = peerConfig();
          ike = new Ikev1Initiator(cfg, peer, peer.recorder(), rnd);
          ike.announceAlso(Personas.vendorIds(s.harness().persona()));
          if (s.harness().role().equals("responder")) {
            responder = responderRole();
          } else {
            peer.attach(ike);
            if (Scenario.Step.dpd(s.steps())) {
              ike.enableDpd();
              peer.handleIkeWith(ike::unsolicited);
            }
          }
          clients = new ClientPeers(testbed, interlock, cfg, rnd);
          try (ClientPeers closing = clients) {
            runSteps();
            peer.drain(Duration.ofMillis(300));
            clients.drainAll(Duration.ofMillis(100));
          } finally {
            clients.mergeInto(trace);
          }
          error = refused.isPresent() ? refused : unreachable(captures);
        }
        status = iut.status();
      } catch (SetupException e) {
        error = Optional.of(e.getMessage());
      } finally {
        testbed.notes().forEach(trace::note);
        trace.observedUntil(System.nanoTime());
        closeAll(captures);
        ClockPair now = ClockPair.read();
        for (Capture c : captures) {
          observeFrames(trace, c.point(), c.frames(), now.wall(), now.mono());
        }
        if (iut != null) {
          iutLog = iut.log();
          write(outDir.resolve("iut.log"), iutLog);
          iut.close();
          Cleanup.unregister(iut);
        }
      }
      write(outDir.resolve("trace.txt"), ladder());
      PeerState state =
          new PeerState(
              responder != null
                  ? responder.natDetection()
                  : ike == null ? new NatDetection("none", false, false) : ike.natDetection(),
              responder != null ? responder.floated() : ike != null && ike.floated(),
              Optional.ofNullable(child),
              List.copyOf(pings));
      return new Outcome(
          s,
          target,
          trace,
          List.copyOf(results),
          Optional.empty(),
          error,
          state,
          status,
          iutLog,
          captures.stream().map(Capture::file).toList(),
          Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Closes the captures at the same time: each waits a moment for frames still in flight, and
     * those moments need not add up.
     */
    private static void closeAll(List<Capture> captures) {
      List<Thread> closing = new ArrayList<>();
      for (Capture c : captures) {
        Thread t = new Thread(c::close, "close-" + c.point());
        t.setDaemon(true);
        t.start();
        closing.add(t);
      }
      for (Thread t : closing) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          captures.forEach(Capture::close);
          return;
        }
      }
    }

    /**
     * When the IUT sent nothing at all, a fresh Main Mode on port 500 with the compliant knobs
     * tells an unreachable device (ERROR, no verdict) from one that ignored only what the scenario
     * provoked (a verdict stands).
     */
    private Optional<String> unreachable(List<Capture> captures) {
      boolean heard =
          trace.at(Trace.PEER).stream()
                  .anyMatch(
                      e ->
                          e.direction() == Direction.RECEIVED
                              && e.from().getAddress().equals(testbed.iutSeenAs()))
              || captures.stream()
                  .flatMap(c -> c.frames().stream())
                  .anyMatch(f -> sentBy(f, target.address()) || sentBy(f, testbed.iutSeenAs()));
      if (heard) {
        return Optional.empty();
      }
      PeerConfig probeCfg =
          new PeerConfig(
              cfg.localAddress(),
              cfg.remoteAddress(),
              cfg.localId(),
              cfg.remoteId(),
              cfg.psk(),
              cfg.cipher(),
              cfg.hash(),
              cfg.group(),
              cfg.espCipher(),
              cfg.espIntegrity(),
              cfg.remoteNet(),
              cfg.remotePrefix(),
              Knobs.rfc3947(),
              remoteSettings() == null
                  ? Duration.ofSeconds(1)
                  : remoteSettings().retransmitInterval());
      if (new Ikev1Initiator(probeCfg, peer, peer.recorder(), rnd).probe()) {
        trace.note("the IUT ignored this scenario's packets but answers a fresh Main Mode on 500");
        return Optional.empty();
      }
      return Optional.of(
          "the IUT at "
              + target.address().getHostAddress()
              + " did not answer at all, not even a fresh Main Mode on UDP 500: unreachable,"
              + " or not configured for the harness (addresses, identities, PSK, proposals: it was"
              + " offered the phase-1 proposal "
              + proposals.phase1()
              + ", which it may not accept)");
    }

    /** Whether a captured frame is an IPv4 packet from the given address. */
    private static boolean sentBy(CapturedFrame f, Inet4Address a) {
      try {
        return java.util.Arrays.equals(
            io.natt.wire.Ipv4Packet.decode(io.natt.wire.EthernetFrame.decode(f.bytes()).payload())
                .src(),
            a.getAddress());
      } catch (io.natt.wire.MalformedException e) {
        return false;
      }
    }

    private String ladder() {
      StringBuilder b = new StringBuilder();
      b.append("scenario ").append(s.id()).append(": ").append(s.title()).append("\n\n");
      trace.notes().forEach(n -> b.append(n).append('\n'));
      results.forEach(r -> b.append(r).append('\n'));
      for (String point : trace.context().points()) {
        b.append("\n--- ").append(point).append(" ---\n").append(trace.ladder(point)).append('\n');
      }
      b.append("\n--- peer (as the harness sent and received, decrypted) ---\n")
          .append(trace.ladder(Trace.PEER))
          .append('\n');
      return b.toString();
    }

    /** The harness as responder: its responder on the peer, the IUT asked to initiate to it. */
    private ResponderRole responderRole() {
      io.natt.iut.Initiation i =
          new io.natt.iut.Initiation(
              testbed.harnessPublicAddress(),
              target.localId(),
              aggressive(),
              proposals.phase1(),
              proposals.esp(),
              testbed.harnessInnerNet(),
              ResponderRole.transport(s.steps()));
      return new ResponderRole(
          ResponderRole.config(
              testbed.harness().address(),
              target.localId(),
              target.remoteId(),
              target.psk(),
              testbed.harnessInnerNet(),
              s.harness().knobs(),
              cfg.answerTimeout()),
          peer,
          trace,
          rnd,
          i);
    }

    private PeerConfig peerConfig() {
      ProposalParser.Phase1 p1 = ProposalParser.phase1(proposals.phase1());
      ProposalParser.Phase2 p2 = ProposalParser.phase2(proposals.esp());
      String[] net = target.protectedNet().split("/");
      RemoteSettings r = remoteSettings();
      Duration interval = r == null ? Duration.ofSeconds(2) : r.retransmitInterval();
      return new PeerConfig(
          testbed.harness().address(),
          testbed.iutSeenAs(),
          target.localId(),
          target.remoteId(),
          target.psk(),
          p1.cipher(),
          p1.hash(),
          p1.group(),
          p2.cipher(),
          p2.integrity(),
          ip(net[0]),
          Integer.parseInt(net[1]),
          s.harness().knobs(),
          interval,
          r == null ? PeerConfig.LAB_RETRANSMITS : r.retransmits(),
          r == null ? interval : r.responseTimeout());
    }

    private void runSteps() {
      boolean stopped = false;
      for (Scenario.Step step : s.steps()) {
        String name = stepName(step);
        if (stopped) {
          results.add(
              new StepResult(step.line(), name, Status.SKIPPED, "after an earlier failure", 0));
          continue;
        }
        if (step instanceof Scenario.Step.OnClient oc && refusedClients.containsKey(oc.client())) {
          results.add(
              new StepResult(
                  step.line(),
                  name,
                  Status.SKIPPED,
                  "the IUT refused client "
                      + oc.client()
                      + "'s tunnel at line "
                      + refusedClients.get(oc.client()),
                  0));
          continue;
        }
        long t0 = System.nanoTime();
        StepResult r;
        try {
          String detail = execute(step);
          r = new StepResult(step.line(), name, Status.OK, detail, secs(t0));
        } catch (StepFailed e) {
          r = new StepResult(step.line(), name, Status.FAILED, e.getMessage(), secs(t0));
          stopped = true;
        } catch (ProposalRefused e) {
          if (e.identities()) {
            // the tunnel's identities refused (not a proposal): a failed step, no proposal hint
            r = new StepResult(step.line(), name, Status.FAILED, e.getMessage(), secs(t0));
          } else {
            refused = Optional.of(refusal(e));
            r = new StepResult(step.line(), name, Status.ERROR, refused.get(), secs(t0));
          }
          stopped = true;
        } catch (IkeException e) {
          r = new StepResult(step.line(), name, Status.FAILED, e.getMessage(), secs(t0));
          stopped = true;
        }
        results.add(r);
        trace.note(
            "step " + name + " (line " + step.line() + "): " + r.status() + " " + r.detail());
        log.accept("    " + r);
      }
    }

    /**
     * A refused proposal is a set-up mismatch (ERROR), not a verdict: it names the proposal and the
     * setting to change.
     */
    private String refusal(ProposalRefused e) {
      boolean esp = e.phase() == ProposalRefused.Phase.ESP;
      String proposal = esp ? proposals.esp() : proposals.phase1();
      String what = esp ? "ESP proposal" : "phase-1 proposal";
      String key = esp ? "esp" : "phase1";
      String fix =
          "; configure "
              + target.name()
              + " to accept it, or list the proposals it accepts in the target profile"
              + " (proposals: { "
              + key
              + ": [...] }) so that scenarios not about this proposal use one of them";
      if (e.keyExchange()) {
        return "set-up: the IUT accepted the "
            + what
            + " "
            + proposal
            + " but answered "
            + e.answeredMessage()
            + " with "
            + e.notification()
            + ": it cannot compute that Diffie-Hellman group"
            + (!(launch instanceof IutLaunch.Emulated) && target.launchesStrongSwan()
                ? " (the bundled strongSwan lacks a crypto plugin: run `natt doctor`)"
                : "")
            + fix;
      }
      return "set-up: the IUT refused the "
          + what
          + " "
          + proposal
          + " ("
          + e.notification()
          + " in answer to "
          + e.answeredMessage()
          + ")"
          + fix;
    }

    /**
     * Waits until the IUT has installed the SA pair after Quick Mode message 3: until it says so,
     * when it can (the bundled strongSwan's log), else for {@link #QUICK_MODE_SETTLE}. The harness
     * goes on receiving meanwhile.
     */
    private String awaitInstalled(ChildSaKeys c) {
      if (startedIut == null || startedIut.childSaInstalled(c.spiOut()).isEmpty()) {
        peer.drain(QUICK_MODE_SETTLE);
        return QUICK_MODE_SETTLE.toMillis() + " ms for the IUT to install it";
      }
      long t0 = System.nanoTime();
      long deadline = t0 + QUICK_MODE_INSTALL_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (startedIut.childSaInstalled(c.spiOut()).orElse(false)) {
          return "the IUT said it installed it after "
              + Duration.ofNanos(System.nanoTime() - t0).toMillis()
              + " ms";
        }
        peer.drain(Duration.ofMillis(10));
      }
      // the ping that follows shows whether it did
      return "the IUT did not say within "
          + QUICK_MODE_INSTALL_TIMEOUT.toMillis()
          + " ms that it installed it";
    }

    private static double secs(long t0) {
      return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Echo requests whose inner source is the harness's public address, outside the policy that
     * Quick Mode agreed (the harness's inner address): the step reports what came back and never
     * fails (3948-3.1.1-inner-source judges it); an answer the IUT sends in the clear to that
     * address, instead of through the tunnel, shows in the captures.
     */
    private String spoofedPing(Scenario.Step.EspPing e, Inet4Address to) {
      Inet4Address spoofed = testbed.harnessPublicAddress();
      if (spoofed.equals(testbed.harnessInnerAddress())) {
        throw new SetupException(
            "esp-ping from: spoofed needs a harness public address apart from its inner address");
      }
      Duration wait = replyWait().compareTo(SPOOFED_WAIT) < 0 ? replyWait() : SPOOFED_WAIT;
      trace.note(
          "esp-ping (line "
              + e.line()
              + "): inner source "
              + spoofed.getHostAddress()
              + " spoofed (the policy agreed in Quick Mode is "
              + testbed.harnessInnerAddress().getHostAddress()
              + ")");
      List<HarnessPeer.PingResult> r = peer.ping(spoofed, to, e.count(), e.sizes(), false, wait);
      long answered = r.stream().filter(HarnessPeer.PingResult::answered).count();
      return answered
          + " of "
          + r.size()
          + " requests with the spoofed inner source "
          + spoofed.getHostAddress()
          + " answered through the tunnel";
    }

    /** The run's observation points, and one per further client ({@link ClientPeers#point}). */
    private List<String> withClientPoints(List<String> points) {
      List<String> out = new ArrayList<>(points);
      for (int n = 2; n <= s.topology().clients(); n++) {
        out.add(ClientPeers.point(n));
      }
      return out;
    }

    /**
     * A step of another client than the harness (or the harness's phase 1 with INITIAL-CONTACT). An
     * esp-ping of another client fails also when ESP came to it, or to the harness, that its SAs do
     * not open: one client got the other's traffic.
     */
    private String onClient(Scenario.Step.OnClient c) {
      if (c.client() == 1) {
        ike.initialContact(c.initialContact());
        ike.largeMessages(c.padding(), c.ikeFragmentation());
        try {
          return execute(c.step()) + (c.initialContact() ? "; INITIAL-CONTACT sent" : "");
        } finally {
          ike.initialContact(false);
          ike.largeMessages(0, false);
        }
      }
      ClientPeers.Client cl = clients.client(c.client(), c.sharedIdentity());
      if (c.step() instanceof Scenario.Step.Phase1) {
        cl.ike.largeMessages(c.padding(), c.ikeFragmentation());
        String done = clients.phase1(cl, aggressive(), c.initialContact());
        trace.addKeys(SaKeysOf.ike(cl.ike));
        return done;
      }
      if (c.step() instanceof Scenario.Step.QuickMode) {
        ChildSaKeys k;
        try {
          k = clients.quickMode(cl);
        } catch (ProposalRefused e) {
          if (e.phase() != ProposalRefused.Phase.ESP || !s.topology().sameAddress()) {
            throw e;
          }
          // RFC 3948 5.1: refusing a tunnel whose inner address another client already has is
          // one way for a gateway to keep overlapping tunnels apart, not a set-up mismatch
          refusedClients.put(c.client(), c.line());
          return "client "
              + c.client()
              + ": the IUT refused this tunnel ("
              + e.notification()
              + "); its inner address is another client's, so that is how it may keep the two"
              + " apart (RFC 3948 section 5.1); this client's later steps are skipped";
        }
        SaKeysOf.esp(k).forEach(trace::addKeys);
        return "client " + c.client() + ": " + k + " (then " + awaitInstalled(k) + ")";
      }
      Scenario.Step.EspPing e = (Scenario.Step.EspPing) c.step();
      Inet4Address to = e.to().equals("iut.protected") ? target.protectedHost() : ip(e.to());
      if (!inside(to, cfg.remoteNet(), cfg.remotePrefix())) {
        throw new SetupException(
            "esp-ping to " + to.getHostAddress() + " refused: outside the protected network");
      }
      List<HarnessPeer.PingResult> r =
          cl.peer.ping(cl.address, to, e.count(), e.sizes(), replyWait());
      // whatever the IUT sent to the harness meanwhile lands in its trace too
      peer.drain(Duration.ofMillis(100));
      long ok = r.stream().filter(HarnessPeer.PingResult::answered).count();
      long foreign = ClientPeers.foreignEsp(cl.trace) + ClientPeers.foreignEsp(trace);
      String what = "client " + c.client() + ": " + ok + "/" + r.size() + " echo replies decrypted";
      if (ok < r.size() || foreign > 0) {
        throw new StepFailed(
            what
                + (foreign > 0
                    ? "; " + foreign + " ESP packet(s) came to a client whose SAs do not open them"
                    : ""));
      }
      return what;
    }

    /** Runs one step; returns a short description of what happened. */
    private String execute(Scenario.Step step) {
      Knobs knobs = s.harness().knobs();
      if (step instanceof Scenario.Step.OnClient c) {
        return onClient(c);
      }
      if (step instanceof Scenario.Step.Phase1 && responder != null) {
        String up = responder.phase1(startedIut);
        if (responder.natDetection().localBehindNat() && !knobs.keepaliveInterval().isZero()) {
          peer.startKeepalives(knobs.keepaliveInterval(), knobs.keepaliveByte());
        }
        return up;
      } else if (step instanceof Scenario.Step.Phase1) {
        if (aggressive()) {
          ike.aggressiveMode();
        } else {
          ike.mainMode();
        }
        trace.addKeys(SaKeysOf.ike(ike));
        if (ike.natDetection().localBehindNat() && !knobs.keepaliveInterval().isZero()) {
          peer.startKeepalives(knobs.keepaliveInterval(), knobs.keepaliveByte());
        }
        return "IKE SA up; NAT-T "
            + ike.natDetection().natTVariant()
            + (ike.floated() ? ", on 4500" : "");
      } else if (step instanceof Scenario.Step.QuickMode q) {
        if (responder != null) {
          child = responder.quickMode();
          peer.install(child);
          if (q.transport()) {
            peer.transport(responder.transportEnd(testbed.harness().address()));
          }
        } else if (q.transport()) {
          child = TransportMode.quickMode(ike, cfg, q);
          peer.install(child);
          peer.transport(TransportMode.of(ike, cfg, q));
        } else {
          child =
              ike.quickMode(
                  IdPayloads.host(testbed.harnessInnerAddress()),
                  IdPayloads.subnet(cfg.remoteNet(), cfg.remotePrefix()));
          peer.install(child);
        }
        SaKeysOf.esp(child).forEach(trace::addKeys);
        // IKEv1 without the commit bit: the responder installs its SAs only after HASH(3), so
        // ESP sent at once can overtake that; a real client's first packet comes later too
        return child + " (then " + awaitInstalled(child) + ")";
      } else if (step instanceof Scenario.Step.EspPing e) {
        if (e.to().equals("iut")) {
          List<HarnessPeer.PingResult> r = peer.pingTransport(e.count(), e.sizes(), replyWait());
          return TransportMode.describe(r, pings);
        }
        Inet4Address to = e.to().equals("iut.protected") ? target.protectedHost() : ip(e.to());

        if (!inside(to, cfg.remoteNet(), cfg.remotePrefix())) {
          // the interlock's inner half: inside the tunnel only to the target's protected network
          throw new SetupException(
              "esp-ping to "
                  + to.getHostAddress()
                  + " refused: the harness sends inside the tunnel only to the protected network "
                  + target.protectedNet()
                  + " of the target "
                  + target.name());
        }
        if (e.spoofed()) {
          return spoofedPing(e, to);
        }
        List<HarnessPeer.PingResult> r;
        if (e.zeroUdpChecksum()) {
          io.natt.sys.RawIpv4Socket raw =
              testbed
                  .openHarnessRawSocket()
                  .orElseThrow(
                      () ->
                          new SetupException(
                              "udp-checksum: zero needs a raw IPv4 socket on the harness's host,"
                                  + " which the "
                                  + testbed.backend()
                                  + " backend does not have"));
          try (raw) {
            peer.useRawSocket(raw, testbed.harness().address(), target.address());
            trace.note(
                "esp-ping (line "
                    + e.line()
                    + "): ESP-in-UDP sent with UDP checksum 0 through a raw IPv4 socket");
            r =
                peer.ping(
                    testbed.harnessInnerAddress(), to, e.count(), e.sizes(), true, replyWait());
          } finally {
            peer.useRawSocket(null, null, null);
          }
        } else if (e.fromPort() != 0) {
          trace.note(
              "esp-ping (line "
                  + e.line()
                  + "): ESP-in-UDP sent from the harness's second port "
                  + e.fromPort());
          r =
              peer.ping(
                  testbed.harnessInnerAddress(),
                  to,
                  e.count(),
                  e.sizes(),
                  e.fromPort(),
                  replyWait());
        } else {
          r = peer.ping(testbed.harnessInnerAddress(), to, e.count(), e.sizes(), replyWait());
        }
        return replies(r, pings, "echo replies", "through the tunnel", "decrypted")
            + (e.sizes().isEmpty() ? "" : ", data echoed intact at sizes " + e.sizes());
      } else if (step instanceof Scenario.Step.Wait w) {
        peer.drain(w.duration());
        return "waited " + w.duration().toMillis() + " ms";
      } else if (step instanceof Scenario.Step.ExpectKeepalive k) {
        long since = System.nanoTime();
        long deadline = since + k.within().toNanos();
        boolean fromHarness = k.from().equals("harness");
        Optional<TraceEntry> seen = Optional.empty();
        // until the first keepalive, at most the step's time: the step asks for one within it
        while (seen.isEmpty() && System.nanoTime() < deadline) {
          peer.drain(
              Duration.ofNanos(Math.min(KEEPALIVE_POLL.toNanos(), deadline - System.nanoTime())));
          seen =
              trace.at(Trace.PEER).stream()
                  .filter(x -> x.datagram().monoNanos() >= since)
                  .filter(x -> x.view() instanceof PacketView.Keepalive)
                  .filter(x -> x.direction() == (fromHarness ? Direction.SENT : Direction.RECEIVED))
                  .findFirst();
        }
        if (seen.isEmpty()) {
          throw new StepFailed(
              "no NAT-keepalive from the " + k.from() + " within " + k.within().toMillis() + " ms");
        }
        return "keepalive seen: " + seen.get().ref();
      } else if (step instanceof Scenario.Step.NatRebind n) {
        String how = testbed.rebind(n.flows());
        return n.flows() == io.natt.nat.RebindFlows.ALL
            ? "NAT " + n.nat() + " forgot its mappings (" + how + ")"
            : "NAT "
                + n.nat()
                + " rebound the harness's "
                + n.flows().word()
                + " flow ("
                + how
                + ")";
      } else if (step instanceof Scenario.Step.NatExpire n) {
        peer.stopKeepalives();
        Duration wait = testbed.expiryWait().orElseThrow();
        Scenario.NatSpec nat = s.topology().nats().get(n.nat());
        Duration timeout = nat == null ? wait : nat.udpTimeout();
        long t0 = System.nanoTime();
        long deadline = t0 + wait.toNanos();
        // the NAT's own timeout in full; then its slack only until the NAT has dropped the
        // mappings, where the backend can tell
        peer.drain(timeout);
        while (System.nanoTime() < deadline && !testbed.mappingsGone().orElse(false)) {
          peer.drain(
              Duration.ofNanos(Math.min(EXPIRY_POLL.toNanos(), deadline - System.nanoTime())));
        }
        return "no harness traffic for "
            + Duration.ofNanos(System.nanoTime() - t0).toMillis()
            + " ms (NAT "
            + n.nat()
            + " timeout "
            + timeout.toSeconds()
            + " s)";
      } else if (step instanceof Scenario.Step.SendRaw raw) {
        byte[] bytes =
            raw.resendPhase1() ? StaleMessages.lastPhase1(trace, raw.port()) : raw.bytes();
        peer.sendRaw(raw.port(), new InetSocketAddress(testbed.iutSeenAs(), raw.port()), bytes);
        if (raw.resendPhase1()) {
          peer.drain(Duration.ofMillis(500));
          return "the harness's last phase-1 message again ("
              + bytes.length
              + " bytes) to port "
              + raw.port();
        }
        return raw.bytes().length + " bytes to port " + raw.port();
      } else if (step instanceof Scenario.Step.Delete) {
        if (child == null) {
          throw new StepFailed("delete needs an ESP SA (quick-mode first)");
        }
        ike.delete(child);
        peer.drain(Duration.ofMillis(500));
        return "Delete sent for ESP SA and IKE SA";
      } else if (step instanceof Scenario.Step.IutRekey r) {
        return IutRekeyStep.run(startedIut, r.ike(), peer::drain);
      } else if (step instanceof Scenario.Step.PlayDead pd) {
        ike.answerDpd(false);
        trace.note("the harness plays dead for " + pd.duration().toMillis() + " ms");
        try {
          peer.drain(pd.duration());
        } finally {
          ike.answerDpd(true);
        }
        return "played dead " + pd.duration().toMillis() + " ms (R-U-THERE unanswered)";
      } else if (step instanceof Scenario.Step.Liveness) {
        boolean alive = new Ikev1Initiator(cfg, peer, peer.recorder(), rnd).probe();
        if (!alive) {
          throw new StepFailed("the IUT no longer answers a new Main Mode");
        }
        return "the IUT answers a new Main Mode";
      } else if (step instanceof Scenario.Step.Replay r) {
        boolean ikeUp = ike.phase1EncryptionKey().length > 0;
        List<Replayer.Packet> plan =
            Replayer.plan(
                r.file(),
                ikeUp ? ike.initiatorCookie() : null,
                ikeUp ? ike.responderCookie() : null,
                child == null ? 0 : child.spiOut(),
                r.rewriteCookies(),
                r.rewriteSpis());
        int n = Replayer.send(plan, peer, testbed.iutSeenAs());
        peer.drain(Duration.ofMillis(300));
        return "replayed " + n + " datagrams of the initiator in " + r.file().getFileName();
      }
      throw new SetupException("unknown step " + step);
    }
  }

  /**
   * Why the backend cannot run the scenario: a step sends UDP checksum 0, which needs a raw IPv4
   * socket on the harness's host, and the backend has none (the emulated NAT relays payloads
   * through datagram sockets, which always compute the checksum).
   */
  /**
   * A ping step's line ("3/3 echo replies decrypted"), after adding the results to {@code all}; a
   * StepFailed naming the first request without its reply when any is missing.
   */
  static String replies(
      List<HarnessPeer.PingResult> r,
      List<HarnessPeer.PingResult> all,
      String what,
      String through,
      String done) {
    all.addAll(r);
    long ok = r.stream().filter(HarnessPeer.PingResult::answered).count();
    if (ok < r.size()) {
      String first =
          r.stream()
              .filter(x -> !x.answered())
              .findFirst()
              .map(x -> x.seq() + ": " + x.detail())
              .orElse("");
      throw new StepFailed(
          ok
              + " of "
              + r.size()
              + " "
              + what
              + " came back "
              + through
              + " intact (first missing, request "
              + first
              + ")");
    }
    return ok + "/" + r.size() + " " + what + " " + done;
  }

  static Optional<String> needsRawIpv4(Scenario s, Testbed.Backend backend) {
    boolean zero =
        s.steps().stream()
            .anyMatch(x -> x instanceof Scenario.Step.EspPing p && p.zeroUdpChecksum());
    return zero && !backend.rawIpv4()
        ? Optional.of(
            "esp-ping with udp-checksum: zero needs a raw IPv4 socket on the harness's host; the "
                + backend.name()
                + " backend has none (the kernel backend has)")
        : Optional.empty();
  }

  /**
   * Why a scenario cannot run on this backend: a nat-rebind of the ESP or the IKE flow alone needs
   * a NAT that tells them apart, and the backend's tracks them as one UDP flow.
   */
  public static Optional<String> needsFlowsApart(Scenario s, Testbed.Backend backend) {
    Optional<Scenario.Step.NatRebind> apart =
        s.steps().stream()
            .filter(
                x ->
                    x instanceof Scenario.Step.NatRebind r
                        && r.flows() != io.natt.nat.RebindFlows.ALL)
            .map(x -> (Scenario.Step.NatRebind) x)
            .findFirst();
    return apart.isPresent() && !backend.rebindsFlowsApart()
        ? Optional.of(
            "nat-rebind of the "
                + apart.get().flows().word()
                + " flow alone needs a NAT that gives IKE and ESP on UDP 4500 ports apart; the "
                + backend.name()
                + " backend tracks them as one flow (the emulated backend can)")
        : Optional.empty();
  }

  /**
   * Why a scenario whose NAT filters in a way the backend cannot realise (RFC 4787 section 5) is
   * NOT_APPLICABLE on it, if it is.
   */
  public static Optional<String> needsFiltering(Scenario s, Testbed.Backend backend) {
    return s.topology().layout().harnessBehind().stream()
        .filter(n -> !backend.realisesFiltering(n.behaviour().filtering()))
        .findFirst()
        .map(
            n ->
                "NAT "
                    + n.name()
                    + ": filtering: "
                    + n.behaviour().filtering().fileName()
                    + " is not realised by the "
                    + backend.name()
                    + " backend, which filters by address and port (netfilter conntrack); the"
                    + " emulated backend can");
  }

  static String stepName(Scenario.Step step) {
    if (step instanceof Scenario.Step.OnClient c) {
      return stepName(c.step()) + (c.client() == 1 ? "" : " (client " + c.client() + ")");
    }
    String n = step.getClass().getSimpleName();
    return n.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The expected behaviour of a step did not happen (not a harness fault). */
  static final class StepFailed extends RuntimeException {
    StepFailed(String message) {
      super(message);
    }
  }

  /** Whether {@code a} lies in the network {@code net}/{@code prefix}. */
  static boolean inside(Inet4Address a, Inet4Address net, int prefix) {
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return (toInt(a) & mask) == (toInt(net) & mask);
  }

  private static int toInt(Inet4Address a) {
    byte[] b = a.getAddress();
    return (b[0] & 255) << 24 | (b[1] & 255) << 16 | (b[2] & 255) << 8 | (b[3] & 255);
  }

  static Inet4Address ip(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException("not an IPv4 address: " + s);
    }
  }

  static void write(Path p, String s) {
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
