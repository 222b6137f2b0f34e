package io.natt.suite;

import java.io.PrintStream;
import org.testng.ITestListener;
import org.testng.ITestResult;

/** One line per scenario with its verdict and time, as the run goes. */
public final class ProgressListener implements ITestListener {
  private final PrintStream out;
  private final int total;
  private int done;

  public ProgressListener(PrintStream out, int total) {
    this.out = out;
    this.total = total;
  }

  @Override
  public void onTestSuccess(ITestResult r) {
    line(r);
  }

  @Override
  public void onTestFailure(ITestResult r) {
    line(r);
  }

  @Override
  public void onTestSkipped(ITestResult r) {
    line(r);
  }

  private synchronized void line(ITestResult r) {
    done++;
    if (!(r.getInstance() instanceof ScenarioTest t) || t.result() == null) {
      out.printf("[%2d/%d] %-40s ERROR  %s%n", done, total, r.getName(), r.getThrowable());
      return;
    }
    ScenarioResult s = t.result();
    String extra =
        s.error()
            .map(e -> "  " + e.lines().findFirst().orElse(""))
            .or(() -> s.notApplicable().map(n -> "  " + n))
            .orElse(
                s.mismatches().isEmpty() ? "" : "  differs: " + String.join("; ", s.mismatches()));
    String verdict = s.verdict().name();
    if (s.verdict() == io.natt.verdict.Verdict.FAIL && s.mismatches().isEmpty()) {
      verdict += " (known)";
    }
    out.printf(
        "[%2d/%d] %-40s %-14s %5.1f s%s%n", done, total, s.name(), verdict, s.seconds(), extra);
    out.flush();
  }
}
