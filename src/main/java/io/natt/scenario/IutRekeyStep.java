package io.natt.scenario;

import io.natt.iut.Iut;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The step iut-rekey: the IUT is asked to rekey its ESP SA (or, iut-rekey: ike, its IKE SA) with
 * the harness, so that it starts a Quick Mode (a phase 1) itself. The harness does not answer it
 * (it only initiates), so the IUT retransmits; where those messages go is what 3947-4-float-follow
 * judges for messages the IUT starts.
 */
final class IutRekeyStep {
  /** How long the harness listens after asking: the first send and a retransmission or two. */
  static final Duration LISTEN = Duration.ofSeconds(6);

  private IutRekeyStep() {}

  static String run(Iut iut, boolean ike, Consumer<Duration> drain) {
    Optional<String> how = iut == null ? Optional.empty() : iut.rekey(ike);
    if (how.isEmpty()) {
      throw new Runner.StepFailed(
          "this IUT cannot be asked to rekey (a target launched by natt as strongswan can; give"
              + " the scenario applies-when: ["
              + Iut.REKEY_CLAIM
              + "] so that others are NOT_APPLICABLE)");
    }
    drain.accept(LISTEN);
    return "asked the IUT (" + how.get() + "), listened " + LISTEN.toSeconds() + " s";
  }
}
