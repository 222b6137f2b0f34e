package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.natt.ike.Knobs;
import io.natt.iut.TargetProfile;
import io.natt.nat.EmulatedTestbed;
import io.natt.scenario.Mutant;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.verdict.Catalog;
import io.natt.verdict.Checks;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Requirement;
import io.natt.verdict.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Self-validation: every check of the catalog has a mutant IUT (the harness's own responder with
 * one deviation) on which it says FAIL, while the same scenario against the compliant emulated IUT
 * does not make it FAIL. Runs on the emulated NAT backend in memory: no root, no namespace, no
 * strongSwan.
 */
public class MutantTest {
  static final Path MUTANTS = Path.of("testsuites/mutants");
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));

  static List<Mutant> mutants() throws IOException {
    try (Stream<Path> s = Files.list(MUTANTS)) {
      return s.filter(p -> p.toString().endsWith(".yaml"))
          .sorted()
          .map(f -> Mutant.load(f, CATALOG.ids()))
          .toList();
    }
  }

  @Test
  public void everyCheckHasAMutantAndEveryRequirementACheck() throws IOException {
    Set<String> catalog = new TreeSet<>(CATALOG.ids());
    assertEquals(new TreeSet<>(Checks.all().keySet()), catalog, "checks and catalog differ");
    Set<String> broken =
        mutants().stream().map(Mutant::breaks).collect(Collectors.toCollection(TreeSet::new));
    Set<String> missing = new TreeSet<>(catalog);
    missing.removeAll(broken);
    assertTrue(missing.isEmpty(), "requirements without a mutant that breaks them: " + missing);
    Set<String> unknown = new TreeSet<>(broken);
    unknown.removeAll(catalog);
    assertTrue(unknown.isEmpty(), "mutants break requirements not in the catalog: " + unknown);
  }

  @DataProvider
  public Object[][] mutantFiles() throws IOException {
    return mutants().stream()
        .map(m -> new Object[] {m.file().getFileName().toString(), m})
        .toArray(Object[][]::new);
  }

  /** The bundled target's addresses and identities, without strongSwan's known results. */
  static TargetProfile target() {
    return io.natt.testutil.BundledTarget.withoutKnownResults();
  }

  static Judgement judge(Mutant m, Knobs iutKnobs, String label) {
    Scenario s = ScenarioLoader.load(m.scenario(), CATALOG.ids());
    Path out = Path.of(System.getProperty("natt.reports", "reports"), "mutants", label);
    Runner.Outcome o =
        Runner.run(
            s,
            target(),
            new Runner.IutLaunch.Emulated(iutKnobs),
            EmulatedTestbed.IN_MEMORY,
            out,
            l -> {});
    if (o.error().isPresent()) {
      fail(label + ": run failed: " + o.error().get());
    }
    List<String> judged = List.of(m.breaks());
    Optional<Judgement> j =
        Judge.judge(o.trace(), CATALOG, judged).stream()
            .filter(x -> x.id().equals(m.breaks()))
            .findFirst();
    Requirement r = CATALOG.get(m.breaks()).orElseThrow();
    return j.orElseThrow(() -> new AssertionError(r.id() + " was not judged on " + label));
  }

  @Test(dataProvider = "mutantFiles")
  public void checkFailsOnItsMutant(String name, Mutant m) {
    Judgement j = judge(m, m.iutKnobs(), name.replace(".yaml", ""));
    assertEquals(
        j.verdict(),
        Verdict.FAIL,
        m.breaks() + " on mutant " + name + ": " + j.reason() + " " + j.evidence());
    assertTrue(!j.evidence().isEmpty() || !j.reason().isBlank(), "a FAIL carries its evidence");
  }

  @Test(dataProvider = "mutantFiles")
  public void checkPassesOnTheCompliantEmulatedIut(String name, Mutant m) {
    Knobs compliant = Knobs.rfc3947().withKeepaliveInterval(Duration.ofSeconds(1));
    Judgement j = judge(m, compliant, name.replace(".yaml", "") + "-control");
    assertEquals(
        j.verdict(),
        Verdict.PASS,
        m.breaks() + " on the compliant IUT: " + j.reason() + " " + j.evidence());
  }
}
