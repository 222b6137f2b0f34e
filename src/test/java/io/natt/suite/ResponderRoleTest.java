package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.nat.EmulatedTestbed;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.verdict.Catalog;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import io.natt.wire.PacketView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The harness as responder, driven in memory: the emulated IUT initiates (Main Mode or Aggressive
 * Mode, then Quick Mode) to the harness's responder through the emulated NAT, without root,
 * namespaces or strongSwan. Every scenario with {@code role: responder} runs against the compliant
 * emulated IUT: its steps succeed and no check of the catalog says FAIL on the initiating IUT.
 */
public class ResponderRoleTest {
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));

  static List<Path> responderScenarios() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("testsuites/rfc3947"))) {
      return s.filter(p -> p.toString().endsWith(".yaml"))
          .filter(ResponderRoleTest::responder)
          .sorted()
          .toList();
    }
  }

  private static boolean responder(Path p) {
    return ScenarioLoader.load(p, CATALOG.ids()).harness().role().equals("responder");
  }

  static Runner.Outcome run(Path scenario, Knobs iutKnobs, String label) {
    Scenario s = ScenarioLoader.load(scenario, CATALOG.ids());
    Path out = Path.of(System.getProperty("natt.reports", "reports"), "responder-role", label);
    return Runner.run(
        s,
        MutantTest.target(),
        new Runner.IutLaunch.Emulated(iutKnobs),
        EmulatedTestbed.IN_MEMORY,
        out,
        l -> {});
  }

  /** The compliant emulated IUT: RFC 3947 and draft-02\n vendor IDs (as charon sends). */
  static Knobs compliant() {
    return Knobs.rfc3947()
        .withVendorIds(List.of(Knobs.VendorIdChoice.RFC3947, Knobs.VendorIdChoice.DRAFT_02N))
        .withKeepaliveInterval(Duration.ofSeconds(1));
  }

  /**
   * The compliant emulated IUT for a scenario: where nothing shows a NAT it starts on 4500 (as an
   * IUT that forces encapsulation would move there), because it speaks ESP only in UDP; with a
   * harness that answers only a draft vendor ID it offers the draft's encapsulation mode.
   */
  static Knobs compliantFor(Path scenario) {
    Scenario s = ScenarioLoader.load(scenario, CATALOG.ids());
    boolean natShown =
        !s.topology().layout().iutBehind().isEmpty()
            || s.harness().knobs().natD() != Knobs.NatDMode.HONEST;
    Knobs k = natShown ? compliant() : compliant().withFloatAt(Knobs.FloatMode.START_ON_4500);
    // the emulated initiator offers the knob's encapsulation mode whatever variant was agreed: a
    // harness that answers only a draft gets the draft's UDP-Encapsulated-Tunnel
    boolean draftOnly = !s.harness().knobs().vendorIds().contains(Knobs.VendorIdChoice.RFC3947);
    return draftOnly ? k.withEncapsulationMode(61443) : k;
  }

  @Test
  public void thereAreAtLeastEightScenariosWithTheIutInitiating() throws IOException {
    assertTrue(responderScenarios().size() >= 8, responderScenarios().toString());
  }

  @Test
  public void theEmulatedIutInitiatesAndTheHarnessAnswers() {
    Runner.Outcome o =
        run(Path.of("testsuites/rfc3947/iut-initiates-behind-nat.yaml"), compliant(), "behind-nat");
    assertTrue(o.error().isEmpty(), o.error().toString());
    o.steps().forEach(r -> assertEquals(r.status(), Runner.Status.OK, r.toString()));
    assertTrue(o.peer().child().isPresent(), "the harness's responder has the IUT's CHILD_SA");
    assertTrue(o.peer().floated(), "the harness followed the IUT to 4500");
    assertTrue(o.peer().nat().remoteBehindNat(), "the harness saw the IUT behind its NAT");
    assertFalse(o.peer().nat().localBehindNat(), "the harness is on the public side");
    assertEquals(o.peer().pings().size(), 3);
    assertTrue(o.peer().pings().stream().allMatch(p -> p.answered()), o.peer().pings().toString());
    // message 1 came from the IUT, message 2 went back from the harness
    List<TraceEntry> ike =
        o.trace().at(Trace.PEER).stream().filter(e -> e.view() instanceof PacketView.Ike).toList();
    assertEquals(ike.get(0).direction(), Direction.RECEIVED, ike.get(0).toString());
    assertEquals(ike.get(1).direction(), Direction.SENT, ike.get(1).toString());
    // the IUT's message 5 arrived on the harness's 4500
    Map<String, Judgement> j = judgeAll(o);
    assertEquals(j.get("3947-4-initiator-float").verdict(), Verdict.PASS, j.toString());
    assertEquals(j.get("3947-3.1-vid").verdict(), Verdict.PASS, j.toString());
    assertEquals(j.get("3947-3.2-natd-remote-hash").verdict(), Verdict.PASS, j.toString());
    // a check that can judge only a responder IUT says so, it does not fail
    assertEquals(j.get("3947-4-start-on-4500").verdict(), Verdict.NOT_APPLICABLE, j.toString());
  }

  @Test
  public void theInitiatorFloatFailsOnlyWhenTheIutInitiates() {
    Knobs never = compliant().withFloatAt(Knobs.FloatMode.NEVER);
    Runner.Outcome o =
        run(Path.of("testsuites/rfc3947/iut-initiates-behind-nat.yaml"), never, "no-float");
    assertTrue(o.error().isEmpty(), o.error().toString());
    assertEquals(judgeAll(o).get("3947-4-initiator-float").verdict(), Verdict.FAIL);
    // the same mutant as a responder (the harness initiates): the check does not apply
    Runner.Outcome r =
        run(Path.of("testsuites/rfc3947/mm-float-behind-nat.yaml"), never, "no-float-responder");
    assertEquals(
        judgeAll(r).get("3947-4-initiator-float").verdict(), Verdict.NOT_APPLICABLE, r.toString());
  }

  @Test
  public void theIutInitiatesToTheHarnessBehindAForwardingNatAndMustFloat() {
    Path file = Path.of("testsuites/rfc3947/iut-initiates-to-harness-behind-nat.yaml");
    Runner.Outcome o = run(file, compliant(), "to-harness-behind-nat");
    assertTrue(o.error().isEmpty(), o.error().toString());
    o.steps().forEach(r -> assertEquals(r.status(), Runner.Status.OK, r.toString()));
    assertTrue(o.peer().nat().localBehindNat(), "the harness found itself behind its NAT");
    assertFalse(o.peer().nat().remoteBehindNat(), "the IUT is on the public side");
    // the IUT sent to the NAT's public address; the harness got it at its private one
    TraceEntry m1 =
        o.trace().at("nat-public").stream()
            .filter(e -> e.view() instanceof PacketView.Ike)
            .findFirst()
            .orElseThrow();
    assertEquals(m1.to().getAddress().getHostAddress(), "198.51.100.1", m1.toString());
    assertEquals(m1.to().getPort(), 500, m1.toString());
    TraceEntry atPeer =
        o.trace().at(Trace.PEER).stream()
            .filter(e -> e.view() instanceof PacketView.Ike)
            .findFirst()
            .orElseThrow();
    assertEquals(atPeer.to().getAddress().getHostAddress(), "10.0.1.2", atPeer.toString());
    Map<String, Judgement> j = judgeAll(o);
    assertEquals(j.get("3947-4-initiator-float").verdict(), Verdict.PASS, j.toString());
    assertTrue(
        j.get("3947-4-initiator-float").reason().contains("did not match 198.51.100.1:500"),
        j.get("3947-4-initiator-float").reason());
    assertEquals(j.get("3947-3.2-natd-remote-hash").verdict(), Verdict.PASS, j.toString());
    // an IUT that does not float although the harness's NAT-D showed the NAT fails there
    Runner.Outcome never =
        run(file, compliant().withFloatAt(Knobs.FloatMode.NEVER), "to-harness-behind-nat-never");
    assertEquals(
        judgeAll(never).get("3947-4-initiator-float").verdict(), Verdict.FAIL, never.toString());
  }

  @DataProvider
  public Object[][] scenarios() throws IOException {
    return responderScenarios().stream()
        .map(p -> new Object[] {p.getFileName().toString(), p})
        .toArray(Object[][]::new);
  }

  @Test(dataProvider = "scenarios")
  public void noCheckFailsOnTheCompliantInitiatingIut(String name, Path scenario) {
    Runner.Outcome o = run(scenario, compliantFor(scenario), name.replace(".yaml", ""));
    assertTrue(o.error().isEmpty(), name + ": " + o.error());
    o.steps().forEach(r -> assertEquals(r.status(), Runner.Status.OK, name + ": " + r));
    List<String> failed =
        judgeAll(o).values().stream()
            .filter(x -> x.verdict() == Verdict.FAIL || x.verdict() == Verdict.ERROR)
            .map(x -> x.id() + ": " + x.reason())
            .toList();
    assertTrue(failed.isEmpty(), name + ": " + failed);
    for (String id : o.scenario().judges()) {
      Verdict v = judgeAll(o).get(id).verdict();
      assertTrue(
          v == Verdict.PASS || v == Verdict.NOT_APPLICABLE,
          name + ": judged " + id + " is " + v + " (" + judgeAll(o).get(id).reason() + ")");
    }
  }

  private static Map<String, Judgement> judgeAll(Runner.Outcome o) {
    return Judge.judge(o.trace(), CATALOG, CATALOG.ids()).stream()
        .collect(Collectors.toMap(Judgement::id, x -> x, (a, b) -> a));
  }
}
