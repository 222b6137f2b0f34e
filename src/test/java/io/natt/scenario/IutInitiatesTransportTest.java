package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.nat.EmulatedTestbed;
import io.natt.testutil.TempDirs;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.verdict.Catalog;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import io.natt.wire.ExchangeType;
import io.natt.wire.IpsecAttr;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.NatOaPayload;
import io.natt.wire.PacketView;
import io.natt.wire.SaPayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.testng.annotations.Test;

/**
 * Transport mode with the IUT as the initiator (RFC 3947 section 5), in memory: the emulated IUT
 * behind a forwarding NAT initiates Main Mode and a transport-mode Quick Mode to the harness's
 * responder. It offers UDP-Encapsulated-Transport with NAT-OAi (its own private address) and
 * NAT-OAr (the harness's), the harness answers with the NAT's public address as NAT-OAi, and ESP in
 * transport mode then goes both ways. Without a NAT it offers plain Transport and no NAT-OA.
 */
public class IutInitiatesTransportTest {
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));

  private static Runner.Outcome run(String topology, String steps, Knobs iut) throws Exception {
    Path dir = TempDirs.create("iut-transport");
    Path f = dir.resolve("iut-transport.yaml");
    Files.writeString(
        f,
        """
        id: iut-initiates-transport-emulated
        title: the emulated IUT initiates transport mode
        judges: [3947-5.2-nat-oa-sent]
        topology:
        %s
        harness:
          role: responder
          ike: { version: 1, exchange: main, auth: psk }
        steps:
          - phase1
          - quick-mode: { mode: transport }
        %s
        """
            .formatted(topology, steps));
    Scenario s = ScenarioLoader.load(f, CATALOG.ids());
    return Runner.run(
        s,
        io.natt.testutil.BundledTarget.withoutKnownResults(),
        new Runner.IutLaunch.Emulated(iut),
        EmulatedTestbed.IN_MEMORY,
        dir.resolve("out"),
        l -> {});
  }

  private static final String BEHIND_NAT =
      """
        nats:
          home: {}
        iut: { behind: home, forward: [500, 4500] }
      """;

  private static Knobs compliant() {
    return Knobs.rfc3947().withKeepaliveInterval(Duration.ofSeconds(1));
  }

  /** The IUT's Quick Mode message 1 as the harness decrypted it. */
  private static PacketView.Ike iutOffer(Runner.Outcome o) {
    return o.trace().at(Trace.PEER).stream()
        .filter(e -> e.direction() == Direction.RECEIVED)
        .map(TraceEntry::view)
        .filter(
            v ->
                v instanceof PacketView.Ike i
                    && i.decrypted()
                    && i.header().exchangeType() == ExchangeType.QUICK.code()
                    && !i.all(SaPayload.class).isEmpty())
        .map(v -> (PacketView.Ike) v)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Quick Mode message 1 from the IUT"));
  }

  private static Map<String, Judgement> judgeAll(Runner.Outcome o) {
    return Judge.judge(o.trace(), CATALOG, CATALOG.ids()).stream()
        .collect(Collectors.toMap(Judgement::id, x -> x, (a, b) -> a));
  }

  @Test
  public void behindANatItOffersUdpTransportWithNatOaAndEspFlowsBothWays() throws Exception {
    Runner.Outcome o =
        run(BEHIND_NAT, "  - esp-ping: { to: iut, count: 2, size: [0, 300] }", compliant());
    assertTrue(o.error().isEmpty(), String.valueOf(o.error()));
    o.steps().forEach(r -> assertEquals(r.status(), Runner.Status.OK, r.toString()));
    assertEquals(o.peer().child().orElseThrow().encapsulationMode(), IpsecAttr.UDP_TRANSPORT);

    PacketView.Ike offer = iutOffer(o);
    List<NatOaPayload> oa = offer.all(NatOaPayload.class);
    assertEquals(oa.size(), 2, offer.summary());
    // NAT-OAi: the IUT's own (private) address; NAT-OAr: the harness's address as the IUT sees it
    assertEquals(oa.get(0).address(), o.trace().context().iutOwnAddress().getAddress());
    assertTrue(o.trace().context().iutBehindNat(), "the IUT sits behind the NAT");
    assertEquals(oa.get(1).address(), o.trace().context().harnessAddress().getAddress());

    // ESP in transport mode: ICMP itself (next header 1), every request answered
    assertEquals(o.peer().pings().size(), 4);
    assertTrue(o.peer().pings().stream().allMatch(HarnessPeer.PingResult::answered));
    TraceEntry reply =
        o.trace().at(Trace.PEER).stream()
            .filter(e -> e.direction() == Direction.RECEIVED && e.view() instanceof PacketView.Esp)
            .findFirst()
            .orElseThrow();
    byte[] inner = ((PacketView.Esp) reply.view()).inner().orElseThrow();
    assertEquals(Ipv4Packet.decode(inner).protocol(), Ipv4Packet.ICMP);

    Map<String, Judgement> j = judgeAll(o);
    for (String id :
        List.of(
            "3947-5.1-transport-encap-mode",
            "3947-5.2-nat-oa-sent",
            "3947-5.2-nat-oa-format",
            "3947-5.2-nat-oa-initiator-address",
            "3947-5.1-no-mixed-modes")) {
      assertVerdict(j, id, Verdict.PASS);
    }
    // the responder's MUST: the IUT sent offers, not answers
    assertVerdict(j, "3947-5.2-nat-oa-not-in-tunnel", Verdict.NOT_APPLICABLE);
  }

  private static void assertVerdict(Map<String, Judgement> j, String id, Verdict v) {
    assertEquals(j.get(id).verdict(), v, id + ": " + j.get(id).reason());
  }

  @Test
  public void withoutANatItOffersPlainTransportWithoutNatOa() throws Exception {
    // it starts on 4500 (the harness answers there too): the NAT-D, not the port, shows no NAT
    Runner.Outcome o = run("  {}", "", compliant().withFloatAt(Knobs.FloatMode.START_ON_4500));
    assertTrue(o.error().isEmpty(), String.valueOf(o.error()));
    PacketView.Ike offer = iutOffer(o);
    assertEquals(
        offer
            .all(SaPayload.class)
            .get(0)
            .proposals()
            .get(0)
            .transforms()
            .get(0)
            .attribute(IpsecAttr.ENCAPSULATION_MODE)
            .orElseThrow()
            .longValue(),
        (long) IpsecAttr.TRANSPORT);
    assertTrue(offer.all(NatOaPayload.class).isEmpty(), offer.summary());
    Map<String, Judgement> j = judgeAll(o);
    assertVerdict(j, "3947-5.1-transport-encap-mode", Verdict.PASS);
    assertVerdict(j, "3947-5.2-nat-oa-sent", Verdict.NOT_APPLICABLE);
    // 5.1-encap-mode judges only where a NAT was to be detected: not a FAIL on plain Transport
    assertVerdict(j, "3947-5.1-encap-mode", Verdict.NOT_APPLICABLE);
  }

  @Test
  public void offeringUdpTransportWithoutANatFailsTheEncapsulationMode() throws Exception {
    // the knob encapsulation 4 makes the emulated initiator offer UDP-Encapsulated-Transport on a
    // direct line (its NAT-D honest, so it does not force encapsulation)
    Runner.Outcome o =
        run(
            "  {}",
            "",
            compliant().withFloatAt(Knobs.FloatMode.START_ON_4500).withEncapsulationMode(4));
    assertTrue(o.error().isEmpty(), String.valueOf(o.error()));
    Judgement j = judgeAll(o).get("3947-5.1-transport-encap-mode");
    assertEquals(j.verdict(), Verdict.FAIL, j.reason());
    assertTrue(j.reason().contains("without a NAT"), j.reason());
  }
}
