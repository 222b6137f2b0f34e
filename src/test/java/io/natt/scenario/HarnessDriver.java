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
import io.natt.iut.TargetProfile;
import io.natt.nat.Topology;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

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
    return new TargetProfile(
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
  static io.natt.ike.ResponderConfig responder(TargetProfile target, Knobs knobs, Duration answer) {
    return io.natt.ike.ResponderConfig.acceptingAll(
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
      Topology topo,
      TargetProfile target,
      HarnessPeer peer,
      Knobs knobs,
      int pings,
      SecureRandom rnd) {
    return driveHarness(topo, target, peer, knobs, pings, Duration.ofSeconds(3), rnd);
  }

  static HarnessOutcome driveHarness(
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
}
