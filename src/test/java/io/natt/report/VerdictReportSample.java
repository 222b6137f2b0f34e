package io.natt.report;

import io.natt.verdict.Evidence;
import io.natt.verdict.Judgement;
import io.natt.verdict.Level;
import io.natt.verdict.Requirement;
import io.natt.verdict.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testng.SkipException;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * Scenarios as the suite reports them, one per kind of verdict, for {@link VerdictReportTest}: each
 * test dresses its Allure result with {@link AllureScenarioReport#decorate} and then passes, fails
 * or skips exactly as io.natt.suite.ScenarioTest would (a failure the target lists as known passes
 * the TestNG test). Run any other way than from VerdictReportTest it skips.
 */
public class VerdictReportSample {
  static final String TARGET = "sample-gateway";
  static final Requirement REBIND =
      new Requirement(
          "3947-7-rebind",
          3947,
          "7",
          Level.SHOULD,
          "follow a NAT rebinding learnt from authenticated traffic",
          "road warriors lose the tunnel when the NAT reboots",
          false,
          List.of());
  static final Requirement MARKER =
      new Requirement(
          "3948-2.2-marker",
          3948,
          "2.2",
          Level.MUST,
          "IKE on 4500 carries the non-ESP marker",
          "the peer takes IKE for ESP and drops it",
          true,
          List.of());
  static final Requirement FLOAT =
      new Requirement(
          "3947-4-float-follow",
          3947,
          "4",
          Level.MUST,
          "answer on the port the peer floated to",
          "IKE stops at the NAT",
          false,
          List.of());
  static final Map<String, String> KNOWN = Map.of(REBIND.id(), "FAIL");

  /** Judgements by scenario id, in run order; the test builds the matrix from them. */
  static final Map<String, List<Judgement>> JUDGEMENTS = new LinkedHashMap<>();

  static {
    JUDGEMENTS.put(
        "known-failure",
        List.of(
            Judgement.pass(MARKER, "every IKE message on 4500 had the marker", List.of()),
            Judgement.fail(
                REBIND,
                "the IUT kept sending to the old mapping",
                List.of(
                    Evidence.of(
                        "nat-public.pcap #12", "198.51.100.1:51021", "198.51.100.1:39315")))));
    JUDGEMENTS.put(
        "new-failure",
        List.of(
            Judgement.fail(
                MARKER,
                "Main Mode message 6 came on 4500 without the marker",
                List.of(Evidence.of("harness.pcap #6", "00000000 marker", "cookie")))));
    JUDGEMENTS.put(
        "undecided",
        List.of(Judgement.inconclusive(FLOAT, "the IUT never answered Main Mode message 1")));
    JUDGEMENTS.put("all-pass", List.of(Judgement.pass(FLOAT, "answered on 4500", List.of())));
  }

  @BeforeMethod
  public void onlyFromVerdictReportTest() {
    if (!HtmlReportSample.enabled) {
      throw new SkipException("sample for VerdictReportTest; it runs only from there");
    }
  }

  private static void decorate(String id, Verdict overall, String reason, List<String> mismatches) {
    AllureScenarioReport.decorate(
        new AllureScenarioReport.Content(
            id,
            "sample scenario " + id,
            JUDGEMENTS.getOrDefault(id, List.of()).stream().map(Judgement::id).toList(),
            Map.of("file", id + ".yaml"),
            List.of("role:initiator"),
            List.of(new AllureScenarioReport.StepLine("phase1", "OK", "Main Mode done")),
            JUDGEMENTS.getOrDefault(id, List.of()),
            null,
            List.of(),
            null,
            false,
            new ScenarioStatus.Result(overall, reason, mismatches, TARGET, KNOWN)));
  }

  @Test
  public void knownFailure() {
    // the target lists 3947-7-rebind: FAIL, so the verdicts are as expected: the test passes
    decorate("known-failure", Verdict.FAIL, null, List.of());
  }

  @Test
  public void newFailure() {
    List<String> differ = List.of("3948-2.2-marker: expected PASS, got FAIL (no marker)");
    decorate("new-failure", Verdict.FAIL, null, differ);
    throw new AssertionError("verdicts differ from what new-failure.yaml expects:\n  " + differ);
  }

  @Test
  public void undecided() {
    List<String> differ = List.of("3947-4-float-follow: expected PASS, got INCONCLUSIVE");
    decorate("undecided", Verdict.INCONCLUSIVE, null, differ);
    throw new AssertionError("verdicts differ from what undecided.yaml expects:\n  " + differ);
  }

  @Test
  public void error() {
    String why = "the IUT at 198.51.100.2 did not answer at all, not even a fresh Main Mode";
    decorate("error", Verdict.ERROR, why, List.of());
    throw new AssertionError("ERROR: " + why);
  }

  @Test
  public void notApplicable() {
    String why = "the target does not claim nat-t-draft-02";
    decorate("not-applicable", Verdict.NOT_APPLICABLE, why, List.of());
    throw new SkipException("NOT_APPLICABLE: " + why);
  }

  @Test
  public void allPass() {
    decorate("all-pass", Verdict.PASS, null, List.of());
  }
}
