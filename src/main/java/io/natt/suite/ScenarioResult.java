package io.natt.suite;

import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.verdict.Judgement;
import io.natt.verdict.Level;
import io.natt.verdict.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One scenario's result: what ran, the verdict on each requirement, and where the verdicts differ
 * from what the scenario expects.
 *
 * @param loadError the scenario file's mistake (file:line:col: message), if it did not load
 * @param mismatches lines "id: expected X, got Y (reason)"
 */
public record ScenarioResult(
    Path file,
    Optional<Scenario> scenario,
    Optional<String> loadError,
    Optional<Runner.Outcome> outcome,
    List<Judgement> judgements,
    List<String> mismatches) {

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
    if (judgements.stream().anyMatch(j -> j.verdict() == Verdict.INCONCLUSIVE)) {
      return Verdict.INCONCLUSIVE;
    }
    return Verdict.PASS;
  }

  public boolean mustFailed() {
    return judgements.stream()
        .anyMatch(j -> j.verdict() == Verdict.FAIL && j.requirement().level() == Level.MUST);
  }

  public double seconds() {
    return outcome.map(o -> o.elapsed().toMillis() / 1000.0).orElse(0.0);
  }
}
