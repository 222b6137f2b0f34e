package io.natt.verdict;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.DeletePayload;
import io.natt.wire.ExchangeType;
import io.natt.wire.IdPayload;
import io.natt.wire.NotificationPayload;
import io.natt.wire.NotifyType;
import io.natt.wire.PacketView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * RFC 3947 section 6: the source address and port of an INITIAL-CONTACT from a host behind a NAT
 * are not meaningful, so they MUST NOT decide which SAs the receiver removes; the ID SHOULD. Judged
 * on scenarios with further clients behind the harness's NAT ({@code topology.harness.clients}):
 * the harness's own packets are at point {@link Trace#PEER}, each further client's at {@code
 * client-N}, each decoded with its own keys. When one client ends its phase 1 with INITIAL-CONTACT,
 * what happens to the SAs of every other client that had an IKE SA before tells: a Delete of them
 * from the IUT, or their ESP no longer answered while the IUT still answers others, means they were
 * removed; their ESP answered afterwards means they were kept. A pure function over a trace,
 * registered in {@link Checks}: the MUST ({@link #notByAddress}) judges clients with other IDs, the
 * SHOULD ({@link #sameId}) those with the sender's ID.
 */
final class InitialContactChecks {
  private InitialContactChecks() {}

  /** How long after the INITIAL-CONTACT a Delete of another client's SAs is taken as its effect. */
  static final Duration DELETE_WINDOW = Duration.ofSeconds(10);

  /** Prefix of the observation points of further clients (ClientPeers in scenario). */
  static final String CLIENT_POINT = "client-";

  /** What became of one other client's SAs after an INITIAL-CONTACT. */
  enum Fate {
    REMOVED,
    KEPT,
    UNKNOWN
  }

  /**
   * One other client's SAs judged after one INITIAL-CONTACT.
   *
   * @param contact the phase-1 message with INITIAL-CONTACT (sent by a client)
   * @param contactId the ID in that client's phase 1
   * @param other the other client's point
   * @param otherId the ID of the other client's IKE SA up before the contact
   * @param evidence what the fate rests on (empty for UNKNOWN)
   * @param why a sentence for the reason
   */
  record Pair(
      TraceEntry contact,
      String contactId,
      String other,
      String otherId,
      Fate fate,
      List<Evidence> evidence,
      String why) {
    boolean sameId() {
      return contactId.equals(otherId);
    }

    String describe() {
      return contact.ref()
          + " (INITIAL-CONTACT, ID "
          + contactId
          + ") and the SAs of "
          + (other.equals(Trace.PEER) ? "the harness's own client (peer)" : other)
          + " (ID "
          + otherId
          + "): "
          + why;
    }
  }

  /** 3947-6-initial-contact-not-by-address (MUST). */
  static Judgement notByAddress(Trace t, Requirement r) {
    Optional<String> undecided = undecided(t);
    if (undecided.isPresent()) {
      return Judgement.inconclusive(r, undecided.get());
    }
    List<Pair> pairs = pairs(t);
    List<Pair> others = pairs.stream().filter(p -> !p.sameId()).toList();
    if (others.isEmpty()) {
      return pairs.isEmpty()
          ? Judgement.inconclusive(
              r,
              "no other client had an IKE SA when a client sent INITIAL-CONTACT: nothing another"
                  + " client holds could be removed")
          : Judgement.notApplicable(
              r,
              "every client that had SAs at the INITIAL-CONTACT shares the sender's ID: removing"
                  + " them is what RFC 3947 section 6 recommends, not removal by address");
    }
    List<Pair> removed = others.stream().filter(p -> p.fate() == Fate.REMOVED).toList();
    if (!removed.isEmpty()) {
      List<Evidence> ev = new ArrayList<>();
      removed.forEach(p -> ev.addAll(p.evidence()));
      return Judgement.fail(
          r,
          "after INITIAL-CONTACT from one client behind the NAT, the IUT removed the SAs of a"
              + " client with another ID behind the same NAT address: "
              + removed.get(0).describe(),
          ev);
    }
    List<Pair> kept = others.stream().filter(p -> p.fate() == Fate.KEPT).toList();
    if (kept.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "no client with another ID sent ESP after the INITIAL-CONTACT and no Delete came: "
              + others.get(0).describe());
    }
    List<Evidence> ev = new ArrayList<>();
    kept.forEach(p -> ev.addAll(p.evidence()));
    return Judgement.pass(
        r,
        "the SAs of the client(s) with another ID behind the same NAT survived the INITIAL-CONTACT: "
            + kept.get(0).describe(),
        ev);
  }

  /**
   * 3947-6-initial-contact-same-id (SHOULD): the older SAs of another client with the sender's ID
   * are removed (a Delete of them, or their ESP no longer answered while others' is).
   */
  static Judgement sameId(Trace t, Requirement r) {
    Optional<String> undecided = undecided(t);
    if (undecided.isPresent()) {
      return Judgement.inconclusive(r, undecided.get());
    }
    List<Pair> pairs = pairs(t);
    List<Pair> same = pairs.stream().filter(Pair::sameId).toList();
    if (same.isEmpty()) {
      return pairs.isEmpty()
          ? Judgement.inconclusive(
              r,
              "no other client had an IKE SA when a client sent INITIAL-CONTACT: nothing of the"
                  + " same ID could be removed")
          : Judgement.notApplicable(
              r,
              "no client that had SAs at the INITIAL-CONTACT shares the sender's ID: each has an"
                  + " ID of its own");
    }
    List<Pair> kept = same.stream().filter(p -> p.fate() == Fate.KEPT).toList();
    if (!kept.isEmpty()) {
      List<Evidence> ev = new ArrayList<>();
      kept.forEach(p -> ev.addAll(p.evidence()));
      return Judgement.fail(
          r,
          "after INITIAL-CONTACT the IUT kept the older SAs of the same ID: "
              + kept.get(0).describe(),
          ev);
    }
    List<Pair> removed = same.stream().filter(p -> p.fate() == Fate.REMOVED).toList();
    if (removed.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "the client with the sender's ID sent no ESP after the INITIAL-CONTACT and no Delete"
              + " came: "
              + same.get(0).describe());
    }
    List<Evidence> ev = new ArrayList<>();
    removed.forEach(p -> ev.addAll(p.evidence()));
    return Judgement.pass(
        r,
        "the IUT removed the older SAs of the sender's ID on INITIAL-CONTACT: "
            + removed.get(0).describe(),
        ev);
  }

  /**
   * When another client first sent INITIAL-CONTACT with the ID of {@code point}'s IKE SA (after
   * which the IUT should have removed that point's SAs), in monotonic nanoseconds.
   */
  static java.util.OptionalLong sameIdContact(Trace t, String point) {
    return pairs(t).stream()
        .filter(p -> p.other().equals(point) && p.sameId())
        .mapToLong(p -> p.contact().datagram().monoNanos())
        .min();
  }

  /** Why the trace cannot decide at all (no second client, no NAT, no INITIAL-CONTACT). */
  private static Optional<String> undecided(Trace t) {
    List<String> points = clientPoints(t);
    if (points.size() < 2) {
      return Optional.of(
          "the trace has one client only: INITIAL-CONTACT can remove another client's SAs only"
              + " where a second client (client-N) had some");
    }
    if (!t.context().harnessBehindNat()) {
      return Optional.of(
          "the clients are not behind a NAT: removing by address is told from removing by ID only"
              + " when both come from the NAT's one address");
    }
    boolean any = points.stream().anyMatch(p -> !contacts(t, p).isEmpty());
    if (!any) {
      return Optional.of("no client ended its phase 1 with INITIAL-CONTACT");
    }
    return Optional.empty();
  }

  /** The points of the harness's own packets and of every further client that has any. */
  static List<String> clientPoints(Trace t) {
    List<String> out = new ArrayList<>();
    if (!t.at(Trace.PEER).isEmpty()) {
      out.add(Trace.PEER);
    }
    t.entries().stream()
        .map(TraceEntry::point)
        .filter(p -> p.startsWith(CLIENT_POINT))
        .distinct()
        .sorted()
        .forEach(out::add);
    return out;
  }

  /** Each INITIAL-CONTACT against each other client that had an IKE SA before it. */
  static List<Pair> pairs(Trace t) {
    List<String> points = clientPoints(t);
    List<Pair> out = new ArrayList<>();
    for (String p : points) {
      for (TraceEntry c : contacts(t, p)) {
        Optional<String> id = identity(t.at(p), c);
        if (id.isEmpty()) {
          continue;
        }
        for (String q : points) {
          if (q.equals(p)) {
            continue;
          }
          fate(t, c, id.get(), q).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  /** The phase-1 messages a client sent with INITIAL-CONTACT, readable (decrypted or plain). */
  static List<TraceEntry> contacts(Trace t, String point) {
    return t.at(point).stream()
        .filter(e -> e.direction() == Direction.SENT)
        .filter(e -> readablePhase1(e).isPresent())
        .filter(
            e ->
                readablePhase1(e).get().all(NotificationPayload.class).stream()
                    .anyMatch(n -> n.notifyType() == NotifyType.INITIAL_CONTACT.code()))
        .toList();
  }

  private static Optional<PacketView.Ike> readablePhase1(TraceEntry e) {
    if (!(e.view() instanceof PacketView.Ike i)
        || !IkeTraffic.isPhase1(i.header().exchangeType())
        || (i.header().encrypted() && !i.decrypted())) {
      return Optional.empty();
    }
    return Optional.of(i);
  }

  /**
   * The ID a client sent in the phase 1 of {@code of}'s IKE SA (same initiator cookie), at or
   * before it.
   */
  private static Optional<String> identity(List<TraceEntry> at, TraceEntry of) {
    byte[] cookie = ((PacketView.Ike) of.view()).header().initiatorCookie();
    return at.stream()
        .filter(e -> e.direction() == Direction.SENT)
        .filter(e -> e.datagram().monoNanos() <= of.datagram().monoNanos())
        .map(InitialContactChecks::readablePhase1)
        .flatMap(Optional::stream)
        .filter(i -> Arrays.equals(i.header().initiatorCookie(), cookie))
        .flatMap(i -> i.all(IdPayload.class).stream())
        .map(IdPayload::identity)
        .reduce((a, b) -> b);
  }

  /**
   * What became of the SAs of client {@code q} after the INITIAL-CONTACT {@code c}; empty when
   * {@code q} had no IKE SA up before it.
   */
  private static Optional<Pair> fate(Trace t, TraceEntry c, String contactId, String q) {
    long tc = c.datagram().monoNanos();
    List<TraceEntry> at = t.at(q);
    List<TraceEntry> before = at.stream().filter(e -> e.datagram().monoNanos() < tc).toList();
    List<TraceEntry> after = at.stream().filter(e -> e.datagram().monoNanos() > tc).toList();
    // q's IKE SA up before the contact: its last phase-1 message with an ID, and its cookie
    Optional<TraceEntry> idMsg =
        before.stream()
            .filter(e -> e.direction() == Direction.SENT)
            .filter(
                e -> readablePhase1(e).map(i -> !i.all(IdPayload.class).isEmpty()).orElse(false))
            .reduce((a, b) -> b);
    if (idMsg.isEmpty()) {
      return Optional.empty();
    }
    byte[] cookie = ((PacketView.Ike) idMsg.get().view()).header().initiatorCookie();
    String qId = identity(at, idMsg.get()).orElseThrow();
    boolean answeredBefore = before.stream().anyMatch(InitialContactChecks::decryptedEspIn);
    // a Delete from the IUT under q's IKE SA, soon after the contact and before q's own next
    // Quick Mode (after which a Delete may be of SAs that rekeying replaced)
    long qmAfter =
        after.stream()
            .filter(e -> IkeTraffic.ikeWhere(e, i -> isQuick(i)))
            .mapToLong(e -> e.datagram().monoNanos())
            .min()
            .orElse(Long.MAX_VALUE);
    Optional<TraceEntry> delete =
        after.stream()
            .filter(e -> e.direction() == Direction.RECEIVED)
            .filter(e -> e.datagram().monoNanos() < qmAfter)
            .filter(e -> e.datagram().monoNanos() - tc <= DELETE_WINDOW.toNanos())
            .filter(
                e ->
                    e.view() instanceof PacketView.Ike i
                        && i.decrypted()
                        && Arrays.equals(i.header().initiatorCookie(), cookie)
                        && !i.all(DeletePayload.class).isEmpty())
            .findFirst();
    if (delete.isPresent()) {
      return Optional.of(
          new Pair(
              c,
              contactId,
              q,
              qId,
              Fate.REMOVED,
              List.of(
                  Evidence.of(
                      delete.get().ref(),
                      "no Delete of " + q + "'s SAs",
                      "a Delete from the IUT "
                          + KeepaliveChecks.seconds(delete.get().datagram().monoNanos() - tc)
                          + " after "
                          + c.ref())),
              "the IUT deleted them"));
    }
    List<TraceEntry> pings =
        after.stream()
            .filter(e -> e.direction() == Direction.SENT && e.view() instanceof PacketView.Esp)
            .toList();
    if (pings.isEmpty()) {
      return Optional.of(
          new Pair(
              c,
              contactId,
              q,
              qId,
              Fate.UNKNOWN,
              List.of(),
              "it sent no ESP afterwards, and no Delete came"));
    }
    Optional<TraceEntry> answer =
        after.stream()
            .filter(e -> e.datagram().monoNanos() > pings.get(0).datagram().monoNanos())
            .filter(InitialContactChecks::decryptedEspIn)
            .findFirst();
    if (answer.isPresent()) {
      return Optional.of(
          new Pair(
              c,
              contactId,
              q,
              qId,
              Fate.KEPT,
              List.of(
                  Evidence.of(
                      answer.get().ref(),
                      q + "'s ESP still answered",
                      "ESP answered under its SA after " + c.ref())),
              "its ESP was still answered afterwards"));
    }
    boolean iutAlive =
        clientPoints(t).stream()
            .filter(p -> !p.equals(q))
            .flatMap(p -> t.at(p).stream())
            .filter(e -> e.datagram().monoNanos() > tc)
            .anyMatch(InitialContactChecks::decryptedEspIn);
    if (!answeredBefore || !iutAlive) {
      return Optional.of(
          new Pair(
              c,
              contactId,
              q,
              qId,
              Fate.UNKNOWN,
              List.of(),
              "its ESP was not answered afterwards, but "
                  + (!answeredBefore
                      ? "it had not been answered before either"
                      : "the IUT answered no client's ESP afterwards")));
    }
    return Optional.of(
        new Pair(
            c,
            contactId,
            q,
            qId,
            Fate.REMOVED,
            List.of(
                new Evidence(
                    pings.stream().map(TraceEntry::ref).limit(3).toList(),
                    q + "'s ESP answered as before the INITIAL-CONTACT",
                    pings.size()
                        + " ESP packet(s) sent after "
                        + c.ref()
                        + ", none answered, while other clients' ESP was")),
            "its ESP was answered before and not after, while the IUT still answered other"
                + " clients"));
  }

  private static boolean isQuick(PacketView.Ike i) {
    return i.header().exchangeType() == ExchangeType.QUICK.code();
  }

  /** ESP the IUT sent that the client's SA opened. */
  private static boolean decryptedEspIn(TraceEntry e) {
    return e.direction() == Direction.RECEIVED
        && e.view() instanceof PacketView.Esp esp
        && esp.inner().isPresent();
  }
}
