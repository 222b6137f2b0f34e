package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.net.CapturedFrame;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.EthernetFrame;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.UdpDatagram;
import java.time.Instant;
import java.util.List;
import org.testng.annotations.Test;

/**
 * Captured frames join the trace on the harness's monotonic clock with the order and spacing of
 * their capture timestamps: a reply captured 1 microsecond or 2 milliseconds after its request is
 * never put before it, however long ago the frames were captured.
 */
public class CaptureClockTest {
  private static byte[] frame(int srcPort, int dstPort, byte tag) {
    byte[] src = {(byte) 198, 51, 100, 1};
    byte[] dst = {(byte) 198, 51, 100, 2};
    byte[] udp = UdpDatagram.of(srcPort, dstPort, new byte[] {tag, 1, 2, 3}).encode(src, dst);
    byte[] ip = Ipv4Packet.of(src, dst, Ipv4Packet.UDP, udp).encode();
    byte[] mac = {2, 0, 0, 0, 0, 1};
    return new EthernetFrame(mac, mac, EthernetFrame.ETHERTYPE_IPV4, ip).encode();
  }

  @Test
  public void framesKeepTheOrderAndSpacingOfTheirTimestamps() {
    Instant t = Instant.parse("2026-12-03T12:00:00.000000Z");
    List<CapturedFrame> frames =
        List.of(
            new CapturedFrame("nat-public", t, frame(4500, 4500, (byte) 1)),
            new CapturedFrame("nat-public", t.plusNanos(1_000), frame(4500, 4500, (byte) 2)),
            new CapturedFrame("nat-public", t.plusMillis(2), frame(4500, 4500, (byte) 3)));
    Trace trace = new Trace();
    long monoNow = 5_000_000_000_000L;
    Runner.observeFrames(trace, "nat-public", frames, t.plusSeconds(7), monoNow);
    List<TraceEntry> seen = trace.at("nat-public");
    assertEquals(seen.size(), 3);
    for (int k = 0; k < 3; k++) {
      assertEquals(seen.get(k).datagram().payload()[0], (byte) (k + 1), "frame " + (k + 1));
    }
    long first = seen.get(0).datagram().monoNanos();
    assertEquals(first, monoNow - 7_000_000_000L);
    assertEquals(seen.get(1).datagram().monoNanos() - first, 1_000L);
    assertEquals(seen.get(2).datagram().monoNanos() - first, 2_000_000L);
  }

  @Test
  public void theClockPairNamesOneMomentOnBothClocks() {
    Runner.ClockPair p = Runner.ClockPair.read();
    long mono = System.nanoTime();
    Instant wall = Instant.now();
    long skew = java.time.Duration.between(p.wall(), wall).toNanos() - (mono - p.mono());
    // the two readings were taken together: what passed since is the same on both clocks, within
    // a generous bound (a thread may be preempted between the last two readings above)
    assertTrue(Math.abs(skew) < 1_000_000_000L, "skew " + skew + " ns");
  }
}
