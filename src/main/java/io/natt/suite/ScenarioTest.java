package io.natt.suite;

import io.natt.iut.TargetLoader;
import io.natt.iut.TargetProfile;
import io.natt.verdict.Catalog;
import io.natt.yaml.LoadException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.testng.ITest;
import org.testng.SkipException;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Factory;
import org.testng.annotations.Listeners;
import org.testng.annotations.Test;

/**
 * One TestNG test per scenario file. The test fails when a verdict differs from what the scenario
 * expects (PASS unless it says otherwise), or when the run hit an error; it is skipped when the
 * scenario does not apply to the target.
 */
@Listeners(ScenarioOrder.class)
public class ScenarioTest implements ITest {
  private static final Map<Path, TargetProfile> TARGETS = new HashMap<>();
  private static final Map<Path, Catalog> CATALOGS = new HashMap<>();

  private final Path file;
  private ScenarioResult result;

  @Factory(dataProvider = "scenarioFiles")
  public ScenarioTest(Path file) {
    this.file = file;
  }

  @DataProvider
  public static Object[][] scenarioFiles() {
    List<Path> files = SuiteSettings.fromSystemProperties().scenarioFiles();
    return files.stream().map(f -> new Object[] {f}).toArray(Object[][]::new);
  }

  @Override
  public String getTestName() {
    return file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
  }

  public Path file() {
    return file;
  }

  public ScenarioResult result() {
    return result;
  }

  static synchronized TargetProfile target(Path p) {
    return TARGETS.computeIfAbsent(p, x -> TargetLoader.load(x, new SecureRandom()));
  }

  static synchronized Catalog catalog(Path p) {
    return CATALOGS.computeIfAbsent(p, Catalog::load);
  }

  /** Key tables are written when asked; by default only for the bundled IUT (per-run secrets). */
  static boolean exportKeys(TargetProfile t) {
    return Boolean.parseBoolean(
        System.getProperty("natt.exportKeys", String.valueOf(t.launchesStrongSwan())));
  }

  @Test
  public void conforms() {
    requireProcessNamespace("before");
    try {
      check();
    } finally {
      requireProcessNamespace("after");
    }
  }

  /**
   * A test thread (with --jobs, one of a pool that runs scenario after scenario) must be in the
   * process's own network namespace: only the namespaces' own executor threads enter one. A thread
   * left in another scenario's namespace would open sockets and run commands there.
   */
  private void requireProcessNamespace(String when) {
    String here = io.natt.sys.NetNs.ofThisThread();
    String home = io.natt.sys.NetNs.ofProcess();
    if (!here.equals(home)) {
      throw new AssertionError(
          "ERROR: harness fault: the thread running "
              + file
              + " is in network namespace "
              + here
              + " "
              + when
              + " the scenario, not in the process's own "
              + home);
    }
  }

  private void check() {
    SuiteSettings s = SuiteSettings.fromSystemProperties();
    TargetProfile target;
    try {
      target = target(s.target());
    } catch (LoadException e) {
      throw new AssertionError("target profile: " + e.getMessage());
    }
    result =
        ScenarioExecution.execute(
            file,
            catalog(s.catalog()),
            target,
            s.natFor(target),
            s.report().resolve("scenarios"),
            line -> {});
    SuiteResults.add(result);
    ScenarioReports.write(result, target, exportKeys(target), s.report().resolve("scenarios"));
    if (result.loadError().isPresent()) {
      throw new AssertionError(result.loadError().get());
    }
    if (result.notApplicable().isPresent()) {
      throw new SkipException("NOT_APPLICABLE: " + result.notApplicable().get());
    }
    if (result.error().isPresent()) {
      throw new AssertionError("ERROR: " + result.error().get());
    }
    if (!result.mismatches().isEmpty()) {
      throw new AssertionError(
          "verdicts differ from what "
              + file
              + " expects:\n  "
              + String.join("\n  ", result.mismatches()));
    }
  }
}
