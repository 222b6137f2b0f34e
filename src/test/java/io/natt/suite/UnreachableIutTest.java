package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.scenario.Integration;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.verdict.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.testng.annotations.Test;

/**
 * An IUT that answers nothing is an ERROR (no verdict on it), told apart from an IUT that only
 * ignored what the scenario provoked, whose FAIL stands.
 */
public class UnreachableIutTest {
  static Runner.Outcome run(String scenario, Knobs iut, String label) {
    Scenario s = ScenarioLoader.load(Path.of(scenario), MutantTest.CATALOG.ids());
    return Runner.run(
        s,
        MutantTest.target(),
        new Runner.IutLaunch.Emulated(iut),
        Path.of(System.getProperty("natt.reports", "reports"), "unreachable", label),
        line -> {});
  }

  @Test
  public void silentIutIsAnErrorNotAVerdict() {
    Integration.require();
    Runner.Outcome o =
        run(
            "testsuites/rfc3947/mm-float-behind-nat.yaml",
            Knobs.rfc3947().withDeviations(Set.of(Knobs.Deviation.SILENT)),
            "silent");
    assertTrue(o.error().isPresent(), "a silent IUT must give an error");
    assertTrue(o.error().get().contains("did not answer at all"), o.error().get());
    ScenarioResult r =
        new ScenarioResult(
            o.scenario().file(),
            Optional.of(o.scenario()),
            Optional.empty(),
            Optional.of(o),
            List.of(),
            List.of());
    assertEquals(r.verdict(), Verdict.ERROR);
    assertEquals(ConformanceRun.exitCode(List.of(r)), ConformanceRun.ERROR);
  }

  @Test
  public void iutIgnoringOnlyThe4500StartIsNotUnreachable() {
    Integration.require();
    Runner.Outcome o =
        run(
            "testsuites/rfc3947/start-on-4500.yaml",
            Knobs.rfc3947().withDeviations(Set.of(Knobs.Deviation.IGNORE_4500_START)),
            "ignores-4500-start");
    assertTrue(o.error().isEmpty(), "the probe on 500 is answered: " + o.error());
    assertTrue(
        o.trace().notes().stream().anyMatch(n -> n.contains("answers a fresh Main Mode on 500")),
        String.join("\n", o.trace().notes()));
  }
}
