package io.natt.suite;

import java.util.Comparator;
import java.util.List;
import org.testng.IMethodInstance;
import org.testng.IMethodInterceptor;
import org.testng.ITestContext;

/** Runs scenarios in the order of their file paths, so runs and reports read the same each time. */
public final class ScenarioOrder implements IMethodInterceptor {
  @Override
  public List<IMethodInstance> intercept(List<IMethodInstance> methods, ITestContext context) {
    return methods.stream()
        .sorted(
            Comparator.comparing(
                m ->
                    m.getInstance() instanceof ScenarioTest t
                        ? t.file().toString()
                        : m.getMethod().getQualifiedName()))
        .toList();
  }
}
