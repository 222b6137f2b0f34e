package io.natt.verdict;

import java.util.List;

/** The verdict on one requirement with its reason and evidence. */
public record Judgement(
    Requirement requirement, Verdict verdict, String reason, List<Evidence> evidence) {
  public Judgement {
    evidence = List.copyOf(evidence);
  }

  public static Judgement pass(Requirement r, String reason, List<Evidence> ev) {
    return new Judgement(r, Verdict.PASS, reason, ev);
  }

  public static Judgement fail(Requirement r, String reason, List<Evidence> ev) {
    return new Judgement(r, Verdict.FAIL, reason, ev);
  }

  /** PASS when the check found nothing wrong, FAIL with the findings as evidence otherwise. */
  public static Judgement byFindings(
      Requirement r, List<Evidence> wrong, String passReason, String failReason) {
    return wrong.isEmpty() ? pass(r, passReason, List.of()) : fail(r, failReason, wrong);
  }

  public static Judgement inconclusive(Requirement r, String reason) {
    return new Judgement(r, Verdict.INCONCLUSIVE, reason, List.of());
  }

  public static Judgement notApplicable(Requirement r, String reason) {
    return new Judgement(r, Verdict.NOT_APPLICABLE, reason, List.of());
  }

  public String id() {
    return requirement.id();
  }

  @Override
  public String toString() {
    return id() + " " + verdict + ": " + reason;
  }
}
