package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/** Results come in the order of a run one at a time; parallel runs start the long waits first. */
public class ScenarioOrderTest {
  static ScenarioResult loadError(String file) {
    return new ScenarioResult(
        Path.of(file),
        Optional.empty(),
        Optional.of("bad"),
        Optional.empty(),
        List.of(),
        List.of());
  }

  @Test
  public void resultsAreListedByFilePathWhateverOrderTheyFinishedIn() {
    List<ScenarioResult> finished =
        List.of(
            loadError("testsuites/rfc3948/b.yaml"),
            loadError("testsuites/rfc3947/z.yaml"),
            loadError("testsuites/rfc3948/a.yaml"),
            loadError("testsuites/rfc3947/a.yaml"));
    assertEquals(
        ConformanceRun.inScenarioOrder(finished).stream().map(r -> r.file().toString()).toList(),
        List.of(
            "testsuites/rfc3947/a.yaml",
            "testsuites/rfc3947/z.yaml",
            "testsuites/rfc3948/a.yaml",
            "testsuites/rfc3948/b.yaml"));
  }

  @Test
  public void designedWaitAddsWaitsKeepaliveTimesAndNatTimeouts() {
    // wait: 6s, expect-keepalive within 2s
    assertEquals(
        ScenarioOrder.designedWait(Path.of("testsuites/rfc3948/keepalive-from-harness.yaml")),
        Duration.ofSeconds(8));
    // nat-expire of a NAT with udp-timeout: 3s
    assertEquals(
        ScenarioOrder.designedWait(Path.of("testsuites/rfc3948/nat-mapping-expiry.yaml")),
        Duration.ofSeconds(3));
    assertEquals(
        ScenarioOrder.designedWait(Path.of("testsuites/rfc3947/mm-direct-no-nat.yaml")),
        Duration.ZERO);
    assertEquals(ScenarioOrder.designedWait(Path.of("no/such/file.yaml")), Duration.ZERO);
  }

  @Test
  public void defaultJobsIsTwiceTheCoresAtMostEight() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(
        ConformanceRun.defaultJobs(), Math.min(2 * cores, ConformanceRun.MAX_DEFAULT_JOBS));
    assertTrue(ConformanceRun.defaultJobs() >= 1);
  }

  @Test
  public void noJobsIsAUsageError() {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    int exit =
        ConformanceRun.run(
            new SuiteSettings(
                Path.of("testsuites/targets/bundled-strongswan.yaml"),
                List.of(Path.of("testsuites/rfc3947/mm-direct-no-nat.yaml")),
                Path.of("testsuites/requirements.yaml"),
                Path.of("target/no-jobs-report")),
            0,
            new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(exit, ConformanceRun.ERROR);
    assertTrue(buf.toString().contains("--jobs 0: give 1 or more"), buf.toString());
  }

  @Test
  public void twoScenarioFilesWithOneIdAreRefusedNamingBoth() throws java.io.IOException {
    Path dir = io.natt.testutil.TempDirs.create("natt-ids");
    Path a = Path.of("testsuites/rfc3947/mm-direct-no-nat.yaml");
    Path copy = dir.resolve("copy.yaml");
    java.nio.file.Files.copy(a, copy);
    try {
      java.util.Set<String> ids =
          io.natt.verdict.Catalog.load(Path.of("testsuites/requirements.yaml")).ids();
      assertEquals(ConformanceRun.sameIds(List.of(a), ids), null);
      String why = ConformanceRun.sameIds(List.of(a, copy), ids);
      assertTrue(why != null && why.contains(a.toString()) && why.contains(copy.toString()), why);
      assertTrue(why.contains("3947-mm-direct-no-nat"), why);
      java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
      int exit =
          ConformanceRun.run(
              new SuiteSettings(
                  Path.of("testsuites/targets/bundled-strongswan.yaml"),
                  List.of(a, copy),
                  Path.of("testsuites/requirements.yaml"),
                  dir.resolve("report")),
              2,
              new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(exit, ConformanceRun.ERROR, buf.toString());
      assertTrue(buf.toString().contains("give each scenario an id of its own"), buf.toString());
    } finally {
      java.nio.file.Files.deleteIfExists(copy);
      java.nio.file.Files.deleteIfExists(dir);
    }
  }
}
