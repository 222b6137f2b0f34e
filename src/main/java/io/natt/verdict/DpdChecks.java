package io.natt.verdict;

import io.natt.trace.Direction;
import io.natt.trace.TraceEntry;
import io.natt.wire.DeletePayload;
import io.natt.wire.NotificationPayload;
import io.natt.wire.NotifyType;
import io.natt.wire.PacketView;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 3948 section 4: NAT-keepalives MUST NOT be used to detect whether a connection is live.
 * Judged through RFC 3706 dead-peer detection, from the harness's own packets: the IUT's first
 * R-U-THERE the harness left unanswered starts the watch; from then on the harness sent only
 * NAT-keepalives. A pure function over a trace, registered in {@link Checks}.
 */
final class DpdChecks {
  private DpdChecks() {}

  /** The DPD timeout the claim {@code dpd} promises at most, for the test. */
  static final Duration CLAIMED_TIMEOUT = Duration.ofSeconds(5);

  /** Slack on top of it: timers counting whole seconds, retransmissions, a loaded machine. */
  static final Duration SLACK = Duration.ofSeconds(3);

  static Judgement keepaliveNotLiveness(io.natt.trace.Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<TraceEntry> peer = x.peer();
    List<TraceEntry> ruThere = peer.stream().filter(e -> rut(e, false).isPresent()).toList();
    if (ruThere.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "the IUT sent no R-U-THERE (RFC 3706) while the tunnel was idle: it may not run"
              + " dead-peer detection, or not with this peer, so the trace cannot tell whether"
              + " keepalives keep it from declaring the peer dead");
    }
    TraceEntry unanswered = null;
    for (TraceEntry u : ruThere) {
      long seq = rut(u, false).orElseThrow();
      boolean acked =
          peer.stream()
              .filter(e -> e.direction() == Direction.SENT)
              .filter(e -> e.number() > u.number())
              .anyMatch(e -> rut(e, true).orElse(-2L) == seq);
      if (!acked) {
        unanswered = u;
        break;
      }
    }
    if (unanswered == null) {
      return Judgement.inconclusive(
          r, "the harness answered every R-U-THERE of the IUT: it never played dead here");
    }
    TraceEntry u = unanswered;
    byte[] cookie = ((PacketView.Ike) u.view()).header().initiatorCookie();
    long t0 = u.datagram().monoNanos();
    // the watch ends when the harness sends anything but a keepalive again (or with the trace)
    List<TraceEntry> after = peer.stream().filter(e -> e.number() > u.number()).toList();
    Optional<TraceEntry> alive =
        after.stream()
            .filter(e -> e.direction() == Direction.SENT)
            .filter(e -> !(e.view() instanceof PacketView.Keepalive))
            .findFirst();
    long end =
        alive
            .map(e -> e.datagram().monoNanos())
            .orElse(peer.get(peer.size() - 1).datagram().monoNanos());
    List<TraceEntry> watch = after.stream().filter(e -> e.datagram().monoNanos() <= end).toList();
    long keepalives =
        watch.stream()
            .filter(e -> e.direction() == Direction.SENT)
            .filter(e -> e.view() instanceof PacketView.Keepalive)
            .count();
    if (keepalives == 0) {
      return Judgement.inconclusive(
          r, "the harness sent no NAT-keepalive after " + u.ref() + ": nothing to ignore");
    }
    Set<Long> spis = new HashSet<>();
    peer.stream()
        .filter(e -> e.number() < u.number() && e.direction() == Direction.RECEIVED)
        .filter(e -> e.view() instanceof PacketView.Esp)
        .forEach(e -> spis.add(((PacketView.Esp) e.view()).esp().spi()));
    String watched =
        "the harness left "
            + u.ref()
            + " (R-U-THERE) unanswered and then sent only "
            + keepalives
            + " NAT-keepalive(s)";
    Optional<TraceEntry> delete =
        watch.stream()
            .filter(e -> e.direction() == Direction.RECEIVED)
            .filter(
                e -> e.view() instanceof PacketView.Ike i && !i.all(DeletePayload.class).isEmpty())
            .findFirst();
    if (delete.isPresent()) {
      return Judgement.pass(
          r,
          watched
              + "; the IUT deleted the SA "
              + seconds(delete.get().datagram().monoNanos() - t0)
              + " later",
          List.of(Evidence.of(delete.get().ref(), "a Delete, or silence", "a Delete")));
    }
    long bound = CLAIMED_TIMEOUT.plus(SLACK).toNanos();
    Optional<TraceEntry> lastLife =
        watch.stream()
            .filter(e -> e.direction() == Direction.RECEIVED)
            .filter(
                e ->
                    (e.view() instanceof PacketView.Ike i
                            && Arrays.equals(i.header().initiatorCookie(), cookie)
                            && rut(e, false).isPresent())
                        || (e.view() instanceof PacketView.Esp esp
                            && spis.contains(esp.esp().spi())))
            .reduce((a, b) -> b);
    if (lastLife.isPresent() && lastLife.get().datagram().monoNanos() - t0 > bound) {
      TraceEntry l = lastLife.get();
      return Judgement.fail(
          r,
          watched
              + ", yet the IUT still kept the SA "
              + seconds(l.datagram().monoNanos() - t0)
              + " later (no Delete), past the claimed DPD timeout of at most "
              + seconds(CLAIMED_TIMEOUT.toNanos())
              + " + "
              + seconds(SLACK.toNanos())
              + ": keepalives count as life there",
          List.of(
              Evidence.of(
                  l.ref(),
                  "no R-U-THERE or ESP of the SA after " + seconds(bound) + " without an answer",
                  l.view() instanceof PacketView.Esp ? "ESP of the SA" : "another R-U-THERE")));
    }
    if (end - t0 < bound) {
      return Judgement.inconclusive(
          r,
          watched
              + "; the watch ended "
              + seconds(end - t0)
              + " later, before the IUT's claimed DPD timeout plus slack ("
              + seconds(bound)
              + "), without a Delete");
    }
    return Judgement.pass(
        r,
        watched
            + "; the IUT's last R-U-THERE or ESP of the SA came "
            + lastLife.map(l -> seconds(l.datagram().monoNanos() - t0)).orElse("0.0 s")
            + " later and nothing more for "
            + seconds(end - lastLife.map(l -> l.datagram().monoNanos()).orElse(t0))
            + " (declared dead without a Delete)",
        List.of());
  }

  /** The sequence number of an R-U-THERE ({@code ack} false) or R-U-THERE-ACK in {@code e}. */
  private static Optional<Long> rut(TraceEntry e, boolean ack) {
    if (!(e.view() instanceof PacketView.Ike i) || !i.decrypted()) {
      return Optional.empty();
    }
    if (e.direction() != (ack ? Direction.SENT : Direction.RECEIVED)) {
      return Optional.empty();
    }
    int type = (ack ? NotifyType.R_U_THERE_ACK : NotifyType.R_U_THERE).code();
    return i.all(NotificationPayload.class).stream()
        .filter(n -> n.notifyType() == type)
        .map(NotificationPayload::sequenceNumber)
        .findFirst();
  }

  private static String seconds(long nanos) {
    return KeepaliveChecks.seconds(nanos);
  }
}
