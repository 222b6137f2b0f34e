package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.iut.TargetProfile;
import io.natt.nat.EmulatedTestbed;
import io.natt.testutil.TempDirs;
import io.natt.trace.Direction;
import io.natt.trace.TraceEntry;
import io.natt.verdict.Catalog;
import io.natt.wire.IpsecAttr;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.NatOaPayload;
import io.natt.wire.PacketView;
import io.natt.wire.UdpDatagram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.testng.annotations.Test;

/**
 * Transport mode end to end against the harness's own responder, in memory (no root): the harness
 * behind an emulated port-randomising NAT negotiates UDP-Encapsulated-Transport with NAT-OA, then
 * ESP in transport mode goes both ways, ICMP echo for any protocol and UDP on port 1701 for the
 * L2TP selectors; the UDP replies are accepted only because the checksum is fixed from the NAT-OA
 * addresses (RFC 3948 section 3.1.2): without the IUT's NAT-OA the same reply fails.
 */
public class TransportModeEmulatedTest {
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));

  private static TargetProfile target() {
    return io.natt.testutil.BundledTarget.withoutKnownResults();
  }

  private static Runner.Outcome run(String quickMode, String harnessExtra, Knobs iut)
      throws Exception {
    Path dir = TempDirs.create("transport");
    Path f = dir.resolve("transport.yaml");
    Files.writeString(
        f,
        """
        id: transport-emulated
        title: transport mode against the emulated IUT
        judges: [3947-5.2-nat-oa-sent]
        topology:
          nats:
            home: { ports: random }
          harness: { behind: home }
        harness:
          role: initiator
          ike: { version: 1, exchange: main, auth: psk }
        %s
        steps:
          - phase1
          - quick-mode: %s
          - esp-ping: { to: iut, count: 2, size: [0, 300] }
        """
            .formatted(harnessExtra, quickMode));
    Scenario s = ScenarioLoader.load(f, CATALOG.ids());
    return Runner.run(
        s,
        target(),
        new Runner.IutLaunch.Emulated(iut),
        EmulatedTestbed.IN_MEMORY,
        dir.resolve("out"),
        l -> {});
  }

  private static Knobs compliant() {
    return Knobs.rfc3947().withKeepaliveInterval(Duration.ofSeconds(1));
  }

  private static void assertAllOk(Runner.Outcome o) {
    assertTrue(o.error().isEmpty(), String.valueOf(o.error()));
    for (Runner.StepResult r : o.steps()) {
      assertEquals(r.status(), Runner.Status.OK, r.toString());
    }
  }

  @Test
  public void icmpEchoInUdpEncapsulatedTransportBehindANat() throws Exception {
    Runner.Outcome o = run("{ mode: transport }", "", compliant());
    assertAllOk(o);
    assertEquals(o.peer().child().orElseThrow().encapsulationMode(), IpsecAttr.UDP_TRANSPORT);
    assertEquals(o.peer().pings().size(), 4);
    assertTrue(o.peer().pings().stream().allMatch(HarnessPeer.PingResult::answered));
    // NAT-OAi and NAT-OAr went both ways
    long natOaSent = natOa(o, Direction.SENT);
    long natOaReceived = natOa(o, Direction.RECEIVED);
    assertEquals(natOaSent, 2);
    assertEquals(natOaReceived, 2);
    // the ESP carried ICMP itself (next header 1), shown in the outer addresses
    TraceEntry reply =
        o.trace().at(io.natt.trace.Trace.PEER).stream()
            .filter(e -> e.direction() == Direction.RECEIVED && e.view() instanceof PacketView.Esp)
            .findFirst()
            .orElseThrow();
    byte[] inner = ((PacketView.Esp) reply.view()).inner().orElseThrow();
    assertEquals(Ipv4Packet.decode(inner).protocol(), Ipv4Packet.ICMP);
  }

  @Test
  public void udp1701EchoIsValidOnlyWithTheNatOaChecksumFix() throws Exception {
    Runner.Outcome o = run("{ mode: transport, protocol: udp, port: 1701 }", "", compliant());
    assertAllOk(o);
    TraceEntry reply =
        o.trace().at(io.natt.trace.Trace.PEER).stream()
            .filter(e -> e.direction() == Direction.RECEIVED && e.view() instanceof PacketView.Esp)
            .findFirst()
            .orElseThrow();
    Ipv4Packet ip = Ipv4Packet.decode(((PacketView.Esp) reply.view()).inner().orElseThrow());
    UdpDatagram u = UdpDatagram.decode(ip.payload());
    assertEquals(u.srcPort(), 1701);
    assertEquals(u.dstPort(), 1701);
    assertTrue(u.checksum() != 0, "the IUT computed a UDP checksum");
    assertTrue(u.checksumValid(ip.src(), ip.dst()), "valid after the NAT-OA fix");

    // the same exchange with an IUT that sends no NAT-OA: nothing to fix the checksum with, so
    // the reply (computed over the NAT's public address) does not verify at the harness
    Runner.Outcome without =
        run(
            "{ mode: transport, protocol: udp, port: 1701 }",
            "",
            compliant().withDeviations(java.util.Set.of(Knobs.Deviation.NAT_OA_OMITTED)));
    assertFalse(without.peer().pings().isEmpty());
    assertFalse(
        without.peer().pings().stream().anyMatch(HarnessPeer.PingResult::answered),
        String.valueOf(without.peer().pings()));
    assertTrue(
        without.peer().pings().stream().allMatch(p -> p.detail().contains("checksum is wrong")),
        "the replies came, and only their checksum failed: " + without.peer().pings());
  }

  @Test
  public void windowsXpPersonaGetsTheDraftModeAndNatOaType() throws Exception {
    Runner.Outcome o =
        run(
            "{ }",
            "  persona: windows-xp-l2tp",
            compliant()
                .withVendorIds(
                    List.of(Knobs.VendorIdChoice.RFC3947, Knobs.VendorIdChoice.DRAFT_02N)));
    assertAllOk(o);
    assertEquals(o.peer().child().orElseThrow().encapsulationMode(), IpsecAttr.UDP_TRANSPORT_DRAFT);
    assertTrue(
        o.trace().at(io.natt.trace.Trace.PEER).stream()
            .filter(e -> e.view() instanceof PacketView.Ike i && i.decrypted())
            .flatMap(e -> ((PacketView.Ike) e.view()).all(NatOaPayload.class).stream())
            .allMatch(p -> p.type() == 131));
  }

  private static long natOa(Runner.Outcome o, Direction d) {
    return o.trace().at(io.natt.trace.Trace.PEER).stream()
        .filter(e -> e.direction() == d && e.view() instanceof PacketView.Ike i && i.decrypted())
        .mapToLong(e -> ((PacketView.Ike) e.view()).all(NatOaPayload.class).size())
        .sum();
  }
}
