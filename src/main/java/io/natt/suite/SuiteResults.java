package io.natt.suite;

import java.util.ArrayList;
import java.util.List;

/** The results of the scenarios run in this JVM, for the progress lines and the summary. */
public final class SuiteResults {
  private static final List<ScenarioResult> RESULTS = new ArrayList<>();

  private SuiteResults() {}

  public static synchronized void add(ScenarioResult r) {
    RESULTS.add(r);
  }

  public static synchronized List<ScenarioResult> all() {
    return List.copyOf(RESULTS);
  }

  public static synchronized void clear() {
    RESULTS.clear();
  }
}
