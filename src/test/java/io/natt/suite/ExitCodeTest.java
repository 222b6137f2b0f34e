package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.trace.Trace;
import io.natt.verdict.Catalog;
import io.natt.verdict.Judgement;
import io.natt.verdict.Level;
import io.natt.verdict.Requirement;
import io.natt.verdict.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * The exit code a CI gate reads: 0 only when every MUST requirement judged was decided and passed;
 * 1 a MUST failed; 2 an error (no verdict); 3 undecided, including a run that decided nothing.
 */
public class ExitCodeTest {
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));
  static final Scenario SCENARIO =
      ScenarioLoader.load(Path.of("testsuites/rfc3947/mm-float-behind-nat.yaml"), CATALOG.ids());

  static Requirement req(Level level, boolean named) {
    return CATALOG.requirements().stream()
        .filter(r -> r.level() == level && SCENARIO.judges().contains(r.id()) == named)
        .findFirst()
        .orElseThrow();
  }

  static Judgement j(Requirement r, Verdict v) {
    return new Judgement(r, v, "test: " + v, List.of());
  }

  static ScenarioResult result(Runner.Status stepStatus, Judgement... js) {
    Runner.Outcome o =
        new Runner.Outcome(
            SCENARIO,
            null,
            new Trace(),
            List.of(new Runner.StepResult(1, "phase1", stepStatus, "", 0)),
            Optional.empty(),
            Optional.empty(),
            null,
            "",
            "",
            List.of(),
            Duration.ZERO);
    return new ScenarioResult(
        SCENARIO.file(),
        Optional.of(SCENARIO),
        Optional.empty(),
        Optional.of(o),
        List.of(js),
        List.of());
  }

  static ScenarioResult result(Judgement... js) {
    return result(Runner.Status.OK, js);
  }

  /** A scenario the user cannot run (no privilege for UDP 500): NOT_APPLICABLE with the reason. */
  static ScenarioResult notApplicable(String why) {
    Runner.Outcome o =
        new Runner.Outcome(
            SCENARIO,
            null,
            new Trace(),
            List.of(),
            Optional.of(why),
            Optional.empty(),
            null,
            "",
            "",
            List.of(),
            Duration.ZERO);
    return new ScenarioResult(
        SCENARIO.file(),
        Optional.of(SCENARIO),
        Optional.empty(),
        Optional.of(o),
        List.of(),
        List.of());
  }

  @Test
  public void aScenarioThisUserCannotRunIsNotApplicableNeitherPassedNorUndecided() {
    ScenarioResult na = notApplicable("this user (uid 65534) cannot bind 198.51.100.1:500");
    assertEquals(na.verdict(), Verdict.NOT_APPLICABLE);
    assertTrue(na.undecided().isEmpty());
    Requirement must = req(Level.MUST, true);
    assertEquals(
        ConformanceRun.exitCode(List.of(result(j(must, Verdict.PASS)), na)), ConformanceRun.OK);
    assertEquals(ConformanceRun.exitCode(List.of(na)), ConformanceRun.UNDECIDED, "nothing judged");
  }

  @Test
  public void everyMustDecidedAndPassedIsZero() {
    Requirement must = req(Level.MUST, true);
    assertEquals(ConformanceRun.exitCode(List.of(result(j(must, Verdict.PASS)))), 0);
  }

  @Test
  public void aShouldFailureAloneDoesNotFailTheGate() {
    Requirement must = req(Level.MUST, true);
    Requirement should = req(Level.SHOULD, false);
    assertEquals(
        ConformanceRun.exitCode(List.of(result(j(must, Verdict.PASS), j(should, Verdict.FAIL)))),
        0);
  }

  @Test
  public void aMustFailureIsOne() {
    Requirement must = req(Level.MUST, true);
    assertEquals(ConformanceRun.exitCode(List.of(result(j(must, Verdict.FAIL)))), 1);
  }

  @Test
  public void aKnownMustFailureIsAcceptedOnlyWhenAskedAndOnlyAsListed() {
    Requirement must = req(Level.MUST, true);
    Requirement other =
        CATALOG.requirements().stream()
            .filter(r -> r.level() == Level.MUST && !r.id().equals(must.id()))
            .findFirst()
            .orElseThrow();
    List<ScenarioResult> rs =
        List.of(result(j(must, Verdict.FAIL)), result(j(other, Verdict.PASS)));
    java.util.Map<String, String> known = java.util.Map.of(must.id(), "FAIL");
    // without --accept-known a known FAIL is still exit 1
    assertEquals(ConformanceRun.exitCode(rs), ConformanceRun.MUST_FAILED);
    assertEquals(
        ConformanceRun.exitCode(rs, ConformanceRun.matrix("", rs), known), ConformanceRun.OK);
    assertEquals(ConformanceRun.knownMustFailures(rs, known), List.of(must.id()));
    // listed with another verdict, or another requirement failing too: still exit 1
    assertEquals(
        ConformanceRun.exitCode(
            rs, ConformanceRun.matrix("", rs), java.util.Map.of(must.id(), "NOT_APPLICABLE")),
        ConformanceRun.MUST_FAILED);
    List<ScenarioResult> both =
        List.of(result(j(must, Verdict.FAIL)), result(j(other, Verdict.FAIL)));
    assertEquals(
        ConformanceRun.exitCode(both, ConformanceRun.matrix("", both), known),
        ConformanceRun.MUST_FAILED);
  }

  @Test
  public void anUndecidedMustIsThreeAndTheStatementSaysSo() {
    Requirement a = req(Level.MUST, true);
    Requirement b = req(Level.MUST, false);
    List<ScenarioResult> rs = List.of(result(j(a, Verdict.PASS), j(b, Verdict.INCONCLUSIVE)));
    assertEquals(ConformanceRun.exitCode(rs), ConformanceRun.UNDECIDED);
    assertEquals(rs.get(0).verdict(), Verdict.INCONCLUSIVE);
    String st = ConformanceRun.matrix("iut", rs).statement();
    assertTrue(st.contains("MUST: 1 passed, 0 failed, 1 undecided"), st);
    assertTrue(st.contains("UNDECIDED: 1 MUST requirement(s) could not be judged"), st);
  }

  @Test
  public void aRunThatJudgedNothingIsNeverGreen() {
    Requirement a = req(Level.MUST, false);
    List<ScenarioResult> rs = List.of(result(j(a, Verdict.NOT_APPLICABLE)));
    assertEquals(ConformanceRun.exitCode(rs), ConformanceRun.UNDECIDED);
    assertTrue(
        ConformanceRun.matrix("iut", rs).statement().contains("no MUST requirement was judged"));
    assertEquals(ConformanceRun.exitCode(List.of()), ConformanceRun.UNDECIDED);
  }

  @Test
  public void aNamedRequirementNeverProvokedBecauseAStepFailedIsUndecided() {
    Requirement named = req(Level.MUST, true);
    Requirement other = req(Level.MUST, false);
    ScenarioResult r =
        result(Runner.Status.FAILED, j(other, Verdict.PASS), j(named, Verdict.NOT_APPLICABLE));
    assertEquals(r.undecided().size(), 1, r.undecided().toString());
    assertTrue(r.undecided().get(0).contains("never provoked"), r.undecided().toString());
    assertEquals(r.verdict(), Verdict.INCONCLUSIVE);
    assertEquals(ConformanceRun.exitCode(List.of(r)), ConformanceRun.UNDECIDED);
    // the same N/A with every step done is a decision (the scenario did not exercise it)
    assertEquals(
        ConformanceRun.exitCode(
            List.of(result(j(other, Verdict.PASS), j(named, Verdict.NOT_APPLICABLE)))),
        0);
  }

  @Test
  public void anErrorBeatsEverythingElse() {
    Requirement must = req(Level.MUST, true);
    List<ScenarioResult> rs = new ArrayList<>();
    rs.add(result(j(must, Verdict.FAIL)));
    rs.add(result(j(must, Verdict.ERROR)));
    assertEquals(ConformanceRun.exitCode(rs), ConformanceRun.ERROR);
  }
}
