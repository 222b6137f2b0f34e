package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.nat.EmulatedTestbed;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.trace.Direction;
import io.natt.trace.TraceEntry;
import io.natt.verdict.Diagnoses;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import io.natt.wire.ExchangeType;
import io.natt.wire.NotificationPayload;
import io.natt.wire.NotifyType;
import io.natt.wire.PacketView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * RFC 3948 section 5.1 against a compliant gateway that keeps two clients with one inner address
 * apart by refusing the second one's tunnel: the emulated IUT with its opt-in overlap refusal
 * answers client 2's Quick Mode with INVALID_ID_INFORMATION. The run goes on (client 2's later
 * steps skipped), and the requirement and the scenario PASS. Controls on the same scenario: the
 * default emulated IUT (answers through the pair each request came on) PASSes too, the deviation
 * overlap-newest-sa FAILs. In memory: no root, no namespace, no strongSwan.
 */
public class OverlapRefusalTest {
  static final Path SCENARIO = Path.of("testsuites/rfc3948/two-clients-same-address.yaml");
  static final String ID = "3948-5.1-overlapping-inner-address";

  static Knobs compliant() {
    return Knobs.rfc3947().withKeepaliveInterval(Duration.ofSeconds(1));
  }

  /** Runs the scenario against the emulated IUT and judges it as a suite run does. */
  static ScenarioResult run(Runner.IutLaunch.Emulated iut, String label) throws Exception {
    Scenario s = ScenarioLoader.load(SCENARIO, MutantTest.CATALOG.ids());
    Path out = io.natt.testutil.TempDirs.create("natt-overlap-" + label + "-");
    Runner.Outcome o =
        Runner.run(s, MutantTest.target(), iut, EmulatedTestbed.IN_MEMORY, out, l -> {});
    assertEquals(o.error(), Optional.empty(), label + ": " + o.steps());
    List<Judgement> js = Judge.judge(o.trace(), MutantTest.CATALOG, s.judges());
    return new ScenarioResult(
        SCENARIO,
        Optional.of(s),
        Optional.empty(),
        Optional.of(o),
        js,
        ScenarioExecution.mismatches(s, js, MutantTest.target().knownResults()),
        Diagnoses.of(o.trace()));
  }

  static Judgement overlap(ScenarioResult r) {
    return r.judgements().stream().filter(j -> j.id().equals(ID)).findFirst().orElseThrow();
  }

  static String describe(ScenarioResult r) {
    Runner.Outcome o = r.outcome().orElseThrow();
    return o.steps() + "\n" + r.judgements() + "\nundecided " + r.undecided();
  }

  @Test
  public void aGatewayRefusingTheOverlappingTunnelPasses() throws Exception {
    ScenarioResult r = run(new Runner.IutLaunch.Emulated(compliant(), true), "refusing");
    Runner.Outcome o = r.outcome().orElseThrow();
    String all = describe(r);
    List<Runner.StepResult> steps = o.steps();
    assertEquals(steps.size(), 9, all);
    // the harness's own steps and client 2's phase 1 ran as usual
    for (int i : List.of(0, 1, 2, 3, 6, 8)) {
      assertEquals(steps.get(i).status(), Runner.Status.OK, all);
    }
    // client 2's Quick Mode: refused, recorded with the notification, not an error
    Runner.StepResult qm2 = steps.get(4);
    assertEquals(qm2.status(), Runner.Status.OK, all);
    assertTrue(qm2.detail().contains("refused"), qm2.detail());
    assertTrue(qm2.detail().contains("INVALID_ID_INFORMATION"), qm2.detail());
    // client 2's pings: skipped, naming the refused Quick Mode's line
    for (int i : List.of(5, 7)) {
      assertEquals(steps.get(i).status(), Runner.Status.SKIPPED, all);
      assertTrue(steps.get(i).detail().contains("line " + qm2.line()), steps.get(i).detail());
    }
    // on the wire: client 2 received an encrypted Informational with INVALID_ID_INFORMATION
    assertTrue(
        o.trace().at("client-2").stream().anyMatch(OverlapRefusalTest::invalidIdInformation),
        "client 2 got the refusal");
    // and client 2 never got an ESP SA pair: it sent no ESP
    assertTrue(
        o.trace().at("client-2").stream()
            .noneMatch(e -> e.direction() == Direction.SENT && e.view() instanceof PacketView.Esp),
        "client 2 sent ESP");

    Judgement j = overlap(r);
    assertEquals(j.verdict(), Verdict.PASS, j.reason() + " " + j.evidence() + "\n" + all);
    assertTrue(j.reason().contains("refused the overlapping tunnel"), j.reason());
    assertTrue(
        r.judgements().stream().noneMatch(x -> x.verdict() == Verdict.FAIL),
        "a judged requirement FAILs: " + all);
    assertEquals(r.mismatches(), List.of(), all);
    assertEquals(r.undecided(), List.of(), all);
    assertEquals(r.verdict(), Verdict.PASS, all);
  }

  @Test
  public void theDefaultEmulatedIutCarriesBothTunnelsAndPasses() throws Exception {
    ScenarioResult r = run(new Runner.IutLaunch.Emulated(compliant()), "default");
    String all = describe(r);
    for (Runner.StepResult st : r.outcome().orElseThrow().steps()) {
      assertEquals(st.status(), Runner.Status.OK, all);
    }
    Judgement j = overlap(r);
    assertEquals(j.verdict(), Verdict.PASS, j.reason() + "\n" + all);
    assertTrue(j.reason().contains("both tunnels"), j.reason());
    assertEquals(r.verdict(), Verdict.PASS, all);
  }

  @Test
  public void theDeviationOverlapNewestSaFails() throws Exception {
    Knobs mutant = compliant().withDeviations(EnumSet.of(Knobs.Deviation.OVERLAP_NEWEST_SA));
    ScenarioResult r = run(new Runner.IutLaunch.Emulated(mutant), "newest-sa");
    Judgement j = overlap(r);
    assertEquals(j.verdict(), Verdict.FAIL, j.reason() + "\n" + describe(r));
    assertEquals(r.verdict(), Verdict.FAIL, describe(r));
  }

  /**
   * The refusal is about overlap only: two clients with inner addresses of their own (behind one
   * NAT) both get their tunnels from the same refusing IUT.
   */
  @Test
  public void theRefusingIutAcceptsClientsWithAddressesOfTheirOwn() throws Exception {
    Scenario s =
        ScenarioLoader.load(
            Path.of("testsuites/rfc3947/two-clients-port-preserving-nat.yaml"),
            MutantTest.CATALOG.ids());
    Runner.Outcome o =
        Runner.run(
            s,
            MutantTest.target(),
            new Runner.IutLaunch.Emulated(compliant(), true),
            EmulatedTestbed.IN_MEMORY,
            io.natt.testutil.TempDirs.create("natt-overlap-distinct-"),
            l -> {});
    assertEquals(o.error(), Optional.empty());
    for (Runner.StepResult st : o.steps()) {
      assertEquals(st.status(), Runner.Status.OK, o.steps().toString());
    }
    assertTrue(
        o.trace().at("client-2").stream().noneMatch(OverlapRefusalTest::invalidIdInformation));
  }

  private static boolean invalidIdInformation(TraceEntry e) {
    return e.direction() == Direction.RECEIVED
        && e.view() instanceof PacketView.Ike ike
        && ike.decrypted()
        && ike.header().exchangeType() == ExchangeType.INFORMATIONAL.code()
        && ike.all(NotificationPayload.class).stream()
            .anyMatch(n -> n.notifyType() == NotifyType.INVALID_ID_INFORMATION.code());
  }
}
