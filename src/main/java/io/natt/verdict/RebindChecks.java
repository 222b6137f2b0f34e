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
    InetSocketAddress current = null;
    int at = -1;
    for (int k = 0; k < side.size(); k++) {
      TraceEntry e = side.get(k);
      if (x.toIut(e) && e.to().getPort() == 4500 && Checks.isAuthenticated(e) && ours.test(e)) {
        if (current != null && !current.equals(e.from())) {
          at = k;
          break;
        }
        current = e.from();
      }
    }
    if (at < 0) {
      return Judgement.inconclusive(r, "the harness's public port never changed (no rebinding)");
    }
    TraceEntry change = side.get(at);
    if (!(change.view() instanceof PacketView.Ike)) {
      return Judgement.notApplicable(
          r,
          "the first authenticated packet from the new mapping "
              + endpoint(change.from())
              + " was ESP, not IKE (3947-7-rebind judges that case)");
    }
    InetSocketAddress oldAddr = current;
    InetSocketAddress newAddr = change.from();
    for (TraceEntry e : side.subList(at + 1, side.size())) {
      if (x.toIut(e) && e.view() instanceof PacketView.Esp && ours.test(e)) {
        break; // authenticated ESP may move the SAs too: 3947-7-rebind judges from here
      }
      boolean own =
          ours.test(e)
              || (e.view() instanceof PacketView.Keepalive
                  && (e.to().equals(oldAddr) || e.to().equals(newAddr)));
      if (!x.fromIut(e) || !own) {
        continue;
      }
      if (e.view() instanceof PacketView.Ike && x.requestOf(e).isPresent()) {
        continue; // an answer goes to its request's source anyway
      }
      Evidence ev =
          new Evidence(
              List.of(change.ref(), e.ref()),
              "to the new mapping " + endpoint(newAddr),
              "to " + endpoint(e.to()) + (e.to().equals(oldAddr) ? " (the old mapping)" : ""));
      return e.to().equals(newAddr)
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
    return Judgement.inconclusive(
        r,
        "the IUT sent nothing of its own accord (ESP, IKE it started, a keepalive) between the"
            + " authenticated IKE from the new mapping and the next authenticated ESP");
  }

  private static String kind(TraceEntry e) {
    return e.view() instanceof PacketView.Esp
        ? "ESP"
        : e.view() instanceof PacketView.Keepalive ? "NAT-keepalive" : "IKE";
  }
}
