package io.natt.suite;

import io.natt.scenario.Integration;
import java.nio.file.Path;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Factory;

/**
 * `mvn verify` runs exactly what `natt run` runs: one test per scenario file under testsuites/,
 * against the bundled strongSwan (system properties natt.target, natt.suite; defaults as natt run).
 */
public class BundledStrongSwanConformanceTest extends ScenarioTest {
  @Factory(dataProvider = "scenarioFiles", dataProviderClass = ScenarioTest.class)
  public BundledStrongSwanConformanceTest(Path file) {
    super(file);
  }

  @BeforeClass
  public void prerequisites() {
    Integration.require();
    System.setProperty(
        SuiteSettings.REPORT, System.getProperty("natt.reports", "reports") + "/conformance");
  }
}
