package io.natt.verdict;

import static io.natt.verdict.IkeTraffic.endpoint;

import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * RFC 3947 section 7 where the first authenticated packet from a new NAT mapping is IKE rather than
 * ESP. A pure function over a trace, registered in {@link Checks}.
 */
final class RebindChecks {
  private RebindChecks() {}

  /**
   * After the harness's public endpoint changed and the first authenticated packet of its SAs from
   * the new one was IKE (a Quick Mode, an informational on the floated IKE SA), what the IUT sends
   * of its own accord (its ESP, IKE messages it starts, its NAT-keepalives) before the next
   * authenticated ESP from the harness goes to the new endpoint. Answers to the harness's requests
   * do not count: an answer goes to its request's source whether or not the IUT updated its SAs
   * (3947-3-reply-to-source judges those); after authenticated ESP, 3947-7-rebind judges.
   */
  static Judgement rebindIke(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Predicate<TraceEntry> ours = Checks.harnessSas(x);
    List<TraceEntry> side = x.iutSide();
    Move m = firstMove(x, side, ours);
    if (m == null) {
      return Judgement.inconclusive(r, "the harness's public port never changed (no rebinding)");
    }
    TraceEntry change = side.get(m.at());
    if (!(change.view() instanceof PacketView.Ike)) {
      return Judgement.notApplicable(
          r,
          "the first authenticated packet from the new mapping "
              + endpoint(change.from())
              + " was ESP, not IKE (3947-7-rebind judges that case)");
    }
    java.util.Optional<TraceEntry> own = ownAfter(x, side, ours, m, true);
    if (own.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "the IUT sent nothing of its own accord (ESP, IKE it started, a keepalive) between the"
              + " authenticated IKE from the new mapping and the next authenticated ESP");
    }
    TraceEntry e = own.get();
    Evidence ev =
        new Evidence(
            List.of(change.ref(), e.ref()),
            "to the new mapping " + endpoint(m.to()),
            "to " + endpoint(e.to()) + (e.to().equals(m.from()) ? " (the old mapping)" : ""));
    return e.to().equals(m.to())
        ? Judgement.pass(
            r,
            "after authenticated IKE from the new mapping, the IUT sent its own "
                + kind(e)
                + " there",
            List.of(ev))
        : Judgement.fail(
            r,
            "after authenticated IKE from the new mapping, the IUT sent its own "
                + kind(e)
                + " to "
                + endpoint(e.to()),
            List.of(ev));
  }

  /**
   * RFC 3947 section 7: the host behind the NAT does not follow its peer's address changes. Judged
   * where the IUT sits behind a NAT (the harness's NAT-D told it so) and the harness does not:
   * after the first authenticated packet of the harness's SAs from another endpoint, what the IUT
   * sends of its own accord (its ESP, the IKE it starts, its NAT-keepalives; answers to IKE
   * requests do not count) must still go to the endpoint it knew.
   */
  static Judgement behindNatNoFollow(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    if (!x.context().iutBehindNat()) {
      return Judgement.notApplicable(r, "no NAT in front of the IUT (3947-7-rebind judges there)");
    }
    if (x.context().harnessBehindNat()) {
      return Judgement.notApplicable(
          r, "the harness is behind a NAT too: its peer may follow it (3947-7-rebind)");
    }
    Checks.BehindNat behind = Checks.iutToldBehindNat(x, r);
    if (behind.told() == null) {
      return behind.otherwise();
    }
    Predicate<TraceEntry> ours = Checks.harnessSas(x);
    List<TraceEntry> side = x.iutSide();
    Move m = firstMove(x, side, ours);
    if (m == null) {
      return Judgement.inconclusive(
          r, "no authenticated packet of the harness came from another port or address");
    }
    TraceEntry change = side.get(m.at());
    java.util.Optional<TraceEntry> own = ownAfter(x, side, ours, m, false);
    if (own.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "the IUT sent nothing of its own accord (ESP, IKE it started, a keepalive) after the"
              + " authenticated packet from "
              + endpoint(m.to()));
    }
    TraceEntry e = own.get();
    Evidence ev =
        new Evidence(
            List.of(change.ref(), e.ref()),
            "to the endpoint it knew " + endpoint(m.from()),
            "to " + endpoint(e.to()) + (e.to().equals(m.to()) ? " (the new endpoint)" : ""));
    if (e.to().equals(m.from())) {
      return Judgement.pass(
          r,
          behind.told()
              + "; after authenticated "
              + kind(change)
              + " from "
              + endpoint(m.to())
              + ", its own "
              + kind(e)
              + " still went to "
              + endpoint(m.from()),
          List.of(ev));
    }
    if (e.to().equals(m.to())) {
      return Judgement.fail(
          r,
          behind.told()
              + ", yet it moved its peer to "
              + endpoint(m.to())
              + " after authenticated "
              + kind(change)
              + " from there (its own "
              + kind(e)
              + " went there)",
          List.of(ev));
    }
    return Judgement.inconclusive(
        r, "the IUT's own " + kind(e) + " went to " + endpoint(e.to()) + ", neither endpoint");
  }

  /** The first authenticated packet of the harness's SAs from another endpoint than before. */
  private record Move(int at, InetSocketAddress from, InetSocketAddress to) {}

  /** The harness's first move to another endpoint, or null when it never moved. */
  private static Move firstMove(IkeTraffic x, List<TraceEntry> side, Predicate<TraceEntry> ours) {
    InetSocketAddress current = null;
    for (int k = 0; k < side.size(); k++) {
      TraceEntry e = side.get(k);
      if (x.toIut(e) && e.to().getPort() == 4500 && Checks.isAuthenticated(e) && ours.test(e)) {
        if (current != null && !current.equals(e.from())) {
          return new Move(k, current, e.from());
        }
        current = e.from();
      }
    }
    return null;
  }

  /**
   * What the IUT sends of its own accord after the move (its ESP, IKE it starts, its keepalives to
   * either endpoint; not its answers to IKE requests): the first such packet, if any; with {@code
   * untilEsp}, only before the harness's next authenticated ESP.
   */
  private static java.util.Optional<TraceEntry> ownAfter(
      IkeTraffic x, List<TraceEntry> side, Predicate<TraceEntry> ours, Move m, boolean untilEsp) {
    for (TraceEntry e : side.subList(m.at() + 1, side.size())) {
      if (untilEsp && x.toIut(e) && e.view() instanceof PacketView.Esp && ours.test(e)) {
        break; // authenticated ESP may move the SAs too: 3947-7-rebind judges from here
      }
      boolean own =
          ours.test(e)
              || (e.view() instanceof PacketView.Keepalive
                  && (e.to().equals(m.from()) || e.to().equals(m.to())));
      if (!x.fromIut(e) || !own) {
        continue;
      }
      if (e.view() instanceof PacketView.Ike && x.requestOf(e).isPresent()) {
        continue; // an answer goes to its request's source anyway
      }
      return java.util.Optional.of(e);
    }
    return java.util.Optional.empty();
  }

  private static String kind(TraceEntry e) {
    return e.view() instanceof PacketView.Esp
        ? "ESP"
        : e.view() instanceof PacketView.Keepalive ? "NAT-keepalive" : "IKE";
  }
}
