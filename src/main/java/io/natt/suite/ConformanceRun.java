package io.natt.suite;

import io.natt.iut.TargetProfile;
import io.natt.report.AllureScenarioReport;
import io.natt.report.ComplianceMatrix;
import io.natt.report.HtmlReport;
import io.natt.report.HtmlReportException;
import io.natt.report.ScenarioStatus;
import io.natt.scenario.Scenario;
import io.natt.sys.Exec;
import io.natt.verdict.Diagnosis;
import io.natt.verdict.Judgement;
import io.natt.verdict.Level;
import io.natt.verdict.Verdict;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testng.TestNG;
import org.testng.xml.XmlSuite;

/**
 * Runs the conformance scenarios through TestNG from code (what `natt run` does), prints progress
 * and a summary, and says what the exit code should be.
 */
public final class ConformanceRun {
  public static final int OK = 0;
  public static final int MUST_FAILED = 1;
  public static final int ERROR = 2;

  /**
   * Nothing failed, but the run did not decide what it had to: a MUST requirement, or a requirement
   * a scenario names, stayed undecided, or no MUST requirement was judged at all.
   */
  public static final int UNDECIDED = 3;

  private ConformanceRun() {}

  /** One scenario after another (--jobs 1). */
  public static int run(SuiteSettings settings, PrintStream out) {
    return run(settings, 1, out);
  }

  /**
   * The largest --jobs that makes sense: scenarios mostly wait (for the IUT, its timers, a NAT
   * timeout), so twice the cores, but at most this many strongSwan instances at once.
   */
  public static final int MAX_DEFAULT_JOBS = 8;

  /** The default of --jobs: twice the number of cores, at most {@link #MAX_DEFAULT_JOBS}. */
  public static int defaultJobs() {
    return Math.max(1, Math.min(2 * Runtime.getRuntime().availableProcessors(), MAX_DEFAULT_JOBS));
  }

  /**
   * The default of --jobs for a run: {@link #defaultJobs()}, but 1 against a remote device (one
   * gateway, configured for one harness identity and inner address: scenarios run at the same time
   * would replace each other's SAs). A profile that cannot be read gets the general default; the
   * run reports its problem.
   */
  public static int defaultJobs(SuiteSettings settings) {
    try {
      return ScenarioTest.target(settings.target()).isRemote() ? 1 : defaultJobs();
    } catch (RuntimeException e) {
      return defaultJobs();
    }
  }

  /**
   * Runs the scenarios, up to {@code jobs} at once (each in namespaces and with an IUT of its own);
   * progress lines come as scenarios finish, numbered by completion, while the matrix, the summary
   * and the report keep the order of the scenario files.
   */
  public static int run(SuiteSettings settings, int jobs, PrintStream out) {
    return run(settings, jobs, false, out);
  }

  /**
   * The same; with {@code acceptKnown}, a MUST requirement that FAILed is not exit 1 when the
   * target's {@code known-results} lists exactly that FAIL for it (a gate that turns red on news
   * only: `natt run --accept-known`). Every FAIL is still reported as one.
   */
  public static int run(SuiteSettings settings, int jobs, boolean acceptKnown, PrintStream out) {
    if (jobs < 1) {
      out.println("natt: --jobs " + jobs + ": give 1 or more");
      return ERROR;
    }
    List<java.nio.file.Path> files = settings.scenarioFiles();
    if (files.isEmpty()) {
      out.println("natt: no scenario files under " + settings.suites());
      return ERROR;
    }
    try {
      ScenarioTest.catalog(settings.catalog());
      ScenarioTest.target(settings.target());
    } catch (RuntimeException e) {
      out.println("natt: " + e.getMessage());
      return ERROR;
    }
    if (jobs > 1 && ScenarioTest.target(settings.target()).isRemote()) {
      out.println(
          "natt: --jobs "
              + jobs
              + ": "
              + settings.target()
              + " is a remote device, one gateway configured for one harness identity and inner"
              + " address; scenarios run at the same time would replace each other's SAs. Against"
              + " it scenarios run one at a time (--jobs 1, the default for a remote device).");
      return ERROR;
    }
    String clash = sameIds(files, ScenarioTest.catalog(settings.catalog()).ids());
    if (clash != null) {
      out.println("natt: " + clash);
      return ERROR;
    }
    settings.toSystemProperties();
    System.setProperty(
        "allure.results.directory", settings.report().resolve("allure-results").toString());
    SuiteResults.clear();
    Path allure = settings.report().resolve("allure-results");
    deleteTree(allure);
    int parallel = Math.min(jobs, files.size());
    out.printf(
        "natt run: %d scenario(s) against %s, %s NAT backend, %s, report in %s%n",
        files.size(),
        settings.target(),
        settings.natFor(ScenarioTest.target(settings.target())),
        parallel == 1 ? "one at a time" : parallel + " at a time",
        settings.report());
    TestNG tng = new TestNG(true);
    tng.setTestClasses(new Class<?>[] {ScenarioTest.class});
    tng.setOutputDirectory(settings.report().resolve("testng").toString());
    tng.setVerbose(0);
    tng.setDefaultSuiteName("natt conformance");
    tng.setDefaultTestName(settings.target().getFileName().toString());
    tng.addListener(new ProgressListener(out, files.size()));
    if (parallel > 1) {
      // one TestNG instance per scenario file: instances run on a pool of this many threads; each
      // scenario builds its own namespaces and IUT, and Allure keeps a test case per thread
      tng.setParallel(XmlSuite.ParallelMode.INSTANCES);
      tng.setThreadCount(parallel);
    }
    // a lifecycle of this run's own, so results land in this report even inside another TestNG run
    AllureLifecycle previous = Allure.getLifecycle();
    // its writer shows each scenario with the status of its verdict (a known FAIL is failed, not
    // green)
    Allure.setLifecycle(new AllureLifecycle(ScenarioStatus.resultsWriter(allure)));
    try {
      tng.run();
    } finally {
      Allure.setLifecycle(previous);
    }
    List<ScenarioResult> results = inScenarioOrder(SuiteResults.all());
    TargetProfile target = ScenarioTest.target(settings.target());
    ComplianceMatrix matrix = matrix(target, results);
    writeOutputs(settings.report(), matrix, target, out);
    out.println();
    out.println(matrix.statement());
    printSummary(results, out);
    html(settings.report(), out);
    if (results.size() < files.size()) {
      out.println(
          "natt: only " + results.size() + " of " + files.size() + " scenarios produced a result");
      return ERROR;
    }
    Map<String, String> accepted = acceptKnown ? target.knownResults() : Map.of();
    int code = exitCode(results, matrix, accepted);
    List<String> known = knownMustFailures(results, accepted);
    out.println();
    String accepting =
        "the FAIL of MUST "
            + String.join(", ", known)
            + " is listed in "
            + settings.target()
            + " known-results and accepted (--accept-known)";
    out.println(
        "natt: exit "
            + code
            + " ("
            + (known.isEmpty()
                ? meaning(code)
                : code == OK
                    ? "no MUST requirement failed but the known ones, nothing left undecided: "
                        + accepting
                    : meaning(code) + "; " + accepting)
            + ")");
    return code;
  }

  /**
   * Two scenario files with the same id would write the same report folder (at the same time with
   * --jobs) and give the matrix two columns of one name: what is wrong, or null. Files that do not
   * load are left to the run, which reports them.
   */
  static String sameIds(List<Path> files, java.util.Set<String> requirementIds) {
    Map<String, Path> seen = new LinkedHashMap<>();
    for (Path f : files) {
      String id;
      try {
        id = io.natt.scenario.ScenarioLoader.load(f, requirementIds).id();
      } catch (RuntimeException e) {
        continue;
      }
      Path before = seen.putIfAbsent(id, f);
      if (before != null) {
        return "scenario id "
            + id
            + " is in both "
            + before
            + " and "
            + f
            + ": give each scenario an id of its own";
      }
    }
    return null;
  }

  /**
   * The results in the order a run one at a time has them ({@link ScenarioOrder}: by file path),
   * whatever order they finished in.
   */
  static List<ScenarioResult> inScenarioOrder(List<ScenarioResult> results) {
    return results.stream()
        .sorted(java.util.Comparator.comparing(r -> r.file().toString()))
        .toList();
  }

  /** The exit code in words, as `natt run --help` explains it. */
  static String meaning(int code) {
    return switch (code) {
      case OK -> "every MUST requirement judged passed, nothing left undecided";
      case MUST_FAILED -> "a MUST requirement failed";
      case ERROR -> "set-up or harness error: no verdict on the IUT for at least one scenario";
      case UNDECIDED -> "undecided: nothing failed, but the run did not decide what it had to";
      default -> "unknown";
    };
  }

  static int exitCode(List<ScenarioResult> results) {
    return exitCode(results, matrix("", results));
  }

  static ComplianceMatrix matrix(TargetProfile target, List<ScenarioResult> results) {
    return matrix(target.name(), results);
  }

  static ComplianceMatrix matrix(String iut, List<ScenarioResult> results) {
    List<ComplianceMatrix.Column> cols = new ArrayList<>();
    for (ScenarioResult r : results) {
      cols.add(
          new ComplianceMatrix.Column(
              r.name(),
              r.scenario().map(Scenario::title).orElse(r.file().toString()),
              r.verdict(),
              r.judgements(),
              r.diagnoses()));
    }
    return new ComplianceMatrix(iut, Instant.now().truncatedTo(ChronoUnit.SECONDS), cols);
  }

  static void writeOutputs(Path report, ComplianceMatrix m, TargetProfile target, PrintStream out) {
    try {
      Files.createDirectories(report);
      Files.writeString(report.resolve("matrix.md"), m.toMarkdown());
      Files.writeString(report.resolve("matrix.json"), m.toJson());
    } catch (IOException e) {
      out.println("natt: cannot write the matrix under " + report + ": " + e.getMessage());
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("IUT", target.name() + " (" + target.address().getHostAddress() + ")");
    env.put("IUT version", iutVersion(target));
    env.put("IUT claims", String.join(", ", target.claims()));
    env.put("Harness", "natt-conformance " + harnessVersion());
    env.put("Host", hostName());
    env.put("Java", System.getProperty("java.version"));
    AllureScenarioReport.writeExtras(
        report.resolve("allure-results"), env, m, target.knownResults());
  }

  /** The single-file HTML report: reports/html/index.html, copied to reports/index.html. */
  static void html(Path report, PrintStream out) {
    try {
      Path index = HtmlReport.generate(report.resolve("allure-results"), report.resolve("html"));
      Path top = report.resolve("index.html");
      Files.copy(index, top, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      out.println();
      out.println("HTML report: " + top.toAbsolutePath() + " (opens from file://, no network)");
      out.println("Matrix: " + report.resolve("matrix.md") + ", " + report.resolve("matrix.json"));
      out.println("JUnit XML: " + report.resolve("testng/junitreports"));
    } catch (HtmlReportException | IOException e) {
      out.println("natt: no HTML report: " + e.getMessage());
    }
  }

  static String iutVersion(TargetProfile t) {
    return io.natt.iut.Iuts.version(t);
  }

  static String harnessVersion() {
    String v = ConformanceRun.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  static String hostName() {
    Exec.Result r = Exec.run("hostname");
    return r.ok() ? r.output().strip() : "unknown";
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * 2 when a scenario ended in ERROR (set-up, proposal refused, IUT unreachable), else 1 when a
   * MUST requirement failed, else 3 when something the run had to decide stayed undecided (a MUST
   * requirement, a scenario's named requirement, or no MUST requirement judged at all), else 0.
   */
  static int exitCode(List<ScenarioResult> results, ComplianceMatrix matrix) {
    return exitCode(results, matrix, Map.of());
  }

  /**
   * The exit code; a MUST FAIL of a requirement that {@code accepted} (the target's known results,
   * with --accept-known) lists as FAIL does not make it 1.
   */
  static int exitCode(
      List<ScenarioResult> results, ComplianceMatrix matrix, Map<String, String> accepted) {
    if (results.stream().anyMatch(r -> r.verdict() == Verdict.ERROR)) {
      return ERROR;
    }
    boolean mustFailed =
        results.stream()
            .flatMap(r -> r.judgements().stream())
            .anyMatch(j -> mustFail(j) && !knownFail(j, accepted));
    if (mustFailed) {
      return MUST_FAILED;
    }
    boolean undecided =
        results.stream().anyMatch(r -> !r.undecided().isEmpty())
            || !matrix.ids(Level.MUST, ComplianceMatrix.Outcome.UNDECIDED).isEmpty()
            || matrix.ids(Level.MUST, ComplianceMatrix.Outcome.PASSED).isEmpty();
    return undecided ? UNDECIDED : OK;
  }

  private static boolean mustFail(Judgement j) {
    return j.verdict() == Verdict.FAIL && j.requirement().level() == Level.MUST;
  }

  private static boolean knownFail(Judgement j, Map<String, String> accepted) {
    return "FAIL".equals(accepted.get(j.id()));
  }

  /** The MUST requirements that FAILed as {@code accepted} says they do, sorted. */
  static List<String> knownMustFailures(
      List<ScenarioResult> results, Map<String, String> accepted) {
    return results.stream()
        .flatMap(r -> r.judgements().stream())
        .filter(j -> mustFail(j) && knownFail(j, accepted))
        .map(Judgement::id)
        .distinct()
        .sorted()
        .toList();
  }

  static void printSummary(List<ScenarioResult> results, PrintStream out) {
    out.println();
    out.println("Summary by requirement (scenarios with each verdict):");
    Map<String, Map<Verdict, Integer>> byReq = new LinkedHashMap<>();
    Map<String, String> level = new LinkedHashMap<>();
    for (ScenarioResult r : results) {
      for (Judgement j : r.judgements()) {
        byReq
            .computeIfAbsent(j.id(), k -> new EnumMap<>(Verdict.class))
            .merge(j.verdict(), 1, Integer::sum);
        level.put(j.id(), j.requirement().level().name());
      }
    }
    out.printf(
        "  %-28s %-6s %5s %5s %5s %5s %5s%n",
        "requirement", "level", "PASS", "FAIL", "INC", "N/A", "ERR");
    for (var e : byReq.entrySet()) {
      Map<Verdict, Integer> c = e.getValue();
      out.printf(
          "  %-28s %-6s %5d %5d %5d %5d %5d%n",
          e.getKey(),
          level.get(e.getKey()),
          c.getOrDefault(Verdict.PASS, 0),
          c.getOrDefault(Verdict.FAIL, 0),
          c.getOrDefault(Verdict.INCONCLUSIVE, 0),
          c.getOrDefault(Verdict.NOT_APPLICABLE, 0),
          c.getOrDefault(Verdict.ERROR, 0));
    }
    Map<Verdict, Integer> scen = new EnumMap<>(Verdict.class);
    results.forEach(r -> scen.merge(r.verdict(), 1, Integer::sum));
    out.println();
    out.println("Scenarios: " + scen + ", " + results.size() + " in all");
    for (ScenarioResult r : results) {
      for (Diagnosis d : r.diagnoses()) {
        out.println("  DIAGNOSIS in " + r.name() + ": " + d.headline());
        out.println("       " + d.detail());
        d.evidence().forEach(ev -> out.println("       " + ev));
        List<String> follows = d.failuresExplained(r.judgements());
        if (!follows.isEmpty()) {
          out.println("       failures that follow from it: " + String.join(", ", follows));
        }
      }
      for (Judgement j : r.judgements()) {
        if (j.verdict() == Verdict.FAIL
            && r.diagnoses().stream().noneMatch(d -> d.explains(j.id()))) {
          out.println(
              "  FAIL "
                  + j.id()
                  + " ["
                  + j.requirement().level()
                  + "] in "
                  + r.name()
                  + ": "
                  + j.reason());
          j.evidence().forEach(ev -> out.println("       " + ev));
          out.println("       why it matters: " + j.requirement().diagnosis());
        }
      }
      r.error().ifPresent(e -> out.println("  ERROR in " + r.name() + ": " + e));
      for (String u : r.undecided()) {
        out.println("  UNDECIDED in " + r.name() + ": " + u);
      }
    }
  }
}
