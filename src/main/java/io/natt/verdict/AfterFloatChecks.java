package io.natt.verdict;

import static io.natt.verdict.IkeTraffic.endpoint;
import static io.natt.verdict.IkeTraffic.ike;

import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks on what the IUT does with port 500 once the harness moved to 4500 (RFC 3947 4). */
final class AfterFloatChecks {
  private AfterFloatChecks() {}

  /**
   * Once the harness floated, a Main or Aggressive Mode packet on port 500 with the floated IKE
   * SA's cookies is old and should be discarded: the IUT sends no phase-1 message of that SA after
   * it (no answer, no retransmission of its last phase-1 answer, on either port). Informational
   * messages on 500 MAY be processed and are not judged; a new phase 1 (a zero responder cookie) is
   * another IKE SA. PASS needs the IUT to be seen alive after the old packet (anything it sent),
   * else the silence proves nothing.
   */
  static Judgement dropStalePhase1(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Optional<TraceEntry> floatAt = x.harnessFloat().flatMap(x::atIutSide);
    if (floatAt.isEmpty()) {
      return Judgement.notApplicable(r, "the harness never moved to port 4500");
    }
    PacketView.Ike floated = ike(floatAt.get()).orElseThrow();
    if (IkeTraffic.isZero(floated.header().responderCookie())) {
      return Judgement.notApplicable(r, "the harness started on 4500: nothing on 500 is old");
    }
    List<TraceEntry> side = x.iutSide();
    int from = side.indexOf(floatAt.get());
    List<TraceEntry> stale = new ArrayList<>();
    for (TraceEntry e : side.subList(from + 1, side.size())) {
      Optional<PacketView.Ike> i = ike(e);
      if (x.toIut(e)
          && e.to().getPort() == 500
          && i.isPresent()
          && IkeTraffic.isPhase1(i.get().header().exchangeType())
          && IkeTraffic.sameSa(i.get(), floated)) {
        stale.add(e);
      }
    }
    if (stale.isEmpty()) {
      return Judgement.notApplicable(
          r, "no Main or Aggressive Mode message of the floated SA reached the IUT on port 500");
    }
    TraceEntry first = stale.get(0);
    int at = side.indexOf(first);
    List<Evidence> wrong = new ArrayList<>();
    boolean alive = false;
    // observation points may record an answer a moment before the request it answers, so the
    // IUT's phase-1 messages of the SA are looked at from the float on: one on port 500 can only
    // answer an old packet; one after the old packet that answers no 4500 request of the harness
    // neither
    for (int k = from + 1; k < side.size(); k++) {
      TraceEntry e = side.get(k);
      if (!x.fromIut(e)) {
        continue;
      }
      alive |= k > at;
      Optional<PacketView.Ike> i = ike(e);
      if (i.isEmpty()
          || !IkeTraffic.isPhase1(i.get().header().exchangeType())
          || !IkeTraffic.sameSa(i.get(), floated)) {
        continue;
      }
      boolean on500 = e.from().getPort() == 500 || e.to().getPort() == 500;
      boolean answers4500 = x.requestOf(e).map(q -> q.to().getPort() == 4500).orElse(false);
      if (on500 || (k > at && !answers4500)) {
        wrong.add(
            new Evidence(
                List.of(first.ref(), e.ref()),
                "the old phase-1 message on port 500 discarded",
                "the IUT sent "
                    + i.get().summary()
                    + " from "
                    + endpoint(e.from())
                    + " to "
                    + endpoint(e.to())
                    + " after the float"));
        break;
      }
    }
    if (!wrong.isEmpty()) {
      return Judgement.fail(
          r,
          "after the float the IUT processed a Main or Aggressive Mode message with the SA's"
              + " cookies that came on port 500",
          wrong);
    }
    if (!alive) {
      return Judgement.inconclusive(
          r, "the IUT sent nothing at all after the old message: dropped, or no longer running");
    }
    return Judgement.pass(
        r,
        stale.size()
            + " old phase-1 message(s) on port 500 went unanswered while the IUT kept working",
        List.of(Evidence.of(first.ref(), "no phase-1 answer of the SA", "none")));
  }
}
