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
import io.natt.ike.PeerConfig;
import io.natt.ike.ResponderConfig;
import io.natt.iut.TargetProfile;
import io.natt.nat.KernelTestbed;
import io.natt.nat.NatBehaviour;
import io.natt.nat.Testbed;
import io.natt.net.DatagramPort;
import io.natt.sys.Cleanup;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Test support: drives the harness's peer by hand (Main Mode, Quick Mode, pings) for tests that
 * need the topology, the peer and the IUT at hand between the steps.
 */
final class HarnessDriver {
  /** What the harness ended with. */
  record HarnessOutcome(
      Ikev1Initiator ike, ChildSaKeys child, List<HarnessPeer.PingResult> pings) {}

  private HarnessDriver() {}

  /** The bundled target's addresses and identities, for an emulated IUT (not launched). */
  static TargetProfile emulatedTarget(SecureRandom rnd) {
    TargetProfile bundled = SkeletonRun.bundledTarget(rnd);
    return TargetProfile.of(
        "emulated-iut",
        null,
        bundled.address(),
        bundled.localId(),
        bundled.remoteId(),
        bundled.psk(),
        bundled.protectedNet(),
        bundled.protectedHost(),
        java.util.Set.of("ikev1", "ikev1-main", "nat-t-rfc3947"));
  }

  /** A responder accepting everything, for the target, with the given knobs. */
  static ResponderConfig responder(TargetProfile target, Knobs knobs, Duration answer) {
    return ResponderConfig.acceptingAll(
        target.address(),
        target.remoteId(),
        target.localId(),
        target.psk(),
        SkeletonRun.ip(target.protectedNet().split("/")[0]),
        Integer.parseInt(target.protectedNet().split("/")[1]),
        knobs,
        answer);
  }

  static HarnessOutcome driveHarness(
      Testbed topo,
      TargetProfile target,
      HarnessPeer peer,
      Knobs knobs,
      int pings,
      SecureRandom rnd) {
    return driveHarness(topo, target, peer, knobs, pings, Duration.ofSeconds(3), rnd);
  }

  static HarnessOutcome driveHarness(
      Testbed topo,
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
            SkeletonRun.ip(target.protectedNet().split("/")[0]),
            Integer.parseInt(target.protectedNet().split("/")[1]),
            knobs,
            Duration.ofSeconds(2));
    Ikev1Initiator ike = new Ikev1Initiator(cfg, peer, peer.recorder(), rnd);
    peer.attach(ike);
    ike.mainMode();
    ChildSaKeys child =
        ike.quickMode(
            IdPayloads.host(topo.harnessInnerAddress()),
            IdPayloads.subnet(cfg.remoteNet(), cfg.remotePrefix()));
    peer.install(child);
    peer.drain(Runner.QUICK_MODE_SETTLE);
    if (ike.natDetection().localBehindNat() && !knobs.keepaliveInterval().isZero()) {
      peer.startKeepalives(knobs.keepaliveInterval(), knobs.keepaliveByte());
    }
    List<HarnessPeer.PingResult> results =
        peer.ping(topo.harnessInnerAddress(), target.protectedHost(), pings, pingWait);
    return new HarnessOutcome(ike, child, results);
  }

  /** Everything one run holds, for the test body. */
  record Ctx(
      KernelTestbed topo,
      TargetProfile target,
      EmulatedIut iut,
      HarnessPeer peer,
      Trace trace,
      HarnessDriver.HarnessOutcome outcome) {

    String ladders() {
      return "harness:\n"
          + trace.ladder(Trace.PEER)
          + "\nIUT:\n"
          + iut.trace().ladder(Trace.PEER)
          + "\n"
          + String.join("\n", iut.trace().notes());
    }

    List<TraceEntry> iutEntries(Direction dir, Class<? extends PacketView> type) {
      return iut.trace().at(Trace.PEER).stream()
          .filter(e -> e.direction() == dir && type.isInstance(e.view()))
          .toList();
    }

    /** The harness's public 4500 mapping, as the IUT saw it at Main Mode message 5. */
    InetSocketAddress harnessPublic4500() {
      return iutEntries(Direction.RECEIVED, PacketView.Ike.class).stream()
          .filter(e -> e.to().getPort() == 4500)
          .findFirst()
          .orElseThrow(() -> new AssertionError(ladders()))
          .from();
    }

    /** The harness's public 500 mapping, as the IUT saw it at Main Mode message 1. */
    InetSocketAddress harnessPublic500() {
      return iutEntries(Direction.RECEIVED, PacketView.Ike.class).stream()
          .filter(e -> e.to().getPort() == 500)
          .findFirst()
          .orElseThrow(() -> new AssertionError(ladders()))
          .from();
    }

    List<HarnessPeer.PingResult> ping(int count) {
      return peer.ping(
          topo.harnessInnerAddress(), target.protectedHost(), count, Duration.ofMillis(700));
    }
  }

  interface Body {
    void check(Ctx c) throws Exception;
  }

  /** The harness behind the NAT runs Main Mode, Quick Mode and {@code pings} pings, then body. */
  static void run(Knobs iutKnobs, Knobs harnessKnobs, int pings, Body body) throws Exception {
    Integration.require();
    SecureRandom rnd = new SecureRandom();
    TargetProfile target = HarnessDriver.emulatedTarget(rnd);
    ResponderConfig rcfg = HarnessDriver.responder(target, iutKnobs, Duration.ofSeconds(1));
    Trace trace = new Trace();
    try (KernelTestbed topo =
        KernelTestbed.build(
            Optional.of(NatBehaviour.randomising()), target.address(), target.protectedHost())) {
      Cleanup.register(topo);
      try (EmulatedIut iut = EmulatedIut.start(topo.iut(), rcfg, rnd);
          DatagramPort port = topo.openHarnessPort(List.of(500, 4500));
          HarnessPeer peer = new HarnessPeer(port, trace, rnd)) {
        HarnessDriver.HarnessOutcome h =
            HarnessDriver.driveHarness(
                topo, target, peer, harnessKnobs, pings, Duration.ofMillis(700), rnd);
        body.check(new Ctx(topo, target, iut, peer, trace, h));
      } finally {
        Cleanup.unregister(topo);
      }
    }
    SkeletonIntegrationTest.assertNothingLeft();
  }
}
