package io.natt.verdict;

import io.natt.trace.Trace;

/** A requirement check: a pure function over a trace. */
@FunctionalInterface
public interface Check {
  Judgement judge(Trace trace, Requirement requirement);
}
