package io.natt.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.testng.annotations.Test;
import picocli.CommandLine;

public class ValidateListCommandTest {
  static final Path SCENARIOS = Path.of("src/test/resources/fixtures/scenarios");
  static final Path TARGETS = Path.of("src/test/resources/fixtures/targets");

  record Run(int exit, String out) {}

  static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    int exit = cl.execute(args);
    return new Run(exit, out.toString());
  }

  @Test
  public void validateAllGood() {
    Path s = SCENARIOS.resolve("good/mm-float-behind-nat.yaml");
    Path t = TARGETS.resolve("good/bundled-strongswan.yaml");
    Run r =
        run(
            new ValidateCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            s.toString(),
            t.toString());
    assertEquals(r.exit(), 0, r.out());
    assertTrue(r.out().contains("ok   " + s + "\n"), r.out());
    assertTrue(r.out().contains("ok   " + t + "\n"), r.out());
    assertTrue(r.out().contains("note: no/such/requirements.yaml not found"), r.out());
    assertTrue(r.out().endsWith("2 valid, 0 invalid\n"), r.out());
  }

  @Test
  public void validateReportsEachMistakeWithoutStackTraces() throws IOException {
    Path bad = SCENARIOS.resolve("bad/port-501.yaml");
    Path badTarget = TARGETS.resolve("bad/reserved-address.yaml");
    Path neither = Files.createTempFile("neither", ".yaml");
    Files.writeString(neither, "hello: world\n");
    Run r =
        run(
            new ValidateCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            bad.toString(),
            badTarget.toString(),
            neither.toString(),
            "no/such/file.yaml");
    assertEquals(r.exit(), 2, r.out());
    assertTrue(
        r.out().contains(bad + ":20:23: steps[3].send-raw.port: expected one of [500, 4500]"),
        r.out());
    assertTrue(r.out().contains(badTarget + ":3:10: address: 192.0.2.0/24 is reserved"), r.out());
    assertTrue(
        r.out()
            .contains(
                neither
                    + ":1:1: neither a scenario (no 'steps' key), a mutant IUT (no 'breaks'"
                    + " key) nor a target profile (no 'address' key)"),
        r.out());
    assertTrue(r.out().contains("no/such/file.yaml: no such file"), r.out());
    assertTrue(r.out().endsWith("0 valid, 4 invalid\n"), r.out());
    assertTrue(!r.out().contains("Exception") && !r.out().contains("\tat "), r.out());
    Files.delete(neither);
  }

  @Test
  public void validateChecksJudgesAgainstTheCatalog() throws IOException {
    Path catalog = Files.createTempFile("requirements", ".yaml");
    Files.writeString(
        catalog,
        "- id: 3947-3.1-vid\n  level: MUST\n- id: 3947-4-float\n  summary: floats at message 5\n");
    Path s = SCENARIOS.resolve("good/mm-float-behind-nat.yaml");
    Path other = SCENARIOS.resolve("good/minimal.yaml");
    Run ok = run(new ValidateCommand(), "--requirements", catalog.toString(), s.toString());
    assertEquals(ok.exit(), 0, ok.out());
    Run no =
        run(
            new ValidateCommand(),
            "--requirements",
            catalog.toString(),
            SCENARIOS.resolve("good/every-step.yaml").toString(),
            other.toString());
    assertEquals(no.exit(), 2, no.out());
    assertTrue(no.out().contains("unknown requirement id '3947-3.2-natd-hash'"), no.out());
    assertTrue(no.out().endsWith("1 valid, 1 invalid\n"), no.out());
    Files.delete(catalog);
  }

  @Test
  public void listGoodScenarios() {
    Run r =
        run(
            new ListCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            "--suite",
            SCENARIOS.resolve("good").toString());
    assertEquals(r.exit(), 0, r.out());
    assertTrue(r.out().contains("ID"), r.out());
    assertTrue(r.out().contains("3947-mm-float-behind-nat"), r.out());
    assertTrue(r.out().contains("3947-3.1-vid,3947-4-float"), r.out());
    assertTrue(r.out().contains("ikev1,nat-t-rfc3947"), r.out());
    assertTrue(
        r.out().contains("Initiator behind a port-randomising NAT floats to 4500 at..."), r.out());
    assertTrue(r.out().endsWith("12 scenarios, 0 errors\n"), r.out());
  }

  @Test
  public void listSkipsTargetsAndSchemaAndReportsErrorsLast() throws IOException {
    Path suite = io.natt.testutil.TempDirs.create("suite");
    Files.createDirectories(suite.resolve("rfc3947"));
    Files.createDirectories(suite.resolve("targets"));
    Files.createDirectories(suite.resolve("schema"));
    Files.copy(SCENARIOS.resolve("good/minimal.yaml"), suite.resolve("rfc3947/minimal.yaml"));
    Files.copy(
        SCENARIOS.resolve("bad/unknown-step.yaml"), suite.resolve("rfc3947/unknown-step.yaml"));
    Files.writeString(suite.resolve("targets/x.yaml"), "not: a scenario\n");
    Files.writeString(suite.resolve("schema/x.yaml"), "not: a scenario\n");
    Files.writeString(
        suite.resolve("requirements.yaml"), "- id: 3947-3.1-vid\n- id: 3947-4-float\n");
    Run r =
        run(
            new ListCommand(),
            "--requirements",
            suite.resolve("requirements.yaml").toString(),
            "--suite",
            suite.toString());
    assertEquals(r.exit(), 2, r.out());
    assertTrue(r.out().contains("minimal"), r.out());
    assertTrue(
        r.out().contains("errors:\n  " + suite.resolve("rfc3947/unknown-step.yaml") + ":17:5:"),
        r.out());
    assertTrue(r.out().endsWith("1 scenarios, 1 errors\n"), r.out());
    Run missing = run(new ListCommand(), "--suite", suite.resolve("nope").toString());
    assertEquals(missing.exit(), 2);
    assertTrue(missing.out().contains("nope: no such file or folder"), missing.out());
  }

  /** The *.yaml files of a project folder (not below it). */
  static List<Path> yamlIn(String dir) throws IOException {
    try (Stream<Path> s = Files.list(Path.of(dir))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** What a new user does first, from the project's root (the tests' working directory). */
  @Test
  public void listWithoutArgumentsFromTheRootExitsZeroAndShowsMutantsApart() throws IOException {
    Run r = run(new ListCommand());
    assertEquals(r.exit(), 0, r.out());
    int scenarios = yamlIn("testsuites/rfc3947").size() + yamlIn("testsuites/rfc3948").size();
    List<Path> mutants = yamlIn("testsuites/mutants");
    assertTrue(scenarios > 0 && !mutants.isEmpty());
    assertTrue(
        r.out().endsWith(scenarios + " scenarios, " + mutants.size() + " mutant IUTs, 0 errors\n"),
        r.out());
    String[] parts = r.out().split("\nMutant IUTs ", 2);
    assertEquals(parts.length, 2, r.out());
    assertTrue(parts[0].contains("3947-mm-float-behind-nat"), r.out());
    for (Path m : mutants) {
      String name = m.getFileName().toString();
      assertTrue(!parts[0].contains(name), name + " listed among the scenarios");
      assertTrue(parts[1].contains(name), name + " not in the mutants' section");
    }
    assertTrue(
        parts[1].matches("(?s).*no-float\\.yaml +3947-4-float-follow +testsuites/rfc3947/.*"),
        parts[1]);
  }

  @Test
  public void validateWithoutArgumentsFromTheRootExitsZeroAndChecksEveryKind() throws IOException {
    Run r = run(new ValidateCommand());
    assertEquals(r.exit(), 0, r.out());
    List<Path> all = new ArrayList<>();
    for (String d :
        List.of(
            "testsuites/rfc3947",
            "testsuites/rfc3948",
            "testsuites/mutants",
            "testsuites/targets")) {
      all.addAll(yamlIn(d));
    }
    for (Path f : all) {
      assertTrue(r.out().contains("ok   " + f + "\n"), f + " not checked:\n" + r.out());
    }
    assertTrue(r.out().endsWith(all.size() + " valid, 0 invalid\n"), r.out());
  }

  @Test
  public void validateReportsEveryMistakeOfEveryKindInFileOrder() throws IOException {
    Path fixtures = Path.of("src/test/resources/fixtures");
    Path scenario = SCENARIOS.resolve("bad/several-mistakes.yaml");
    Path target = TARGETS.resolve("bad/several-mistakes.yaml");
    Path mutant = fixtures.resolve("mutants/bad/several-mistakes.yaml");
    Path good = fixtures.resolve("mutants/good/no-float.yaml");
    Run r =
        run(
            new ValidateCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            scenario.toString(),
            target.toString(),
            mutant.toString(),
            good.toString());
    assertEquals(r.exit(), 2, r.out());
    for (Path f : List.of(scenario, target, mutant)) {
      String name = f.getFileName().toString().replace(".yaml", ".expected");
      String want =
          Files.readString(f.resolveSibling(name)).strip().replace("{file}", f.toString());
      assertTrue(want.lines().count() >= 5, f.toString());
      assertTrue(r.out().contains(want + "\n"), "want:\n" + want + "\ngot:\n" + r.out());
    }
    assertTrue(r.out().contains("ok   " + good + "\n"), r.out());
    assertTrue(r.out().endsWith("1 valid, 3 invalid\n"), r.out());
    assertTrue(!r.out().contains("Exception") && !r.out().contains("\tat "), r.out());
  }

  @Test
  public void aFolderIsValidatedFileByFileAndAMissingDefaultSuiteIsNamed() throws IOException {
    Run r =
        run(
            new ValidateCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            Path.of("src/test/resources/fixtures/mutants").toString());
    assertEquals(r.exit(), 2, r.out());
    assertTrue(r.out().endsWith("1 valid, 3 invalid\n"), r.out());
  }

  @Test
  public void validateNatChecksWhatTheBackendCanRealise() {
    Path f = SCENARIOS.resolve("good/filtering-endpoint-independent.yaml");
    Run plain = run(new ValidateCommand(), "--requirements", "no/such/requirements.yaml", "" + f);
    assertEquals(plain.exit(), 0, plain.out());
    Run emulated =
        run(
            new ValidateCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            "--nat",
            "emulated",
            "" + f);
    assertEquals(emulated.exit(), 0, emulated.out());
    Run kernel =
        run(
            new ValidateCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            "--nat",
            "kernel",
            "" + f);
    // it loads (the whole suite loads on every backend), and the run would be NOT_APPLICABLE
    assertEquals(kernel.exit(), 0, kernel.out());
    assertTrue(
        kernel
            .out()
            .contains(
                "note: "
                    + f
                    + ": NOT_APPLICABLE on the kernel backend: NAT home: filtering:"
                    + " endpoint-independent is not realised by the kernel backend"),
        kernel.out());
    assertTrue(kernel.out().endsWith("1 valid, 0 invalid\n"), kernel.out());
    Run unknown = run(new ValidateCommand(), "--nat", "netem", "" + f);
    assertEquals(unknown.exit(), 2, unknown.out());
    assertTrue(
        unknown.out().contains("--nat netem: choose one of kernel, emulated"), unknown.out());
  }

  @Test
  public void theSuiteValidatesUnderBothBackends() {
    for (String nat : List.of("kernel", "emulated")) {
      Run r = run(new ValidateCommand(), "--nat", nat, "testsuites");
      assertEquals(r.exit(), 0, nat + ":\n" + r.out());
      assertTrue(r.out().contains(" valid, 0 invalid\n"), r.out());
    }
  }

  @Test
  public void runNeverTakesAMutantForAScenario() throws IOException {
    List<Path> files =
        new io.natt.suite.SuiteSettings(
                Path.of("t.yaml"),
                List.of(Path.of("testsuites")),
                Path.of("r.yaml"),
                Path.of("out"))
            .scenarioFiles();
    assertTrue(
        files.stream().noneMatch(f -> f.startsWith(Path.of("testsuites/mutants"))),
        files.toString());
    assertTrue(
        files.stream().noneMatch(f -> f.startsWith(Path.of("testsuites/targets"))),
        files.toString());
    assertEquals(
        files.size(), yamlIn("testsuites/rfc3947").size() + yamlIn("testsuites/rfc3948").size());
    Path dir = io.natt.testutil.TempDirs.create("suite");
    Files.writeString(
        dir.resolve("stray-mutant.yaml"),
        Files.readString(Path.of("testsuites/mutants/no-float.yaml")));
    Files.copy(SCENARIOS.resolve("good/minimal.yaml"), dir.resolve("minimal.yaml"));
    assertEquals(
        new io.natt.suite.SuiteSettings(
                Path.of("t.yaml"), List.of(dir), Path.of("r.yaml"), Path.of("out"))
            .scenarioFiles(),
        List.of(dir.resolve("minimal.yaml")));
    Files.delete(dir.resolve("stray-mutant.yaml"));
    Files.delete(dir.resolve("minimal.yaml"));
    Files.delete(dir);
  }

  /** natt run loads a scenario before it starts anything: every mistake is in the result. */
  @Test
  public void runReportsEveryMistakeOfAScenarioAndRefusesAMutant() throws IOException {
    io.natt.verdict.Catalog catalog =
        io.natt.verdict.Catalog.load(Path.of("testsuites/requirements.yaml"));
    io.natt.iut.TargetProfile target =
        io.natt.iut.TargetLoader.load(
            Path.of("testsuites/targets/bundled-strongswan.yaml"),
            new java.security.SecureRandom());
    Path out = io.natt.testutil.TempDirs.create("run");
    Path bad = SCENARIOS.resolve("bad/several-mistakes.yaml");
    io.natt.suite.ScenarioResult r =
        io.natt.suite.ScenarioExecution.execute(bad, catalog, target, out, l -> {});
    assertTrue(r.loadError().isPresent());
    String want = Files.readString(SCENARIOS.resolve("bad/several-mistakes.expected"));
    for (String line : want.strip().replace("{file}", bad.toString()).split("\n")) {
      assertTrue(r.loadError().get().contains(line), line + "\nnot in:\n" + r.loadError().get());
    }
    Path mutant = Path.of("testsuites/mutants/no-float.yaml");
    io.natt.suite.ScenarioResult m =
        io.natt.suite.ScenarioExecution.execute(mutant, catalog, target, out, l -> {});
    assertTrue(
        m.loadError().orElse("").contains("this is a mutant IUT file"), m.loadError().toString());
    assertEquals(m.verdict(), io.natt.verdict.Verdict.ERROR);
    try (Stream<Path> s = Files.walk(out)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
