package io.natt.verdict;

/** The outcome of judging one requirement on one trace. */
public enum Verdict {
  /** The IUT did what the requirement asks. */
  PASS,
  /** The IUT did not: non-compliance, with evidence. */
  FAIL,
  /** The behaviour the requirement is about did not happen, so it could not be judged. */
  INCONCLUSIVE,
  /** The target does not claim what the requirement presupposes (PICS). */
  NOT_APPLICABLE,
  /** The harness failed, or the IUT could not be reached: no verdict on the IUT. */
  ERROR
}
