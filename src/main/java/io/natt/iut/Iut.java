package io.natt.iut;

import io.natt.nat.Testbed;

/**
 * A started implementation under test: what it says about its state and its log for the report, its
 * version, and how to stop it. A {@link Launcher} starts one on a testbed; {@link Iuts#launcher}
 * picks the launcher a target profile's {@code launch} asks for.
 */
public interface Iut extends AutoCloseable {
  /** Starts an IUT for a target on a testbed's IUT host. */
  @FunctionalInterface
  interface Launcher {
    /** Starts it; a SetupException (with the IUT's log where there is one) when it cannot. */
    Iut start(Testbed testbed, TargetProfile target);
  }

  /** Its state at the end of a run, as it reports it (e.g. its SAs). */
  String status();

  /** Its log so far. */
  String log();

  /**
   * Whether the IUT has said that it installed the ESP SA whose inbound SPI (the harness's
   * outbound) is given; empty when it cannot tell (then a caller waits a fixed time instead).
   */
  default java.util.Optional<Boolean> childSaInstalled(long inboundSpi) {
    return java.util.Optional.empty();
  }

  /**
   * Asks the IUT to start, itself, a rekey of its SA with the harness: of the ESP SA (a Quick Mode)
   * or, with {@code ike}, of the IKE SA (a new phase 1). RFC 3947 section 4: what it starts after
   * the float goes from 4500 to the peer's (4500, Y). Returns how it was asked; empty when this
   * kind of IUT cannot be asked (then a target does not claim {@value #REKEY_CLAIM}).
   */
  default java.util.Optional<String> rekey(boolean ike) {
    return java.util.Optional.empty();
  }

  /** The PICS item of a target whose IUT can be asked to rekey ({@link #rekey()}). */
  String REKEY_CLAIM = "iut-rekey-on-request";

  /**
   * Makes the IUT start an IKE SA and a CHILD_SA towards the harness (the harness is the
   * responder); returns at once, the negotiation goes on in the background. Returns what it did in
   * a few words for the trace. A SetupException when this IUT cannot be made to initiate.
   */
  default String initiate(Initiation i) {
    throw new io.natt.sys.SetupException(
        "this IUT cannot be made to initiate (the harness as responder needs it)");
  }

  /** Which implementation and version it is, for the report's environment. */
  String version();

  /** Stops it (only what this object started) and removes its files; safe to call twice. */
  @Override
  void close();
}
