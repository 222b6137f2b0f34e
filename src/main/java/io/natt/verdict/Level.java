package io.natt.verdict;

/** RFC 2119 requirement levels. */
public enum Level {
  MUST,
  SHOULD,
  MAY
}
