package io.natt.verdict;

import java.util.List;

/**
 * One testable requirement of an RFC, in the catalog.
 *
 * @param id stable id from RFC and section, e.g. 3947-4-float
 * @param section the RFC section, e.g. "4"
 * @param summary one line, in our own words
 * @param diagnosis what breaks in the field when a device gets it wrong, and what to look at
 * @param everyTrace judged on every trace, not only on scenarios that name it
 * @param requires PICS items the target must claim, or the verdict is NOT_APPLICABLE
 */
public record Requirement(
    String id,
    int rfc,
    String section,
    Level level,
    String summary,
    String diagnosis,
    boolean everyTrace,
    List<String> requires) {
  /** A link to the section in the RFC text. */
  public String link() {
    return "https://www.rfc-editor.org/rfc/rfc" + rfc + "#section-" + section;
  }
}
