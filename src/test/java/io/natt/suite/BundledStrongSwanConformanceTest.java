package io.natt.suite;

import io.natt.scenario.Integration;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * `mvn verify` runs exactly what `natt run` runs: one test per scenario file under testsuites/,
 * against the bundled strongSwan (system properties natt.target, natt.suite; defaults as natt run),
 * several at a time as `natt run` does by default (surefire's dataproviderthreadcount, set in the
 * pom), the ones that wait longest by design first.
 */
public class BundledStrongSwanConformanceTest {
  @BeforeClass
  public void prerequisites() {
    Integration.require();
    System.setProperty(
        SuiteSettings.REPORT, System.getProperty("natt.reports", "reports") + "/conformance");
  }

  @DataProvider(parallel = true)
  public static Object[][] scenarioFiles() {
    Object[][] files = ScenarioTest.scenarioFiles();
    Arrays.sort(
        files,
        Comparator.comparing((Object[] f) -> ScenarioOrder.designedWait((Path) f[0]))
            .reversed()
            .thenComparing(f -> f[0].toString()));
    return files;
  }

  /** The scenario's verdicts are what it and the target expect (see {@link ScenarioTest}). */
  @Test(dataProvider = "scenarioFiles")
  public void conforms(Path file) {
    new ScenarioTest(file).conforms();
  }
}
