package io.natt.report;

import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * How a scenario's verdict shows in the HTML report, whatever its TestNG test did.
 *
 * <p>The TestNG test of a scenario passes when the verdicts are what the scenario and the target
 * profile expect, so a failure that the target profile lists as known passes the test, and Allure
 * would paint it green. Here the scenario's own verdict decides: a FAIL is {@code failed} (marked
 * known, with a category of its own, when the target profile lists every failure), INCONCLUSIVE is
 * {@code broken} (undecided), ERROR is {@code broken}, NOT_APPLICABLE is {@code skipped}. Each
 * message starts with a word that puts it in exactly one category of {@link
 * AllureScenarioReport#CATEGORIES}.
 */
public final class ScenarioStatus {
  /** Start of the message of a failure that the target profile lists as known. */
  static final String KNOWN = "Known non-compliance";

  /** Start of the message of a scenario whose verdicts differ from the expectations. */
  static final String DIFFERS = "Verdicts differ from the expectations";

  /** The scenario's verdict as the report must show it, and whether the failure is known. */
  public record Shown(Status status, String message, boolean known) {}

  /**
   * The outcome of one scenario as the suite saw it.
   *
   * @param overall the scenario's verdict (FAIL if any requirement failed, ...)
   * @param reason the error or the reason it does not apply, if that is its verdict; else null
   * @param mismatches where the verdicts differ from what the scenario and target expect
   * @param target the target profile's name
   * @param knownResults the target profile's known results (requirement id to verdict)
   */
  public record Result(
      Verdict overall,
      String reason,
      List<String> mismatches,
      String target,
      Map<String, String> knownResults) {
    public Result {
      mismatches = List.copyOf(mismatches);
      knownResults = Map.copyOf(knownResults);
    }
  }

  /** What each scenario's Allure result must show, by the result's uuid, until it is written. */
  private static final Map<String, Shown> INTENDED = new ConcurrentHashMap<>();

  private ScenarioStatus() {}

  /** The status and message of a scenario with these judgements. */
  public static Shown shown(Result r, List<Judgement> js) {
    String differs =
        r.mismatches().isEmpty()
            ? ""
            : "\n\n"
                + DIFFERS
                + " of the scenario and the target profile "
                + r.target()
                + ":\n  "
                + String.join("\n  ", r.mismatches());
    return switch (r.overall()) {
      case FAIL -> {
        List<Judgement> failed = only(js, Verdict.FAIL);
        String text =
            failed.stream()
                .map(
                    j ->
                        "FAIL "
                            + j.id()
                            + " ["
                            + j.requirement().level()
                            + "]: "
                            + j.reason()
                            + "\nWhat this breaks in the field: "
                            + j.requirement().diagnosis())
                .collect(Collectors.joining("\n\n"));
        boolean known =
            r.mismatches().isEmpty()
                && failed.stream().allMatch(j -> "FAIL".equals(r.knownResults().get(j.id())));
        if (known) {
          yield new Shown(
              Status.FAILED,
              KNOWN
                  + " (listed in the target profile "
                  + r.target()
                  + ", known-results): the IUT failed "
                  + (failed.size() == 1 ? "a requirement" : failed.size() + " requirements")
                  + ", as measured before.\n\n"
                  + text,
              true);
        }
        yield new Shown(Status.FAILED, text + differs, false);
      }
      case ERROR -> {
        String why =
            r.reason() != null
                ? r.reason()
                : only(js, Verdict.ERROR).stream()
                    .map(j -> j.id() + ": " + j.reason())
                    .collect(Collectors.joining("\n"));
        yield new Shown(Status.BROKEN, "ERROR: " + why, false);
      }
      case INCONCLUSIVE -> {
        String text =
            only(js, Verdict.INCONCLUSIVE).stream()
                .map(j -> j.id() + " [" + j.requirement().level() + "]: " + j.reason())
                .collect(Collectors.joining("\n"));
        yield new Shown(
            Status.BROKEN,
            "INCONCLUSIVE (undecided): the run did not decide these requirements:\n"
                + text
                + differs,
            r.mismatches().isEmpty());
      }
      case NOT_APPLICABLE ->
          new Shown(
              Status.SKIPPED,
              "NOT_APPLICABLE: " + (r.reason() == null ? "" : r.reason()) + differs,
              false);
      case PASS ->
          r.mismatches().isEmpty()
              ? new Shown(Status.PASSED, null, false)
              : new Shown(Status.FAILED, differs.strip(), false);
    };
  }

  private static List<Judgement> only(List<Judgement> js, Verdict v) {
    return js.stream().filter(j -> j.verdict() == v).toList();
  }

  /** Remembers what the Allure result {@code uuid} must show when it is written. */
  static void intend(String uuid, Shown shown) {
    INTENDED.put(uuid, shown);
  }

  /** Gives a result the status and message its scenario's verdict calls for. */
  static void apply(TestResult tr, Shown s) {
    tr.setStatus(s.status());
    StatusDetails d = new StatusDetails().setKnown(s.known());
    if (s.message() != null) {
      d.setMessage(s.message());
    }
    tr.setStatusDetails(d);
  }

  /**
   * An Allure results writer into {@code dir} that writes each scenario's result with the status of
   * its verdict (see the class comment), not with its TestNG outcome. Results of other tests are
   * written unchanged.
   */
  public static AllureResultsWriter resultsWriter(Path dir) {
    FileSystemResultsWriter files = new FileSystemResultsWriter(dir);
    return new AllureResultsWriter() {
      @Override
      public void write(TestResult tr) {
        Shown s = tr.getUuid() == null ? null : INTENDED.remove(tr.getUuid());
        if (s != null) {
          apply(tr, s);
        }
        files.write(tr);
      }

      @Override
      public void write(TestResultContainer c) {
        files.write(c);
      }

      @Override
      public void write(String source, InputStream in) {
        files.write(source, in);
      }
    };
  }
}
