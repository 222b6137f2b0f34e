package io.natt.suite;

import io.natt.iut.TargetProfile;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.verdict.Catalog;
import io.natt.verdict.Diagnoses;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import io.natt.yaml.LoadException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Loads, runs and judges one scenario file. */
public final class ScenarioExecution {
  private ScenarioExecution() {}

  /** On the target's default NAT backend. */
  public static ScenarioResult execute(
      Path file, Catalog catalog, TargetProfile target, Path reportDir, Consumer<String> log) {
    return execute(
        file,
        catalog,
        target,
        Runner.defaultBackend(target, new Runner.IutLaunch.FromTarget()),
        reportDir,
        log);
  }

  /** On the NAT backend of that name (kernel, emulated). */
  public static ScenarioResult execute(
      Path file,
      Catalog catalog,
      TargetProfile target,
      String nat,
      Path reportDir,
      Consumer<String> log) {
    Scenario s;
    try {
      s = ScenarioLoader.load(file, catalog.ids());
    } catch (LoadException e) {
      return new ScenarioResult(
          file,
          Optional.empty(),
          Optional.of(e.getMessage()),
          Optional.empty(),
          List.of(),
          List.of());
    }
    Runner.Outcome o =
        Runner.run(
            s, target, new Runner.IutLaunch.FromTarget(), nat, reportDir.resolve(s.id()), log);
    if (o.notApplicable().isPresent() || o.error().isPresent()) {
      return new ScenarioResult(
          file, Optional.of(s), Optional.empty(), Optional.of(o), List.of(), List.of());
    }
    List<Judgement> js = Judge.judge(o.trace(), catalog, s.judges());
    return new ScenarioResult(
        file,
        Optional.of(s),
        Optional.empty(),
        Optional.of(o),
        js,
        mismatches(s, js, target.knownResults()),
        Diagnoses.of(o.trace()));
  }

  /**
   * Where a verdict differs from the scenario's expectation: a judged requirement is expected to
   * PASS unless the scenario says otherwise; a requirement judged on every trace may also be
   * NOT_APPLICABLE (the scenario did not exercise it), but never FAIL, INCONCLUSIVE or ERROR unless
   * expected. A target's known results (what this implementation is known to get) take precedence
   * over the scenario's expectation.
   */
  static List<String> mismatches(Scenario s, List<Judgement> js, Map<String, String> known) {
    List<String> out = new ArrayList<>();
    for (Judgement j : js) {
      String expected = known.getOrDefault(j.id(), s.expect().get(j.id()));
      boolean ok;
      if (expected != null) {
        ok = j.verdict().name().equals(expected);
      } else if (s.judges().contains(j.id())) {
        ok = j.verdict() == Verdict.PASS;
      } else {
        ok = j.verdict() == Verdict.PASS || j.verdict() == Verdict.NOT_APPLICABLE;
      }
      if (!ok) {
        out.add(
            j.id()
                + ": expected "
                + (expected != null ? expected : "PASS")
                + ", got "
                + j.verdict()
                + " ("
                + j.reason()
                + ")");
      }
    }
    for (String id : s.judges()) {
      if (js.stream().noneMatch(j -> j.id().equals(id))) {
        out.add(id + ": not judged (unknown requirement)");
      }
    }
    return out;
  }
}
