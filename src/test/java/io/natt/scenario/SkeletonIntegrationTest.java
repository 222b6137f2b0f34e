package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.natt.report.WiresharkKeys;
import io.natt.sys.Exec;
import io.natt.testutil.Tshark;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.Test;

/**
 * The walking skeleton end to end: our IKEv1 peer against a real strongSwan charon, through a real
 * nftables NAT, with ESP-in-UDP both ways.
 */
public class SkeletonIntegrationTest {
  private static Path out(String name) {
    return Path.of(System.getProperty("natt.reports", "reports"), "it", name);
  }

  private static Runner.Outcome run(boolean nat, String name) {
    Runner.Outcome r = SkeletonRun.run(SkeletonRun.Options.defaults(nat, out(name)), line -> {});
    r.error().ifPresent(e -> fail("the run failed: " + e + "\n" + r.trace().ladder(Trace.PEER)));
    r.steps()
        .forEach(
            st ->
                assertEquals(
                    st.status(), Runner.Status.OK, st + "\n" + r.trace().ladder(Trace.PEER)));
    return r;
  }

  @Test
  public void behindPortRandomisingNat() throws Exception {
    Integration.require();
    Runner.Outcome r = run(true, "nat");
    String ladder = r.trace().ladder(Trace.PEER);

    assertTrue(
        r.peer().nat().localBehindNat(), "harness must detect the NAT in front of it\n" + ladder);
    assertTrue(r.peer().floated(), "harness must float to 4500");

    List<TraceEntry> ikeSent =
        r.trace().at(Trace.PEER).stream()
            .filter(e -> e.direction() == Direction.SENT && e.isIke())
            .toList();
    // Main Mode 1, 3 on 500 without marker; 5 and Quick Mode 1, 3 on 4500 with it
    assertTrue(ikeSent.size() >= 5, ladder);
    for (int k = 0; k < 2; k++) {
      assertEquals(ikeSent.get(k).from().getPort(), 500, ladder);
      assertEquals(ikeSent.get(k).to().getPort(), 500, ladder);
      assertFalse(((PacketView.Ike) ikeSent.get(k).view()).marker(), ladder);
    }
    for (TraceEntry e : ikeSent.subList(2, ikeSent.size())) {
      assertEquals(e.from().getPort(), 4500, "after message 5: " + e.line(0));
      assertEquals(e.to().getPort(), 4500, e.line(0));
      assertTrue(((PacketView.Ike) e.view()).marker(), "marker on " + e.line(0));
    }
    // every IKE message received after the float came on 4500 with the marker
    List<TraceEntry> ikeReceived =
        r.trace().at(Trace.PEER).stream()
            .filter(e -> e.direction() == Direction.RECEIVED && e.isIke())
            .toList();
    assertTrue(ikeReceived.size() >= 4, ladder);
    for (TraceEntry e : ikeReceived.subList(2, ikeReceived.size())) {
      assertEquals(e.from().getPort(), 4500, e.line(0));
      assertTrue(((PacketView.Ike) e.view()).marker(), e.line(0));
    }

    // ESP-in-UDP on 4500 both ways, replies decrypted
    assertEspBothWays(r);
    assertEquals(r.peer().pings().size(), 3);
    r.peer().pings().forEach(p -> assertTrue(p.answered(), "ping " + p + "\n" + ladder));

    // keepalives sent from 4500 to 4500
    List<TraceEntry> keepalives =
        r.trace().at(Trace.PEER).stream()
            .filter(
                e -> e.direction() == Direction.SENT && e.view() instanceof PacketView.Keepalive)
            .toList();
    assertFalse(keepalives.isEmpty(), "no NAT-keepalive sent\n" + ladder);
    keepalives.forEach(k -> assertEquals(k.to().getPort(), 4500));

    // strongSwan's own view
    assertTrue(r.iutStatus().contains("ESTABLISHED"), r.iutStatus());
    assertTrue(r.iutStatus().contains("INSTALLED, TUNNEL-in-UDP"), r.iutStatus());

    // on the public side of the NAT: the port was rewritten, 500 then 4500 with the marker
    List<TraceEntry> outside = r.trace().at("nat-public");
    List<TraceEntry> outsideIke = outside.stream().filter(TraceEntry::isIke).toList();
    assertTrue(outsideIke.size() >= 8, r.trace().ladder("nat-public"));
    for (int k = 0; k < 4; k++) {
      TraceEntry e = outsideIke.get(k);
      assertTrue(e.from().getPort() == 500 || e.to().getPort() == 500, e.line(0));
    }
    for (TraceEntry e : outsideIke.subList(4, outsideIke.size())) {
      assertTrue(((PacketView.Ike) e.view()).marker(), e.line(0));
    }
    assertTrue(
        outside.stream()
            .anyMatch(e -> e.view() instanceof PacketView.Esp && e.to().getPort() == 4500));
    for (Path p : r.captures()) {
      assertTrue(Files.size(p) > 24, "capture " + p + " is empty");
    }
    assertTsharkDecrypts(r, out("nat"));
    assertNothingLeft();
  }

  static void assertTsharkDecrypts(Runner.Outcome r, Path dir) throws Exception {
    Path keys = WiresharkKeys.write(dir.resolve("keys"), r.trace());
    Tshark.assertDecrypts(keys, r.captures(), dir.resolve("wireshark"));
  }

  @Test
  public void directWithoutNat() throws Exception {
    Integration.require();
    Runner.Outcome r = run(false, "direct");
    String ladder = r.trace().ladder(Trace.PEER);
    // our own hashes must match our real address: the IUT sees no NAT in front of us
    assertFalse(
        r.peer().nat().localBehindNat(), "the harness has no NAT in front of it\n" + ladder);
    // kernel-libipsec strongSwan forces encapsulation with a NAT-D that never matches
    assertTrue(
        r.peer().nat().remoteBehindNat(), "expected the IUT's forced encapsulation\n" + ladder);
    assertTrue(
        r.trace().notes().stream().anyMatch(n -> n.contains("forces UDP encapsulation")),
        String.join("\n", r.trace().notes()));
    assertTrue(r.peer().floated());
    assertEspBothWays(r);
    r.peer().pings().forEach(p -> assertTrue(p.answered(), "ping " + p + "\n" + ladder));
    // no keepalives: the harness is not behind a NAT
    assertTrue(
        r.trace().at(Trace.PEER).stream()
            .noneMatch(
                e -> e.direction() == Direction.SENT && e.view() instanceof PacketView.Keepalive),
        ladder);
    assertNothingLeft();
  }

  private static void assertEspBothWays(Runner.Outcome r) {
    List<TraceEntry> esp =
        r.trace().at(Trace.PEER).stream().filter(e -> e.view() instanceof PacketView.Esp).toList();
    assertTrue(
        esp.stream()
            .anyMatch(
                e ->
                    e.direction() == Direction.SENT
                        && e.from().getPort() == 4500
                        && e.to().getPort() == 4500),
        "no ESP-in-UDP sent");
    List<TraceEntry> in = esp.stream().filter(e -> e.direction() == Direction.RECEIVED).toList();
    assertFalse(in.isEmpty(), "no ESP-in-UDP received");
    for (TraceEntry e : in) {
      assertEquals(e.from().getPort(), 4500, e.line(0));
      assertTrue(((PacketView.Esp) e.view()).inner().isPresent(), "not decrypted: " + e.line(0));
    }
  }

  static void assertNothingLeft() {
    String prefix = "natt-" + ProcessHandle.current().pid() + "-";
    String ns = Exec.run("ip", "netns", "list").output();
    assertFalse(ns.contains(prefix), "namespaces left: " + ns);
  }
}
