package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.ike.ChildSaKeys;
import io.natt.ike.Knobs;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.time.Duration;
import java.util.List;
import org.testng.annotations.Test;

/**
 * The harness's own responder as the IUT: the harness behind a real nftables NAT runs Main Mode,
 * Quick Mode and pings through ESP-in-UDP against an {@link EmulatedIut} in the IUT namespace.
 */
public class EmulatedIutIntegrationTest {

  @Test
  public void harnessBehindNatAgainstEmulatedIut() throws Exception {
    HarnessDriver.run(
        Knobs.rfc3947(),
        Knobs.rfc3947().withKeepaliveInterval(Duration.ofSeconds(1)),
        3,
        c -> {
          HarnessDriver.HarnessOutcome h = c.outcome();
          EmulatedIut iut = c.iut();
          String ladder = c.trace().ladder(Trace.PEER);
          String iutLadder = iut.trace().ladder(Trace.PEER) + "\n" + iut.trace().notes();

          assertTrue(h.ike().natDetection().localBehindNat(), ladder);
          assertFalse(h.ike().natDetection().remoteBehindNat(), ladder);
          assertTrue(h.ike().floated());
          assertEquals(h.pings().size(), 3);
          h.pings().forEach(p -> assertTrue(p.answered(), p + "\n" + ladder + "\n" + iutLadder));

          ChildSaKeys iutChild =
              iut.awaitChild(Duration.ofSeconds(1))
                  .orElseThrow(() -> new AssertionError(iutLadder));
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
          assertEquals(
              m5.from().getAddress(), c.topo().harnessPublicAddress(), "seen through the NAT");
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
          iut.close(); // idempotent: the helper closes it again
        });
  }
}
