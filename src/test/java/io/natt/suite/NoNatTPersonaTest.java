package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.nat.EmulatedTestbed;
import io.natt.report.ComplianceMatrix;
import io.natt.scenario.Mutant;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.verdict.Catalog;
import io.natt.verdict.Diagnoses;
import io.natt.verdict.Diagnosis;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * The persona "responder without NAT-T" (testsuites/mutants/no-nat-t-responder.yaml: the harness's
 * own responder with no NAT-T vendor ID, no NAT-D and no float). Met from behind a NAT, the run
 * gives one diagnosis, "this gateway cannot serve clients behind a NAT", and lists the failures
 * that follow from it under it instead of one by one. Runs on the in-memory emulated NAT: no root.
 */
public class NoNatTPersonaTest {
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));
  static final Mutant PERSONA =
      Mutant.load(Path.of("testsuites/mutants/no-nat-t-responder.yaml"), CATALOG.ids());

  static ScenarioResult run(Path scenario, Knobs iut, String label) {
    Scenario s = ScenarioLoader.load(scenario, CATALOG.ids());
    Path out = Path.of(System.getProperty("natt.reports", "reports"), "persona", label);
    Runner.Outcome o =
        Runner.run(
            s,
            MutantTest.target(),
            new Runner.IutLaunch.Emulated(iut),
            EmulatedTestbed.IN_MEMORY,
            out,
            l -> {});
    assertTrue(o.error().isEmpty(), label + ": " + o.error());
    List<Judgement> js = Judge.judge(o.trace(), CATALOG, s.judges());
    return new ScenarioResult(
        s.file(),
        Optional.of(s),
        Optional.empty(),
        Optional.of(o),
        js,
        List.of(),
        Diagnoses.of(o.trace()));
  }

  @Test
  public void behindANatThePersonaGetsOneDiagnosisInsteadOfAListOfFailures() {
    ScenarioResult r = run(PERSONA.scenario(), PERSONA.iutKnobs(), "behind-nat");
    assertEquals(r.diagnoses().size(), 1, r.diagnoses().toString());
    Diagnosis d = r.diagnoses().get(0);
    assertEquals(d.id(), Diagnoses.NO_NAT_T_BEHIND_NAT);
    assertEquals(
        d.headline(),
        "This gateway cannot serve clients behind a NAT; IPsec through this NAT will fail.");
    assertFalse(d.evidence().isEmpty());
    List<String> failed =
        r.judgements().stream()
            .filter(j -> j.verdict() == Verdict.FAIL)
            .map(Judgement::id)
            .toList();
    assertTrue(failed.contains("3947-3.1-vid"), failed.toString());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConformanceRun.printSummary(List.of(r), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String summary = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(count(summary, "DIAGNOSIS in "), 1, summary);
    assertTrue(summary.contains(d.headline()), summary);
    // the failures it explains are named under it, not listed one by one
    for (String id : failed) {
      if (d.explains(id)) {
        assertFalse(summary.contains("FAIL " + id + " "), summary);
        assertTrue(summary.contains("failures that follow from it: "), summary);
      }
    }
    ComplianceMatrix m = ConformanceRun.matrix("persona", List.of(r));
    assertTrue(m.statement().contains("DIAGNOSIS: " + d.headline()), m.statement());
    assertEquals(m.diagnoses().keySet(), java.util.Set.of(d.headline()));
  }

  @Test
  public void theCompliantResponderGetsNoDiagnosis() {
    Knobs compliant = Knobs.rfc3947().withKeepaliveInterval(Duration.ofSeconds(1));
    ScenarioResult r = run(PERSONA.scenario(), compliant, "behind-nat-control");
    assertEquals(r.diagnoses(), List.of());
    assertFalse(ConformanceRun.matrix("compliant", List.of(r)).statement().contains("DIAGNOSIS"));
  }

  @Test
  public void onADirectLineThePersonaIsNotDiagnosed() {
    // without a NAT between, a gateway without NAT-T serves the client: nothing to diagnose
    ScenarioResult r =
        run(Path.of("testsuites/rfc3947/mm-direct-no-nat.yaml"), PERSONA.iutKnobs(), "direct");
    assertEquals(r.diagnoses(), List.of());
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
