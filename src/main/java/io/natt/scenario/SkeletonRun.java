package io.natt.scenario;

import io.natt.crypto.DhGroup;
import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.crypto.HashAlg;
import io.natt.crypto.Ike1Cipher;
import io.natt.ike.ChildSaKeys;
import io.natt.ike.IdPayloads;
import io.natt.ike.Ikev1Initiator;
import io.natt.ike.Knobs;
import io.natt.ike.NatDetection;
import io.natt.ike.PeerConfig;
import io.natt.iut.StrongSwan;
import io.natt.iut.TargetProfile;
import io.natt.nat.CapturePoint;
import io.natt.nat.KernelTopology;
import io.natt.nat.NatBehaviour;
import io.natt.nat.Topology;
import io.natt.net.CapturedFrame;
import io.natt.net.PcapCapture;
import io.natt.net.UdpTransport;
import io.natt.sys.Cleanup;
import io.natt.sys.NsExecutor;
import io.natt.trace.Trace;
import io.natt.trace.TraceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The walking skeleton: one IKEv1 NAT-T exchange with ESP-in-UDP against the bundled strongSwan,
 * with or without a real (nftables) NAT in front of the harness. Builds the topology, starts
 * charon, runs Main Mode and Quick Mode, pings through the tunnel, lets keepalives flow, and tears
 * everything down again.
 */
public final class SkeletonRun {
  /** What to run. */
  public record Options(
      boolean harnessBehindNat,
      int pings,
      Duration keepaliveInterval,
      Duration keepaliveWait,
      Path outDir) {
    public static Options defaults(boolean nat, Path outDir) {
      return new Options(nat, 3, Duration.ofSeconds(1), Duration.ofMillis(2500), outDir);
    }
  }

  /** What happened. */
  public record Result(
      Trace trace,
      NatDetection nat,
      boolean floated,
      ChildSaKeys child,
      List<HarnessPeer.PingResult> pings,
      String iutSas,
      String iutLog,
      List<Path> captures,
      Duration elapsed) {}

  private SkeletonRun() {}

  /** The bundled strongSwan, with a fresh random PSK. */
  public static TargetProfile bundledTarget(SecureRandom rnd) {
    byte[] psk = new byte[24];
    rnd.nextBytes(psk);
    return new TargetProfile(
        "bundled-strongswan",
        "strongswan",
        ip("198.51.100.2"),
        "harness.example.org",
        "iut.example.org",
        psk,
        "10.9.0.0/24",
        ip("10.9.0.1"),
        Set.of("ikev1", "ikev1-main", "nat-t-rfc3947", "forces-encapsulation"));
  }

  public static Result run(Options o) {
    long start = System.nanoTime();
    SecureRandom rnd = new SecureRandom();
    TargetProfile target = bundledTarget(rnd);
    Trace trace = new Trace();
    List<PcapCapture> captures = new ArrayList<>();
    Optional<NatBehaviour> nat =
        o.harnessBehindNat() ? Optional.of(NatBehaviour.randomising()) : Optional.empty();
    try (KernelTopology topo =
        KernelTopology.build(nat, target.address(), target.protectedHost())) {
      Cleanup.register(topo);
      try {
        return runIn(topo, target, o, trace, captures, rnd, start);
      } finally {
        Cleanup.unregister(topo);
      }
    }
  }

  private static Result runIn(
      KernelTopology topo,
      TargetProfile target,
      Options o,
      Trace trace,
      List<PcapCapture> captures,
      SecureRandom rnd,
      long start) {
    Path capDir = o.outDir().resolve("captures");
    List<NsExecutor> executors = new ArrayList<>();
    for (CapturePoint cp : topo.capturePoints()) {
      NsExecutor ex = new NsExecutor(cp.namespace());
      executors.add(ex);
      captures.add(
          PcapCapture.start(ex, cp.iface(), cp.name(), capDir.resolve(cp.name() + ".pcap")));
    }
    String remoteTs = topo.harnessInnerNet();
    trace.context(
        new TraceContext(
            target.address(),
            topo.harness().address(),
            o.harnessBehindNat() ? 1 : 0,
            o.harnessBehindNat() ? "nat-public" : Trace.PEER,
            target.claims(),
            topo.capturePoints().stream().map(CapturePoint::name).toList()));
    NsExecutor harnessNs = new NsExecutor(topo.harness().namespace());
    executors.add(harnessNs);
    StrongSwan iut = StrongSwan.start(topo.iut(), target, remoteTs);
    Cleanup.register(iut);
    String sas = "";
    String log = "";
    try (UdpTransport transport =
            UdpTransport.open(harnessNs, topo.harness().address(), List.of(500, 4500));
        HarnessPeer peer = new HarnessPeer(transport, trace, rnd)) {
      Knobs knobs = Knobs.rfc3947().withKeepaliveInterval(o.keepaliveInterval());
      HarnessOutcome h = driveHarness(topo, target, peer, knobs, o.pings(), rnd);
      Ikev1Initiator ike = h.ike();
      ChildSaKeys child = h.child();
      List<HarnessPeer.PingResult> pings = h.pings();
      peer.drain(o.keepaliveWait());
      sas = iut.listSas();
      log = iut.log();
      recordKeys(trace, ike, child);
      return new Result(
          trace,
          ike.natDetection(),
          ike.floated(),
          child,
          pings,
          sas,
          log,
          captures.stream().map(PcapCapture::file).toList(),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      throw new RunFailure(e.getMessage(), e, trace, iut.log());
    } finally {
      captures.forEach(PcapCapture::close);
      for (PcapCapture c : captures) {
        for (CapturedFrame f : c.frames()) {
          long ago = Duration.between(f.time(), Instant.now()).toNanos();
          trace.observe(c.point(), f.time(), System.nanoTime() - ago, f.bytes());
        }
      }
      writeString(o.outDir().resolve("charon.log"), iut.log());
      iut.close();
      Cleanup.unregister(iut);
      executors.forEach(NsExecutor::close);
    }
  }

  /** What the harness's side of a run produced. */
  public record HarnessOutcome(
      Ikev1Initiator ike, ChildSaKeys child, List<HarnessPeer.PingResult> pings) {}

  /**
   * The harness's side of one run against any IUT at {@code target}: Main Mode and Quick Mode as
   * initiator, the ESP SA pair, NAT-keepalives when behind a NAT, and {@code pings} echo requests
   * through the tunnel to the target's protected host.
   */
  public static HarnessOutcome driveHarness(
      Topology topo,
      TargetProfile target,
      HarnessPeer peer,
      Knobs knobs,
      int pings,
      SecureRandom rnd) {
    return driveHarness(topo, target, peer, knobs, pings, Duration.ofSeconds(3), rnd);
  }

  /** As above, waiting at most {@code pingWait} for each echo reply. */
  public static HarnessOutcome driveHarness(
      Topology topo,
      TargetProfile target,
      HarnessPeer peer,
      Knobs knobs,
      int pings,
      Duration pingWait,
      SecureRandom rnd) {
    PeerConfig cfg =
        new PeerConfig(
            topo.harness().address(),
            target.address(),
            target.localId(),
            target.remoteId(),
            target.psk(),
            Ike1Cipher.AES_CBC_128,
            HashAlg.SHA2_256,
            DhGroup.MODP_2048,
            EspCipher.AES_CBC_128,
            EspIntegrity.HMAC_SHA2_256_128,
            ip(target.protectedNet().split("/")[0]),
            Integer.parseInt(target.protectedNet().split("/")[1]),
            knobs,
            Duration.ofSeconds(2));
    Ikev1Initiator ike = new Ikev1Initiator(cfg, peer, peer, rnd);
    peer.attach(ike);
    ike.mainMode();
    ChildSaKeys child =
        ike.quickMode(
            IdPayloads.host(topo.harnessInnerAddress()),
            IdPayloads.subnet(cfg.remoteNet(), cfg.remotePrefix()));
    peer.install(child);
    if (ike.natDetection().localBehindNat() && !knobs.keepaliveInterval().isZero()) {
      peer.startKeepalives(knobs.keepaliveInterval(), knobs.keepaliveByte());
    }
    List<HarnessPeer.PingResult> results =
        peer.ping(topo.harnessInnerAddress(), target.protectedHost(), pings, pingWait);
    return new HarnessOutcome(ike, child, results);
  }

  /** Keeps the negotiated keys with the trace, named as Wireshark names the algorithms. */
  static void recordKeys(Trace trace, Ikev1Initiator ike, ChildSaKeys c) {
    trace.addKeys(SaKeysOf.ike(ike));
    SaKeysOf.esp(c).forEach(trace::addKeys);
  }

  /** A run that did not complete; carries what was observed until then and the IUT's log. */
  public static final class RunFailure extends RuntimeException {
    private final transient Trace trace;
    private final String iutLog;

    RunFailure(String message, Throwable cause, Trace trace, String iutLog) {
      super(message, cause);
      this.trace = trace;
      this.iutLog = iutLog;
    }

    public Trace trace() {
      return trace;
    }

    public String iutLog() {
      return iutLog;
    }
  }

  static Inet4Address ip(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeString(Path p, String s) {
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
