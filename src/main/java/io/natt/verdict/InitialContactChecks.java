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

  /** 3947-6-initial-contact-not-by-address (MUST): clients with another ID keep their SAs. */
  static Judgement notByAddress(Trace t, Requirement r) {
    return judge(
        t,
        r,
        false,
        Fate.REMOVED,
        new Wording(
            "nothing another client holds could be removed",
            "every client that had SAs at the INITIAL-CONTACT shares the sender's ID: removing"
                + " them is what RFC 3947 section 6 recommends, not removal by address",
            "after INITIAL-CONTACT from one client behind the NAT, the IUT removed the SAs of a"
                + " client with another ID behind the same NAT address: ",
            "no client with another ID sent ESP after the INITIAL-CONTACT and no Delete came: ",
            "the SAs of the client(s) with another ID behind the same NAT survived the"
                + " INITIAL-CONTACT: "));
  }

  /**
   * 3947-6-initial-contact-same-id (SHOULD): the older SAs of another client with the sender's ID
   * are removed (a Delete of them, or their ESP no longer answered while others' is).
   */
  static Judgement sameId(Trace t, Requirement r) {
    return judge(
        t,
        r,
        true,
        Fate.KEPT,
        new Wording(
            "nothing of the same ID could be removed",
            "no client that had SAs at the INITIAL-CONTACT shares the sender's ID: each has an ID"
                + " of its own",
            "after INITIAL-CONTACT the IUT kept the older SAs of the same ID: ",
            "the client with the sender's ID sent no ESP after the INITIAL-CONTACT and no Delete"
                + " came: ",
            "the IUT removed the older SAs of the sender's ID on INITIAL-CONTACT: "));
  }

  /**
   * The reasons of one of the two checks.
   *
   * @param noPair why nothing could be judged when no other client had SAs at the contact
   * @param otherKind why it does not apply when every such client is of the other kind of ID
   * @param bad start of the FAIL reason
   * @param unknown start of the INCONCLUSIVE reason when no fate was seen
   * @param good start of the PASS reason
   */
  private record Wording(
      String noPair, String otherKind, String bad, String unknown, String good) {}

  /**
   * Judges the pairs of one kind of ID ({@code sameIds}): FAIL on any pair whose fate is {@code
   * bad}, else PASS on any with the other known fate, else INCONCLUSIVE.
   */
  private static Judgement judge(Trace t, Requirement r, boolean sameIds, Fate bad, Wording w) {
    Optional<String> undecided = undecided(t);
    if (undecided.isPresent()) {
      return Judgement.inconclusive(r, undecided.get());
    }
    List<Pair> pairs = pairs(t);
    List<Pair> mine = pairs.stream().filter(p -> p.sameId() == sameIds).toList();
    if (mine.isEmpty()) {
      return pairs.isEmpty()
          ? Judgement.inconclusive(
              r, "no other client had an IKE SA when a client sent INITIAL-CONTACT: " + w.noPair())
          : Judgement.notApplicable(r, w.otherKind());
    }
    Fate good = bad == Fate.REMOVED ? Fate.KEPT : Fate.REMOVED;
    for (Fate f : List.of(bad, good)) {
      List<Pair> seen = mine.stream().filter(p -> p.fate() == f).toList();
      if (!seen.isEmpty()) {
        List<Evidence> ev = new ArrayList<>();
        seen.forEach(p -> ev.addAll(p.evidence()));
        return f == bad
            ? Judgement.fail(r, w.bad() + seen.get(0).describe(), ev)
            : Judgement.pass(r, w.good() + seen.get(0).describe(), ev);
      }
    }
    return Judgement.inconclusive(r, w.unknown() + mine.get(0).describe());
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
      return Optional.of(
          "no client ended a phase 1 that the IUT accepted with INITIAL-CONTACT (sent none, or"
              + " the IUT refused that phase 1)");
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

  /**
   * The phase-1 messages a client sent with INITIAL-CONTACT, readable (decrypted or plain), whose
   * IKE SA the IUT accepted: a decrypted answer of it came back afterwards (Main Mode message 6, a
   * Quick Mode, an Informational). One the IUT refused (AUTH_FAILED: no configuration for that ID)
   * removes nothing and counts as none.
   */
  static List<TraceEntry> contacts(Trace t, String point) {
    List<TraceEntry> at = t.at(point);
    return at.stream()
        .filter(e -> e.direction() == Direction.SENT)
        .filter(e -> readablePhase1(e).isPresent())
        .filter(
            e ->
                readablePhase1(e).get().all(NotificationPayload.class).stream()
                    .anyMatch(n -> n.notifyType() == NotifyType.INITIAL_CONTACT.code()))
        .filter(e -> accepted(at, e))
        .toList();
  }

  private static boolean accepted(List<TraceEntry> at, TraceEntry contact) {
    byte[] cookie = ((PacketView.Ike) contact.view()).header().initiatorCookie();
    return at.stream()
        .filter(e -> e.direction() == Direction.RECEIVED)
        .filter(e -> e.datagram().monoNanos() > contact.datagram().monoNanos())
        .anyMatch(
            e ->
                e.view() instanceof PacketView.Ike i
                    && i.decrypted()
                    && Arrays.equals(i.header().initiatorCookie(), cookie)
                    && i.all(NotificationPayload.class).stream()
                        .noneMatch(n -> n.notifyType() < 16384));
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
    // q's IKE SA up before the contact: its last phase-1 message with an ID, and its cookie
    Optional<TraceEntry> idMsg =
        at.stream()
            .filter(e -> e.datagram().monoNanos() < tc && e.direction() == Direction.SENT)
            .filter(
                e -> readablePhase1(e).map(i -> !i.all(IdPayload.class).isEmpty()).orElse(false))
            .reduce((a, b) -> b);
    if (idMsg.isEmpty()) {
      return Optional.empty();
    }
    Seen s = seen(t, c, q, ((PacketView.Ike) idMsg.get().view()).header().initiatorCookie());
    return Optional.of(
        new Pair(
            c, contactId, q, identity(at, idMsg.get()).orElseThrow(), s.fate(), s.ev(), s.why()));
  }

  /** A fate with what it rests on. */
  private record Seen(Fate fate, List<Evidence> ev, String why) {
    static Seen unknown(String why) {
      return new Seen(Fate.UNKNOWN, List.of(), why);
    }
  }

  /**
   * What the IUT did to the SAs of {@code q} (IKE SA {@code cookie}) after the contact {@code c}.
   */
  private static Seen seen(Trace t, TraceEntry c, String q, byte[] cookie) {
    long tc = c.datagram().monoNanos();
    List<TraceEntry> at = t.at(q);
    List<TraceEntry> after = at.stream().filter(e -> e.datagram().monoNanos() > tc).toList();
    // a Delete from the IUT under q's IKE SA, soon after the contact and before q's own next
    // Quick Mode (after which a Delete may be of SAs that rekeying replaced)
    long qmAfter =
        after.stream()
            .filter(e -> IkeTraffic.ikeWhere(e, InitialContactChecks::isQuick))
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
      String when = KeepaliveChecks.seconds(delete.get().datagram().monoNanos() - tc);
      return new Seen(
          Fate.REMOVED,
          List.of(
              Evidence.of(
                  delete.get().ref(),
                  "no Delete of " + q + "'s SAs",
                  "a Delete from the IUT " + when + " after " + c.ref())),
          "the IUT deleted them");
    }
    List<TraceEntry> pings =
        after.stream()
            .filter(e -> e.direction() == Direction.SENT && e.view() instanceof PacketView.Esp)
            .toList();
    if (pings.isEmpty()) {
      return Seen.unknown("it sent no ESP afterwards, and no Delete came");
    }
    long firstPing = pings.get(0).datagram().monoNanos();
    Optional<TraceEntry> answer =
        after.stream()
            .filter(e -> e.datagram().monoNanos() > firstPing)
            .filter(InitialContactChecks::decryptedEspIn)
            .findFirst();
    if (answer.isPresent()) {
      return new Seen(
          Fate.KEPT,
          List.of(
              Evidence.of(
                  answer.get().ref(),
                  q + "'s ESP still answered",
                  "ESP answered under its SA after " + c.ref())),
          "its ESP was still answered afterwards");
    }
    boolean answeredBefore =
        at.stream()
            .filter(e -> e.datagram().monoNanos() < tc)
            .anyMatch(InitialContactChecks::decryptedEspIn);
    boolean iutAlive =
        clientPoints(t).stream()
            .filter(p -> !p.equals(q))
            .flatMap(p -> t.at(p).stream())
            .filter(e -> e.datagram().monoNanos() > tc)
            .anyMatch(InitialContactChecks::decryptedEspIn);
    if (!answeredBefore || !iutAlive) {
      return Seen.unknown(
          "its ESP was not answered afterwards, but "
              + (!answeredBefore
                  ? "it had not been answered before either"
                  : "the IUT answered no client's ESP afterwards"));
    }
    return new Seen(
        Fate.REMOVED,
        List.of(
            new Evidence(
                pings.stream().map(TraceEntry::ref).limit(3).toList(),
                q + "'s ESP answered as before the INITIAL-CONTACT",
                pings.size()
                    + " ESP packet(s) sent after "
                    + c.ref()
                    + ", none answered, while other clients' ESP was")),
        "its ESP was answered before and not after, while the IUT still answered other clients");
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
