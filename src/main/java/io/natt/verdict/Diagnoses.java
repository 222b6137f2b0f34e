package io.natt.verdict;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.NatDPayload;
import io.natt.wire.NatTVariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The diagnoses of a trace: pure functions, like the checks, that say what the IUT is rather than
 * which clause it breaks.
 */
public final class Diagnoses {
  /** The id of the diagnosis of a gateway without NAT-T, met from behind a NAT. */
  public static final String NO_NAT_T_BEHIND_NAT = "no-nat-t-behind-nat";

  /** The one sentence of that diagnosis. */
  public static final String NO_NAT_T_HEADLINE =
      "This gateway cannot serve clients behind a NAT; IPsec through this NAT will fail.";

  /** What fails, one by one, when a gateway without NAT-T is met through a NAT. */
  static final List<String> NO_NAT_T_CONSEQUENCES =
      List.of(
          "3947-3.1-vid",
          "3947-3.2-natd-present",
          "3947-4-float-follow",
          "3947-4-start-on-4500",
          "3947-5.1-encap-mode",
          "3948-3-esp-decap");

  private Diagnoses() {}

  /** Every diagnosis the trace supports (none for a trace that shows nothing of the kind). */
  public static List<Diagnosis> of(Trace t) {
    List<Diagnosis> out = new ArrayList<>();
    noNatTBehindNat(t).ifPresent(out::add);
    return out;
  }

  /**
   * The harness, behind a NAT, announced RFC 3947 (and perhaps drafts) in message 1 of its first
   * phase 1; the IUT answered with no NAT-T vendor ID of any variant and sent no NAT-D. Such a
   * gateway (a Windows 2000 remote-access server, an old or misconfigured device) can only be
   * reached through a NAT in the clear: IKE may complete, ESP (IP protocol 50) does not pass the
   * NAT.
   */
  static Optional<Diagnosis> noNatTBehindNat(Trace t) {
    IkeTraffic x = new IkeTraffic(t);
    if (!t.context().harnessBehindNat()) {
      return Optional.empty();
    }
    Optional<TraceEntry> m1 = x.withSa(Direction.SENT);
    Optional<TraceEntry> m2 = x.withSa(Direction.RECEIVED);
    if (m1.isEmpty() || m2.isEmpty()) {
      return Optional.empty();
    }
    List<NatTVariant> offered = VariantChecks.announced(m1.get());
    if (!offered.contains(NatTVariant.RFC3947) || !VariantChecks.announced(m2.get()).isEmpty()) {
      return Optional.empty();
    }
    boolean natD =
        x.mainMode(Direction.RECEIVED).stream()
            .anyMatch(e -> !IkeTraffic.ike(e).orElseThrow().all(NatDPayload.class).isEmpty());
    if (natD) {
      return Optional.empty();
    }
    List<Evidence> ev = new ArrayList<>();
    ev.add(
        new Evidence(
            List.of(m1.get().ref(), m2.get().ref()),
            "a NAT-T vendor ID in answer to " + offered,
            "vendor IDs " + IkeTraffic.vids(m2.get())));
    x.withKe(Direction.RECEIVED)
        .ifPresent(
            m4 ->
                ev.add(
                    Evidence.of(
                        m4.ref(),
                        "NAT-D payloads in " + x.natDMessageName(),
                        "none (" + IkeTraffic.ike(m4).orElseThrow().summary() + ")")));
    return Optional.of(
        new Diagnosis(
            NO_NAT_T_BEHIND_NAT,
            NO_NAT_T_HEADLINE,
            "the harness sat behind "
                + t.context().natsInFrontOfHarness()
                + " NAT(s) and announced "
                + offered
                + "; the IUT answered without any NAT-T vendor ID and sent no NAT-D, so it never"
                + " detects the NAT, never moves to port 4500 and never encapsulates ESP in UDP:"
                + " its ESP (IP protocol 50) does not pass a port-translating NAT",
            ev,
            NO_NAT_T_CONSEQUENCES));
  }
}
