package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.ike.ChildSaKeys;
import io.natt.ike.Knobs;
import io.natt.ike.ResponderConfig;
import io.natt.iut.TargetProfile;
import io.natt.nat.KernelTopology;
import io.natt.nat.NatBehaviour;
import io.natt.net.UdpTransport;
import io.natt.sys.Cleanup;
import io.natt.sys.NsExecutor;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * The harness's own responder as the IUT: the harness behind a real nftables NAT runs Main Mode,
 * Quick Mode and pings through ESP-in-UDP against an {@link EmulatedIut} in the IUT namespace.
 */
public class EmulatedIutIntegrationTest {

  @Test
  public void harnessBehindNatAgainstEmulatedIut() {
    Integration.require();
    SecureRandom rnd = new SecureRandom();
    TargetProfile target = HarnessDriver.emulatedTarget(rnd);
    ResponderConfig rcfg = HarnessDriver.responder(target, Knobs.rfc3947(), Duration.ofSeconds(1));
    Trace trace = new Trace();
    try (KernelTopology topo =
        KernelTopology.build(
            Optional.of(NatBehaviour.randomising()), target.address(), target.protectedHost())) {
      Cleanup.register(topo);
      try (EmulatedIut iut = EmulatedIut.start(topo.iut(), rcfg, rnd);
          NsExecutor harnessNs = new NsExecutor(topo.harness().namespace());
          UdpTransport transport =
              UdpTransport.open(harnessNs, topo.harness().address(), List.of(500, 4500));
          HarnessPeer peer = new HarnessPeer(transport, trace, rnd)) {
        HarnessDriver.HarnessOutcome h =
            HarnessDriver.driveHarness(
                topo,
                target,
                peer,
                Knobs.rfc3947().withKeepaliveInterval(Duration.ofSeconds(1)),
                3,
                rnd);
        String ladder = trace.ladder(Trace.PEER);
        String iutLadder = iut.trace().ladder(Trace.PEER) + "\n" + iut.trace().notes();

        assertTrue(h.ike().natDetection().localBehindNat(), ladder);
        assertFalse(h.ike().natDetection().remoteBehindNat(), ladder);
        assertTrue(h.ike().floated());
        assertEquals(h.pings().size(), 3);
        h.pings().forEach(p -> assertTrue(p.answered(), p + "\n" + ladder + "\n" + iutLadder));

        ChildSaKeys iutChild =
            iut.awaitChild(Duration.ofSeconds(1)).orElseThrow(() -> new AssertionError(iutLadder));
        assertEquals(iutChild.spiIn(), h.child().spiOut());
        assertEquals(iutChild.spiOut(), h.child().spiIn());
        assertTrue(iut.natDetection().remoteBehindNat(), iutLadder);
        assertFalse(iut.natDetection().localBehindNat(), iutLadder);
        assertEquals(iut.echoRepliesSent(), 3, iutLadder);

        // the IUT's own trace: IKE after message 5 and ESP on 4500, from the NAT's public side
        List<TraceEntry> iutIke =
            iut.trace().at(Trace.PEER).stream().filter(TraceEntry::isIke).toList();
        assertTrue(iutIke.size() >= 9, iutLadder);
        TraceEntry m5 = iutIke.get(4);
        assertEquals(m5.direction(), Direction.RECEIVED, iutLadder);
        assertEquals(m5.to().getPort(), 4500, iutLadder);
        assertEquals(m5.from().getAddress(), topo.harnessPublicAddress(), "seen through the NAT");
        TraceEntry m6 = iutIke.get(5);
        assertEquals(m6.direction(), Direction.SENT, iutLadder);
        assertEquals(m6.from().getPort(), 4500, iutLadder);
        assertTrue(((PacketView.Ike) m6.view()).marker(), iutLadder);
        List<TraceEntry> esp =
            iut.trace().at(Trace.PEER).stream()
                .filter(e -> e.view() instanceof PacketView.Esp)
                .toList();
        assertEquals(
            esp.stream().filter(e -> e.direction() == Direction.RECEIVED).count(), 3, iutLadder);
        for (TraceEntry e : esp) {
          assertTrue(((PacketView.Esp) e.view()).inner().isPresent(), e.line(0));
          assertTrue(e.from().getPort() == 4500 || e.to().getPort() == 4500, e.line(0));
        }
        iut.close(); // idempotent: the try block closes it again
      } finally {
        Cleanup.unregister(topo);
      }
    }
    SkeletonIntegrationTest.assertNothingLeft();
  }
}
