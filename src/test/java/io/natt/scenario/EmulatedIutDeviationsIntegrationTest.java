package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.testng.annotations.Test;

/**
 * Mutant emulated IUTs through the real nftables NAT (port-randomising, the harness behind it):
 * each deviation shows on the wire where a check can catch it, and the compliant default does what
 * the RFCs ask.
 */
public class EmulatedIutDeviationsIntegrationTest {

  private static Knobs iut(Knobs.Deviation... d) {
    return Knobs.rfc3947().withDeviations(Set.of(d));
  }

  /** The harness without keepalives of its own (they would only add noise to short runs). */
  private static Knobs harness() {
    return Knobs.rfc3947().withKeepaliveInterval(Duration.ZERO);
  }

  @Test
  public void noEspEchoDecryptsButNeverAnswers() throws Exception {
    HarnessDriver.run(
        iut(Knobs.Deviation.NO_ESP_ECHO),
        harness(),
        2,
        c -> {
          String l = c.ladders();
          c.outcome().pings().forEach(p -> assertFalse(p.answered(), p + "\n" + l));
          List<TraceEntry> in = c.iutEntries(Direction.RECEIVED, PacketView.Esp.class);
          assertEquals(in.size(), 2, l);
          in.forEach(e -> assertTrue(((PacketView.Esp) e.view()).inner().isPresent(), l));
          assertTrue(c.iutEntries(Direction.SENT, PacketView.Esp.class).isEmpty(), l);
          assertEquals(c.iut().echoRepliesSent(), 0, l);
          assertTrue(c.iut().trace().notes().stream().anyMatch(n -> n.contains("no-esp-echo")));
        });
  }

  @Test
  public void espFrom500LeavesFromTheWrongPortAndTheNatDropsIt() throws Exception {
    HarnessDriver.run(
        iut(Knobs.Deviation.ESP_FROM_500),
        harness(),
        1,
        c -> {
          String l = c.ladders();
          assertFalse(c.outcome().pings().get(0).answered(), l);
          List<TraceEntry> out = c.iutEntries(Direction.SENT, PacketView.Esp.class);
          assertEquals(out.size(), 1, l);
          assertEquals(out.get(0).from().getPort(), 500, l);
          assertEquals(out.get(0).to(), c.harnessPublic4500(), l);
          // nothing of it reached the harness
          assertTrue(
              c.trace().at(Trace.PEER).stream()
                  .noneMatch(
                      e ->
                          e.direction() == Direction.RECEIVED
                              && e.view() instanceof PacketView.Esp),
              l);
        });
  }

  @Test
  public void iutBehindNatSendsKeepalivesWithItsByteFrom4500() throws Exception {
    Knobs k = Knobs.rfc3947().withKeepaliveInterval(Duration.ofSeconds(1)).withKeepaliveByte(0x00);
    HarnessDriver.run(
        k,
        harness().withNatD(Knobs.NatDMode.CORRUPT),
        0,
        c -> {
          c.peer().drain(Duration.ofMillis(1600));
          String l = c.ladders();
          assertTrue(c.iut().natDetection().localBehindNat(), l);
          List<TraceEntry> ka = c.iutEntries(Direction.SENT, PacketView.Keepalive.class);
          assertFalse(ka.isEmpty(), l);
          for (TraceEntry e : ka) {
            assertEquals(e.from().getPort(), 4500, l);
            assertEquals(e.to(), c.harnessPublic4500(), l);
            assertEquals(e.datagram().payload(), new byte[] {0x00}, l);
          }
          // through the NAT to the harness's 4500
          assertTrue(
              c.trace().at(Trace.PEER).stream()
                  .anyMatch(
                      e ->
                          e.direction() == Direction.RECEIVED
                              && e.view() instanceof PacketView.Keepalive
                              && e.to().getPort() == 4500),
              l);
        });
  }

  @Test
  public void keepaliveOn500GoesFromAndTo500() throws Exception {
    Knobs k = iut(Knobs.Deviation.KEEPALIVE_ON_500).withKeepaliveInterval(Duration.ofSeconds(1));
    HarnessDriver.run(
        k,
        harness().withNatD(Knobs.NatDMode.CORRUPT),
        0,
        c -> {
          c.peer().drain(Duration.ofMillis(1600));
          String l = c.ladders();
          assertTrue(c.iut().natDetection().localBehindNat(), l);
          List<TraceEntry> ka = c.iutEntries(Direction.SENT, PacketView.Keepalive.class);
          assertFalse(ka.isEmpty(), l);
          for (TraceEntry e : ka) {
            assertEquals(e.from().getPort(), 500, l);
            assertEquals(e.to(), c.harnessPublic500(), l);
            assertEquals(e.datagram().payload(), new byte[] {(byte) 0xFF}, l);
          }
          // it reaches the harness's port 500, where one byte is no ISAKMP message
          assertTrue(
              c.trace().at(Trace.PEER).stream()
                  .anyMatch(
                      e ->
                          e.direction() == Direction.RECEIVED
                              && e.to().getPort() == 500
                              && e.datagram().payload().length == 1),
              l);
        });
  }

  /** Ping, new NAT mapping, ping: the ports the harness's ESP came from, in order. */
  private static List<Integer> espSources(HarnessDriver.Ctx c) {
    return c.iutEntries(Direction.RECEIVED, PacketView.Esp.class).stream()
        .map(e -> e.from().getPort())
        .toList();
  }

  @Test
  public void byDefaultTheIutFollowsTheNewMapping() throws Exception {
    HarnessDriver.run(
        Knobs.rfc3947(),
        harness(),
        1,
        c -> {
          assertTrue(c.outcome().pings().get(0).answered(), c.ladders());
          c.topo().rebind();
          HarnessPeer.PingResult second = c.ping(1).get(0);
          String l = c.ladders();
          List<Integer> from = espSources(c);
          assertEquals(from.size(), 2, l);
          assertNotEquals(from.get(0), from.get(1), "the NAT gave a new port\n" + l);
          assertTrue(second.answered(), second + "\n" + l);
          // the emulated IUT records what it sent after the send: the harness can hold the
          // reply a moment before the IUT's trace has it
          List<TraceEntry> out = iutEspSent(c, 2);
          assertEquals(out.get(out.size() - 1).to().getPort(), (int) from.get(1), c.ladders());
        });
  }

  @Test
  public void ignoreRebindingKeepsSendingToTheOldMapping() throws Exception {
    HarnessDriver.run(
        iut(Knobs.Deviation.IGNORE_REBINDING),
        harness(),
        1,
        c -> {
          assertTrue(c.outcome().pings().get(0).answered(), c.ladders());
          c.topo().rebind();
          HarnessPeer.PingResult second = c.ping(1).get(0);
          String l = c.ladders();
          List<Integer> from = espSources(c);
          assertEquals(from.size(), 2, l);
          assertNotEquals(from.get(0), from.get(1), "the NAT gave a new port\n" + l);
          assertFalse(second.answered(), second + "\n" + l);
          List<TraceEntry> out = c.iutEntries(Direction.SENT, PacketView.Esp.class);
          assertEquals(out.size(), 2, l);
          out.forEach(e -> assertEquals(e.to().getPort(), (int) from.get(0), l));
          assertTrue(
              c.iut().trace().notes().stream().anyMatch(n -> n.contains("ignore-rebinding")), l);
        });
  }

  /** The ESP the emulated IUT sent, once it has recorded {@code n} of them (at most 2 s). */
  private static List<TraceEntry> iutEspSent(HarnessDriver.Ctx c, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    List<TraceEntry> out = c.iutEntries(Direction.SENT, PacketView.Esp.class);
    while (out.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
      out = c.iutEntries(Direction.SENT, PacketView.Esp.class);
    }
    return out;
  }
}
