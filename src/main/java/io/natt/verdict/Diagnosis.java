package io.natt.verdict;

import java.util.List;

/**
 * A conclusion about the IUT as a whole that a user needs before the requirement-by-requirement
 * verdicts: one finding in the field's words, which explains a group of failures at once (they are
 * its consequences, and a report lists them under it rather than one by one).
 *
 * @param id a stable name, e.g. {@code no-nat-t-behind-nat}
 * @param headline the one sentence a network engineer acts on
 * @param detail what in the trace shows it
 * @param evidence the packets it rests on
 * @param explains the requirements whose FAIL follows from it
 */
public record Diagnosis(
    String id, String headline, String detail, List<Evidence> evidence, List<String> explains) {
  public Diagnosis {
    evidence = List.copyOf(evidence);
    explains = List.copyOf(explains);
  }

  /** Whether a FAIL of {@code requirementId} is a consequence of this diagnosis. */
  public boolean explains(String requirementId) {
    return explains.contains(requirementId);
  }

  /** The requirements that FAILed among {@code judgements} because of this diagnosis. */
  public List<String> failuresExplained(List<Judgement> judgements) {
    return judgements.stream()
        .filter(j -> j.verdict() == Verdict.FAIL && explains(j.id()))
        .map(Judgement::id)
        .toList();
  }

  @Override
  public String toString() {
    return headline + " (" + detail + ")";
  }
}
