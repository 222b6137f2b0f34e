package io.natt.suite;

import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.testng.IMethodInstance;
import org.testng.IMethodInterceptor;
import org.testng.ITestContext;
import org.testng.xml.XmlSuite;

/**
 * Runs scenarios in the order of their file paths, so runs and reports read the same each time.
 * When they run in parallel ({@code natt run --jobs}), the ones that wait longest by design (a NAT
 * timeout, a wait step) start first, so that they do not finish alone at the end; the matrix and
 * the summary still list them by file path ({@link ConformanceRun#inScenarioOrder}).
 */
public final class ScenarioOrder implements IMethodInterceptor {
  @Override
  public List<IMethodInstance> intercept(List<IMethodInstance> methods, ITestContext context) {
    Comparator<IMethodInstance> byPath = Comparator.comparing(ScenarioOrder::key);
    boolean parallel =
        context.getCurrentXmlTest() != null
            && context.getCurrentXmlTest().getParallel() != null
            && context.getCurrentXmlTest().getParallel() != XmlSuite.ParallelMode.NONE;
    if (parallel) {
      byPath =
          Comparator.comparing(
                  (IMethodInstance m) ->
                      m.getInstance() instanceof ScenarioTest t
                          ? designedWait(t.file())
                          : Duration.ZERO)
              .reversed()
              .thenComparing(byPath);
    }
    return methods.stream().sorted(byPath).toList();
  }

  private static String key(IMethodInstance m) {
    return m.getInstance() instanceof ScenarioTest t
        ? t.file().toString()
        : m.getMethod().getQualifiedName();
  }

  /**
   * How long the scenario waits by design: its wait steps, the time it gives a keepalive, a NAT's
   * UDP timeout for an expiry. Zero when the file does not load (the run reports why).
   */
  static Duration designedWait(Path file) {
    Scenario s;
    try {
      s =
          ScenarioLoader.load(
              file, ScenarioTest.catalog(SuiteSettings.fromSystemProperties().catalog()).ids());
    } catch (RuntimeException e) {
      return Duration.ZERO;
    }
    Duration d = Duration.ZERO;
    for (Scenario.Step step : s.steps()) {
      if (step instanceof Scenario.Step.Wait w) {
        d = d.plus(w.duration());
      } else if (step instanceof Scenario.Step.PlayDead pd) {
        d = d.plus(pd.duration());
      } else if (step instanceof Scenario.Step.ExpectKeepalive k) {
        d = d.plus(k.within());
      } else if (step instanceof Scenario.Step.NatExpire n) {
        Scenario.NatSpec nat = s.topology().nats().get(n.nat());
        if (nat != null) {
          d = d.plus(nat.udpTimeout());
        }
      }
    }
    return d;
  }
}
