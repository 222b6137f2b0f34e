package io.natt.scenario;

import io.natt.iut.TargetProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The proposals a run offers: the scenario's own, unless the target profile lists what the device
 * accepts and the scenario's proposal is not among them. Then the scenario's {@code
 * if-not-accepted} decides: NOT_APPLICABLE (the scenario is about that proposal) or the target's
 * first listed proposal (the scenario is about NAT-T, any accepted proposal will do).
 *
 * @param notes one line per substitution, for the trace and the report
 * @param notApplicable why the scenario does not apply, when its proposal is not accepted and it
 *     asks for NOT_APPLICABLE
 */
public record ProposalChoice(
    String phase1, String esp, List<String> notes, Optional<String> notApplicable) {

  public static ProposalChoice of(Scenario.IkeSpec spec, TargetProfile target) {
    List<String> notes = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    String p1 = choose("phase-1", spec.proposal(), target.phase1Proposals(), spec, notes, refused);
    String esp = choose("ESP", spec.espProposal(), target.espProposals(), spec, notes, refused);
    Optional<String> na =
        refused.isEmpty()
            ? Optional.empty()
            : Optional.of(
                target.name()
                    + " does not accept the "
                    + String.join(" nor the ", refused)
                    + " (its profile lists what it accepts), and the scenario is about that"
                    + " proposal (if-not-accepted: not-applicable)");
    return new ProposalChoice(p1, esp, List.copyOf(notes), na);
  }

  private static String choose(
      String what,
      String proposal,
      List<String> accepted,
      Scenario.IkeSpec spec,
      List<String> notes,
      List<String> refused) {
    if (accepted.isEmpty() || accepted.contains(proposal)) {
      return proposal;
    }
    if (spec.ifNotAccepted() == Scenario.IfNotAccepted.NOT_APPLICABLE) {
      refused.add(what + " proposal " + proposal);
      return proposal;
    }
    notes.add(
        "the target does not list the "
            + what
            + " proposal "
            + proposal
            + " among those it accepts "
            + accepted
            + ": using "
            + accepted.get(0)
            + " (if-not-accepted: use-accepted)");
    return accepted.get(0);
  }
}
