package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.scenario.Integration;
import io.natt.sys.Exec;
import io.natt.testutil.Json;
import io.natt.verdict.Judgement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * `natt run --jobs 3` against the bundled strongSwan gives what `--jobs 1` gives: the same verdict
 * for every scenario and every requirement, the same matrix and exit code, one whole progress line
 * per scenario, and no namespace left behind.
 */
public class ParallelRunEquivalenceTest {
  static final Path REPORTS =
      Path.of(System.getProperty("natt.reports", "reports"), "it-jobs").toAbsolutePath();
  static final List<Path> SCENARIOS =
      List.of(
          Path.of("testsuites/rfc3947/mm-float-behind-nat.yaml"),
          Path.of("testsuites/rfc3947/mm-direct-no-nat.yaml"),
          Path.of("testsuites/rfc3947/nat-rebinding.yaml"),
          Path.of("testsuites/rfc3948/garbage-on-4500.yaml"),
          Path.of("testsuites/rfc3948/iut-keepalive.yaml"));

  /** What one run gave. */
  record Run(
      int exit,
      String output,
      Map<String, String> verdicts,
      Map<String, String> requirements,
      String matrix) {}

  Run serial;
  Run parallel;

  @BeforeClass
  public void runBoth() throws IOException {
    Integration.require();
    serial = run(1);
    parallel = run(3);
  }

  static Run run(int jobs) throws IOException {
    Path report = REPORTS.resolve("jobs-" + jobs);
    ConformanceRun.deleteTree(report);
    SuiteSettings s =
        new SuiteSettings(
            ConformanceRunReportTest.TARGET,
            SCENARIOS,
            Path.of("testsuites/requirements.yaml"),
            report);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String before = System.getProperty("allure.results.directory");
    int exit;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      exit = ConformanceRun.run(s, jobs, out);
    } finally {
      if (before != null) {
        System.setProperty("allure.results.directory", before);
      }
    }
    Map<String, String> verdicts = new LinkedHashMap<>();
    Map<String, String> requirements = new LinkedHashMap<>();
    for (ScenarioResult r : ConformanceRun.inScenarioOrder(SuiteResults.all())) {
      verdicts.put(r.name(), r.verdict().name());
      for (Judgement j : r.judgements()) {
        requirements.put(r.name() + " " + j.id(), j.verdict().name());
      }
    }
    // the matrix, its statement and each failure's headline, without the time of the run; the
    // evidence below a failure names NAT ports and frame numbers that differ from run to run
    String matrix =
        String.join(
            "\n",
            Files.readString(report.resolve("matrix.md"))
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ", "<time>")
                .lines()
                .filter(l -> !l.startsWith("  "))
                .toList());
    return new Run(exit, buf.toString(StandardCharsets.UTF_8), verdicts, requirements, matrix);
  }

  @Test
  public void sameVerdictsPerScenarioAndRequirement() {
    assertEquals(serial.verdicts().size(), SCENARIOS.size(), serial.output());
    assertEquals(parallel.verdicts(), serial.verdicts(), parallel.output());
    assertFalse(serial.requirements().isEmpty(), serial.output());
    assertEquals(parallel.requirements(), serial.requirements(), parallel.output());
    assertTrue(
        serial.verdicts().values().stream().noneMatch(v -> v.equals("ERROR")),
        "a harness error makes the comparison empty: " + serial.output());
  }

  @Test
  public void sameMatrixAndExitCode() {
    assertEquals(parallel.exit(), serial.exit(), parallel.output());
    assertEquals(parallel.matrix(), serial.matrix());
  }

  @Test
  public void oneWholeProgressLinePerScenario() {
    for (Run r : List.of(serial, parallel)) {
      Pattern line =
          Pattern.compile(
              "^\\[ ?(\\d+)/(\\d+)\\] (\\S+) +(PASS|FAIL|INCONCLUSIVE|NOT_APPLICABLE|ERROR)\\b.* s\\b.*$");
      List<String> names = new ArrayList<>();
      TreeSet<Integer> counts = new TreeSet<>();
      for (String l : r.output().split("\n")) {
        if (!l.startsWith("[")) {
          continue;
        }
        Matcher m = line.matcher(l);
        assertTrue(m.matches(), "not a whole progress line: '" + l + "'\n" + r.output());
        assertEquals(Integer.parseInt(m.group(2)), SCENARIOS.size(), l);
        counts.add(Integer.parseInt(m.group(1)));
        names.add(m.group(3));
      }
      assertEquals(names.size(), SCENARIOS.size(), r.output());
      assertEquals(new TreeSet<>(names), new TreeSet<>(r.verdicts().keySet()), r.output());
      assertEquals(counts.first(), Integer.valueOf(1), r.output());
      assertEquals(counts.last(), Integer.valueOf(SCENARIOS.size()), r.output());
      assertEquals(counts.size(), SCENARIOS.size(), "each count once: " + r.output());
    }
    assertTrue(parallel.output().contains(", 3 at a time,"), parallel.output());
    assertTrue(serial.output().contains(", one at a time,"), serial.output());
  }

  /**
   * Allure keeps the running test case per thread: in the parallel run, the capture attached to
   * each scenario's result is that scenario's own capture, byte for byte.
   */
  @Test
  public void eachScenarioReportHoldsItsOwnCapture() throws IOException {
    Path results = REPORTS.resolve("jobs-3").resolve("allure-results");
    int checked = 0;
    try (var files = Files.list(results)) {
      for (Path f : files.filter(p -> p.toString().endsWith("-result.json")).toList()) {
        Map<?, ?> result = (Map<?, ?>) Json.parse(Files.readString(f));
        String id = String.valueOf(result.get("name")).split(":")[0];
        Object atts = result.get("attachments");
        if (!(atts instanceof List<?> list)) {
          continue;
        }
        for (Object a : list) {
          Map<?, ?> att = (Map<?, ?>) a;
          if (!"harness.pcap".equals(att.get("name"))) {
            continue;
          }
          Path own = REPORTS.resolve("jobs-3").resolve("scenarios").resolve(id).resolve("captures");
          assertEquals(
              Files.readAllBytes(results.resolve(String.valueOf(att.get("source")))),
              Files.readAllBytes(own.resolve("harness.pcap")),
              "the capture attached to " + id + " is not its own");
          checked++;
        }
      }
    }
    assertEquals(checked, SCENARIOS.size(), "one harness capture per scenario");
  }

  @Test
  public void noNamespaceLeft() {
    String prefix = "natt-" + ProcessHandle.current().pid() + "-";
    String ns = Exec.run("ip", "netns", "list").output();
    assertFalse(ns.contains(prefix), "namespaces left: " + ns);
  }
}
