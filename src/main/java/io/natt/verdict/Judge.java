package io.natt.verdict;

import io.natt.trace.Trace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Runs the checks of a catalog over a trace. */
public final class Judge {
  private Judge() {}

  /**
   * Judges every requirement named in {@code judged} plus every every-trace requirement. PICS: a
   * requirement whose {@code requires} items the target does not all claim is NOT_APPLICABLE. A
   * check that throws gives ERROR (a harness fault), never a verdict on the IUT.
   */
  public static List<Judgement> judge(Trace trace, Catalog catalog, Collection<String> judged) {
    Set<String> claims = trace.context().claims();
    List<Judgement> out = new ArrayList<>();
    for (Requirement r : catalog.requirements()) {
      if (!r.everyTrace() && !judged.contains(r.id())) {
        continue;
      }
      List<String> missing = r.requires().stream().filter(c -> !claims.contains(c)).toList();
      if (!missing.isEmpty()) {
        out.add(Judgement.notApplicable(r, "the target does not claim " + missing));
        continue;
      }
      Check c = Checks.get(r.id()).orElse(null);
      if (c == null) {
        out.add(new Judgement(r, Verdict.ERROR, "no check implements " + r.id(), List.of()));
        continue;
      }
      try {
        out.add(c.judge(trace, r));
      } catch (RuntimeException e) {
        out.add(new Judgement(r, Verdict.ERROR, "the check failed: " + e, List.of()));
      }
    }
    return out;
  }
}
