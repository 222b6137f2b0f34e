package io.natt.suite;

import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.verdict.Diagnosis;
import io.natt.verdict.Judgement;
import io.natt.verdict.Level;
import io.natt.verdict.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One scenario's result: what ran, the verdict on each requirement, and where the verdicts differ
 * from what the scenario expects.
 *
 * @param loadError the scenario file's mistake (file:line:col: message), if it did not load
 * @param mismatches lines "id: expected X, got Y (reason)"
 * @param diagnoses what the trace shows about the IUT as a whole (see {@link Diagnosis})
 */
public record ScenarioResult(
    Path file,
    Optional<Scenario> scenario,
    Optional<String> loadError,
    Optional<Runner.Outcome> outcome,
    List<Judgement> judgements,
    List<String> mismatches,
    List<Diagnosis> diagnoses) {

  /** A result without diagnoses. */
  public ScenarioResult(
      Path file,
      Optional<Scenario> scenario,
      Optional<String> loadError,
      Optional<Runner.Outcome> outcome,
      List<Judgement> judgements,
      List<String> mismatches) {
    this(file, scenario, loadError, outcome, judgements, mismatches, List.of());
  }

  public String name() {
    return scenario.map(Scenario::id).orElse(file.getFileName().toString());
  }

  public Optional<String> notApplicable() {
    return outcome.flatMap(Runner.Outcome::notApplicable);
  }

  public Optional<String> error() {
    return loadError.or(() -> outcome.flatMap(Runner.Outcome::error));
  }

  /** The scenario's overall verdict: ERROR, NOT_APPLICABLE, FAIL if any requirement failed, ... */
  public Verdict verdict() {
    if (error().isPresent()) {
      return Verdict.ERROR;
    }
    if (notApplicable().isPresent()) {
      return Verdict.NOT_APPLICABLE;
    }
    if (judgements.stream().anyMatch(j -> j.verdict() == Verdict.ERROR)) {
      return Verdict.ERROR;
    }
    if (judgements.stream().anyMatch(j -> j.verdict() == Verdict.FAIL)) {
      return Verdict.FAIL;
    }
    if (judgements.stream().anyMatch(j -> j.verdict() == Verdict.INCONCLUSIVE)
        || !undecided().isEmpty()) {
      return Verdict.INCONCLUSIVE;
    }
    return Verdict.PASS;
  }

  /**
   * What this scenario should have decided and did not, one line each: a MUST requirement or a
   * requirement the scenario names in {@code judges} that stayed INCONCLUSIVE, and a named one left
   * NOT_APPLICABLE because the steps that provoke it never ran (a step failed or was skipped).
   * Empty for a scenario that errored or does not apply (those have their own verdicts).
   */
  public List<String> undecided() {
    if (error().isPresent() || notApplicable().isPresent()) {
      return List.of();
    }
    List<String> named = scenario.map(Scenario::judges).orElse(List.of());
    boolean stepsIncomplete =
        outcome.stream()
            .flatMap(o -> o.steps().stream())
            .anyMatch(st -> st.status() != Runner.Status.OK);
    List<String> out = new ArrayList<>();
    for (Judgement j : judgements) {
      boolean isNamed = named.contains(j.id());
      if (j.verdict() == Verdict.INCONCLUSIVE
          && (isNamed || j.requirement().level() == Level.MUST)) {
        out.add(j.id() + " [" + j.requirement().level() + "]: " + j.reason());
      } else if (j.verdict() == Verdict.NOT_APPLICABLE && isNamed && stepsIncomplete) {
        out.add(
            j.id()
                + " ["
                + j.requirement().level()
                + "]: never provoked, the scenario stopped early ("
                + j.reason()
                + ")");
      }
    }
    return out;
  }

  public double seconds() {
    return outcome.map(o -> o.elapsed().toMillis() / 1000.0).orElse(0.0);
  }
}
