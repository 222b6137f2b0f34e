package io.natt.verdict;

import static io.natt.verdict.IkeTraffic.endpoint;

import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The checks about NAT-keepalives in time: the interval the IUT keeps while the tunnel is idle (RFC
 * 3948 section 4), and that a keepalive from a new address moves nothing (RFC 3947 section 7). Pure
 * functions over a trace, registered in {@link Checks}.
 */
final class KeepaliveChecks {
  private KeepaliveChecks() {}

  /**
   * Slack on top of the configured interval before an idle gap counts as a missed keepalive: half
   * the interval, at least 3 s. Keepalive timers often count whole seconds (charon's measure the
   * time since the last packet sent in seconds: with keep_alive = 2s it was seen silent for 2.9 s
   * after its own ESP), and a loaded machine (scenarios run in parallel on two cores) delays the
   * timer's thread and the capture by up to a second or more; a false FAIL is worse than a late
   * one.
   */
  static Duration tolerance(Duration configured) {
    Duration half = configured.dividedBy(2);
    Duration least = Duration.ofSeconds(3);
    return half.compareTo(least) > 0 ? half : least;
  }

  /** One stretch of silence of the IUT: from its packet {@code after} until {@code until}. */
  private record Gap(TraceEntry after, long nanos, boolean endsWithKeepalive) {}

  /**
   * RFC 3948 section 4: a peer that needs keepalives (the harness's NAT-D told it that it is behind
   * a NAT) SHOULD send one when it has sent nothing else to the peer for M seconds, M locally
   * configured. With M as the target profile states it, every silence of the IUT after the float
   * must end within M plus {@link #tolerance}. Only the IUT's silences are measured: a packet of
   * any kind from it restarts the timer, as the RFC words it. The reason gives the measured
   * interval and the NAT UDP timeout the idle tunnel needs.
   */
  static Judgement interval(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Duration m = x.context().iutKeepalive();
    if (m == null) {
      return Judgement.notApplicable(
          r,
          "the target profile does not state the IUT's configured keepalive interval"
              + " (keepalive-interval)");
    }
    Checks.BehindNat behind = Checks.iutToldBehindNat(x, r);
    if (behind.told() == null) {
      return behind.otherwise();
    }
    List<TraceEntry> side =
        x.iutSide().stream().filter(e -> !(e.view() instanceof PacketView.Other)).toList();
    List<TraceEntry> fromIut = side.stream().filter(x::fromIut).toList();
    int first = -1;
    for (int k = 0; k < fromIut.size(); k++) {
      if (fromIut.get(k).from().getPort() != 500) {
        first = k;
        break;
      }
    }
    if (first < 0) {
      return Judgement.inconclusive(r, "the IUT never sent anything from port 4500 (no float)");
    }
    List<TraceEntry> after = fromIut.subList(first, fromIut.size());
    long end = side.get(side.size() - 1).datagram().monoNanos();
    List<Gap> gaps = new ArrayList<>();
    for (int k = 0; k < after.size(); k++) {
      TraceEntry e = after.get(k);
      boolean last = k + 1 == after.size();
      long until = last ? end : after.get(k + 1).datagram().monoNanos();
      boolean ka = !last && after.get(k + 1).view() instanceof PacketView.Keepalive;
      gaps.add(new Gap(e, until - e.datagram().monoNanos(), ka));
    }
    Gap longest = gaps.stream().max((a, b) -> Long.compare(a.nanos(), b.nanos())).orElseThrow();
    List<Long> measured =
        gaps.stream().filter(Gap::endsWithKeepalive).map(Gap::nanos).sorted().toList();
    long limit = m.plus(tolerance(m)).toNanos();
    String configured = "configured " + seconds(m.toNanos());
    if (longest.nanos() > limit) {
      Evidence ev =
          Evidence.of(
              longest.after().ref(),
              "a NAT-keepalive (or any packet) from the IUT within "
                  + seconds(m.toNanos())
                  + " (its configured interval) + "
                  + seconds(tolerance(m).toNanos()),
              "nothing from the IUT for " + seconds(longest.nanos()) + " after it");
      String sent =
          measured.isEmpty()
              ? "no NAT-keepalive sent"
              : "keepalive interval " + seconds(median(measured)) + " measured";
      return Judgement.fail(
          r,
          behind.told()
              + ", yet the IUT stayed silent for "
              + silence(longest, configured + ", " + sent)
              + ": a NAT whose UDP timeout is below "
              + seconds(longest.nanos())
              + " drops the idle tunnel",
          List.of(ev));
    }
    if (measured.isEmpty()) {
      return Judgement.inconclusive(
          r,
          behind.told()
              + "; the IUT was never silent long enough to owe a keepalive: the longest silence "
              + silence(longest, configured));
    }
    TraceEntry firstKeepalive =
        after.stream()
            .filter(e -> e.view() instanceof PacketView.Keepalive)
            .findFirst()
            .orElseThrow();
    return Judgement.pass(
        r,
        "keepalive interval "
            + seconds(median(measured))
            + " measured ("
            + configured
            + "; median of "
            + measured.size()
            + " silences that a keepalive ended, the longest silence "
            + seconds(longest.nanos())
            + "): a NAT whose UDP timeout is below "
            + seconds(longest.nanos())
            + " drops this device's idle tunnels, one above it keeps them"
            + mapping(x),
        List.of(
            Evidence.of(
                firstKeepalive.ref(),
                "NAT-keepalives at most every " + seconds(m.toNanos()) + " when idle",
                measured.size()
                    + " keepalive(s) after silences of "
                    + seconds(measured.get(0))
                    + " to "
                    + seconds(measured.get(measured.size() - 1)))));
  }

  /** Whether the harness's public mapping stayed the same, in words (empty without a NAT). */
  private static String mapping(IkeTraffic x) {
    if (!x.context().harnessBehindNat()) {
      return "";
    }
    Predicate<TraceEntry> ours = Checks.harnessSas(x);
    List<InetSocketAddress> from =
        x.iutSide().stream()
            .filter(e -> x.toIut(e) && e.to().getPort() == 4500 && ours.test(e))
            .map(TraceEntry::from)
            .distinct()
            .toList();
    if (from.size() == 1) {
      return "; the harness's public mapping " + endpoint(from.get(0)) + " stayed the same";
    }
    if (from.size() > 1) {
      return "; the harness's public mapping changed "
          + (from.size() - 1)
          + " time(s), from "
          + endpoint(from.get(0))
          + " to "
          + endpoint(from.get(from.size() - 1))
          + " (the NAT dropped it)";
    }
    return "";
  }

  /**
   * RFC 3947 section 7: keepalives are not authenticated, so they cannot be used to learn the
   * peer's new address or port. After a NAT-keepalive from an address the harness's SAs have not
   * used, and before any authenticated packet of those SAs from there, every packet the IUT sends
   * to the harness goes to the endpoint of the last authenticated one.
   */
  static Judgement noMove(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Predicate<TraceEntry> ours = Checks.harnessSas(x);
    List<TraceEntry> side = x.iutSide();
    InetSocketAddress current = null;
    List<Evidence> moved = new ArrayList<>();
    List<Evidence> stayed = new ArrayList<>();
    int provoked = 0;
    for (int k = 0; k < side.size(); k++) {
      TraceEntry e = side.get(k);
      if (!x.toIut(e)) {
        continue;
      }
      if (Checks.isAuthenticated(e) && ours.test(e)) {
        current = e.from();
        continue;
      }
      if (!(e.view() instanceof PacketView.Keepalive) || current == null) {
        continue;
      }
      if (e.from().equals(current)) {
        continue;
      }
      provoked++;
      InetSocketAddress old = current;
      InetSocketAddress fresh = e.from();
      for (int j = k + 1; j < side.size(); j++) {
        TraceEntry f = side.get(j);
        if (x.toIut(f) && Checks.isAuthenticated(f) && ours.test(f)) {
          break; // an authenticated packet may move the SA: the window ends
        }
        if (!x.fromIut(f)
            || !(ours.test(f) || f.view() instanceof PacketView.Keepalive)
            || !(f.to().equals(old) || f.to().equals(fresh))) {
          continue;
        }
        Evidence ev =
            new Evidence(
                List.of(e.ref(), f.ref()),
                "to the last authenticated endpoint " + endpoint(old),
                "to " + endpoint(f.to()) + (f.to().equals(fresh) ? " (the keepalive's)" : ""));
        (f.to().equals(fresh) ? moved : stayed).add(ev);
        break;
      }
    }
    if (!moved.isEmpty()) {
      return Judgement.fail(
          r,
          "after a NAT-keepalive from a new address, the IUT sent to that address: an"
              + " unauthenticated packet moved the SA",
          moved);
    }
    if (!stayed.isEmpty()) {
      return Judgement.pass(
          r,
          "after "
              + provoked
              + " NAT-keepalive(s) from a new address the IUT kept sending to the last"
              + " authenticated endpoint",
          stayed);
    }
    return Judgement.inconclusive(
        r,
        provoked == 0
            ? "the harness sent no NAT-keepalive from a new address"
            : "the IUT sent nothing to the harness between the keepalive from a new address and"
                + " the next authenticated packet");
  }

  private static String silence(Gap g, String context) {
    return seconds(g.nanos()) + " (" + context + ")";
  }

  private static long median(List<Long> sorted) {
    return sorted.get(sorted.size() / 2);
  }

  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
