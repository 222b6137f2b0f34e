package io.natt.verdict;

import io.natt.trace.Direction;
import io.natt.trace.SaKeys;
import io.natt.trace.Trace;
import io.natt.trace.TraceContext;
import io.natt.trace.TraceEntry;
import io.natt.wire.Attribute;
import io.natt.wire.ExchangeType;
import io.natt.wire.Ike1Attr;
import io.natt.wire.IpsecAttr;
import io.natt.wire.KePayload;
import io.natt.wire.NatTVariant;
import io.natt.wire.PacketView;
import io.natt.wire.SaPayload;
import io.natt.wire.VendorIdPayload;
import io.natt.wire.VendorIds;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a trace for the checks: the harness's Main Mode and Quick Mode messages, and
 * the packets the IUT sent, at the harness and at the observation point nearest to the IUT.
 */
final class IkeTraffic {
  private final Trace trace;
  private final TraceContext ctx;
  private final List<TraceEntry> peer;

  IkeTraffic(Trace trace) {
    this.trace = trace;
    this.ctx = trace.context();
    this.peer = trace.at(Trace.PEER);
  }

  TraceContext context() {
    return ctx;
  }

  List<TraceEntry> peer() {
    return peer;
  }

  /** Everything at the observation point nearest to the IUT, in time order. */
  List<TraceEntry> iutSide() {
    return trace.at(ctx.iutSidePoint());
  }

  boolean fromIut(TraceEntry e) {
    return e.from().getAddress().equals(ctx.iutAddress());
  }

  boolean toIut(TraceEntry e) {
    return e.to().getAddress().equals(ctx.iutAddress());
  }

  static Optional<PacketView.Ike> ike(TraceEntry e) {
    return e.view() instanceof PacketView.Ike i ? Optional.of(i) : Optional.empty();
  }

  /** Whether the entry is an IKEv1 message for which {@code p} holds. */
  static boolean ikeWhere(TraceEntry e, java.util.function.Predicate<PacketView.Ike> p) {
    return e.view() instanceof PacketView.Ike i && p.test(i);
  }

  /**
   * The initiator cookie of the first Main Mode the harness started (message 1: an SA payload and a
   * zero responder cookie), which is the IKE SA the phase-1 checks judge. Later Main Modes (a
   * liveness probe, a replay) are other IKE SAs.
   */
  Optional<byte[]> firstMainModeCookie() {
    return firstMessage1().map(e -> ike(e).orElseThrow().header().initiatorCookie());
  }

  /**
   * Message 1 of the first IKE SA at the harness (an SA payload and a zero responder cookie), sent
   * by the harness (it initiated) or received from the IUT (the IUT initiated).
   */
  Optional<TraceEntry> firstMessage1() {
    return peer.stream()
        .filter(e -> e.direction() == Direction.SENT || e.direction() == Direction.RECEIVED)
        .filter(
            e ->
                ikeWhere(
                    e,
                    i ->
                        isPhase1(i.header().exchangeType())
                            && isZero(i.header().responderCookie())
                            && !i.all(SaPayload.class).isEmpty()))
        .findFirst();
  }

  /**
   * Whether the IUT initiated the first IKE SA (the harness was the responder): then its messages
   * are 1, 3 and 5 (Aggressive Mode 1 and 3), and the harness's 2, 4 and 6.
   */
  boolean iutInitiated() {
    return firstMessage1().map(e -> e.direction() == Direction.RECEIVED).orElse(false);
  }

  /** "initiator" or "responder": the IUT's role in the first IKE SA. */
  String iutRole() {
    return iutInitiated() ? "initiator" : "responder";
  }

  /**
   * The IUT's phase-1 message that carries its NAT-D: as responder Main Mode message 4 or
   * Aggressive Mode message 2; as initiator Main Mode message 3 or Aggressive Mode message 3 (the
   * encrypted one with HASH_I, as the harness decrypted it).
   */
  Optional<TraceEntry> iutNatDMessage() {
    return iutInitiated() && aggressive()
        ? encryptedMainMode(Direction.RECEIVED)
        : withKe(Direction.RECEIVED);
  }

  /** The name of the IUT's message with its identity (IDii or IDir). */
  String iutIdentityMessageName() {
    if (iutInitiated()) {
      return aggressive() ? "Aggressive Mode message 1" : "Main Mode message 5";
    }
    return aggressive() ? "Aggressive Mode message 2" : "Main Mode message 6";
  }

  /**
   * Phase-1 messages of the first IKE SA at the harness, sent or received. Which message each is
   * comes from its content (Main Mode: SA 1/2, KE 3/4, encrypted 5/6; Aggressive Mode: SA and KE
   * 1/2, encrypted 3), a retransmission is the same message again, and a message of another IKE SA
   * is not one of them.
   */
  List<TraceEntry> mainMode(Direction d) {
    Optional<byte[]> cookie = firstMainModeCookie();
    if (cookie.isEmpty()) {
      return List.of();
    }
    return peer.stream()
        .filter(e -> e.direction() == d)
        .filter(
            e ->
                ikeWhere(
                    e,
                    i ->
                        isPhase1(i.header().exchangeType())
                            && Arrays.equals(i.header().initiatorCookie(), cookie.get())))
        .toList();
  }

  /** Main Mode (identity protection) or Aggressive Mode: the exchanges that build an IKE SA. */
  static boolean isPhase1(int exchangeType) {
    return exchangeType == ExchangeType.IDENTITY_PROTECTION.code()
        || exchangeType == ExchangeType.AGGRESSIVE.code();
  }

  /** Whether the first IKE SA was built in Aggressive Mode (message 1 of that exchange). */
  boolean aggressive() {
    return firstMessage1()
        .map(e -> ike(e).orElseThrow().header().exchangeType() == ExchangeType.AGGRESSIVE.code())
        .orElse(false);
  }

  /**
   * The IUT's phase-1 message with its KE and NAT-D payloads, by name: Main Mode message 4, or
   * Aggressive Mode message 2 (RFC 3947 section 3.2 puts the responder's NAT-D there).
   */
  String natDMessageName() {
    if (iutInitiated()) {
      return aggressive() ? "Aggressive Mode message 3" : "Main Mode message 3";
    }
    return aggressive() ? "Aggressive Mode message 2" : "Main Mode message 4";
  }

  /**
   * The phase-1 message of the IUT that carries its identity: Main Mode message 6 (encrypted, as
   * the harness decrypted it) or Aggressive Mode message 2 (plaintext).
   */
  Optional<TraceEntry> iutIdentityMessage() {
    return aggressive() ? withSa(Direction.RECEIVED) : encryptedMainMode(Direction.RECEIVED);
  }

  /**
   * The Main Mode stage of a message from its content: 1 (carries SA: messages 1 and 2), 2 (KE: 3
   * and 4), 3 (encrypted: 5 and 6), 0 otherwise.
   */
  static int mainModeStage(PacketView.Ike i) {
    if (i.header().encrypted()) {
      return 3;
    } else if (!i.all(SaPayload.class).isEmpty()) {
      return 1;
    } else if (!i.all(KePayload.class).isEmpty()) {
      return 2;
    }
    return 0;
  }

  /** Same initiator and responder cookies. */
  static boolean sameSa(PacketView.Ike a, PacketView.Ike b) {
    return Arrays.equals(a.header().initiatorCookie(), b.header().initiatorCookie())
        && Arrays.equals(a.header().responderCookie(), b.header().responderCookie());
  }

  /**
   * The request an IKEv1 message from the IUT answers, at the IUT side: the latest earlier message
   * to the IUT of the same exchange, message ID and cookies (a message 1 still has a zero responder
   * cookie), and in Main Mode of the same stage (message 2 answers 1, 4 answers 3, 6 answers 5).
   * Empty when the IUT started the message itself (an informational, a DPD, a rekey), or when the
   * entry is not an IKEv1 message from the IUT.
   */
  Optional<TraceEntry> requestOf(TraceEntry response) {
    Optional<PacketView.Ike> r = ike(response);
    if (r.isEmpty() || !fromIut(response)) {
      return Optional.empty();
    }
    PacketView.Ike resp = r.get();
    if (startedByIut(resp)) {
      return Optional.empty();
    }
    List<TraceEntry> side = iutSide();
    TraceEntry found = null;
    for (TraceEntry e : side) {
      if (e == response) {
        break;
      }
      Optional<PacketView.Ike> q = ike(e);
      if (q.isEmpty() || !toIut(e)) {
        continue;
      }
      PacketView.Ike req = q.get();
      boolean cookies =
          Arrays.equals(req.header().initiatorCookie(), resp.header().initiatorCookie())
              && (isZero(req.header().responderCookie())
                  || Arrays.equals(
                      req.header().responderCookie(), resp.header().responderCookie()));
      boolean same =
          cookies
              && req.header().exchangeType() == resp.header().exchangeType()
              && req.header().messageId() == resp.header().messageId()
              && (resp.header().exchangeType() != ExchangeType.IDENTITY_PROTECTION.code()
                  || mainModeStage(req) == mainModeStage(resp));
      if (same) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * Whether the IUT started the exchange this message of it belongs to: the first message of that
   * exchange (same initiator cookie, exchange type and message ID; a phase-1 exchange by its
   * initiator cookie alone) seen at the IUT side came from the IUT. Its own messages in an exchange
   * it started are requests, not responses.
   */
  private boolean startedByIut(PacketView.Ike m) {
    for (TraceEntry e : iutSide()) {
      Optional<PacketView.Ike> q = ike(e);
      if (q.isEmpty()) {
        continue;
      }
      PacketView.Ike i = q.get();
      boolean sameExchange =
          Arrays.equals(i.header().initiatorCookie(), m.header().initiatorCookie())
              && i.header().exchangeType() == m.header().exchangeType()
              && (isPhase1(m.header().exchangeType())
                  || i.header().messageId() == m.header().messageId());
      if (sameExchange) {
        return fromIut(e);
      }
    }
    return false;
  }

  static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** Message 1 (sent) or 2 (received) of the first IKE SA: the plaintext message with the SA. */
  Optional<TraceEntry> withSa(Direction d) {
    return mainMode(d).stream()
        .filter(e -> !ike(e).orElseThrow().all(SaPayload.class).isEmpty())
        .findFirst();
  }

  /**
   * Message 3 (sent) or 4 (received): the plaintext message carrying KE; in Aggressive Mode message
   * 1 or 2.
   */
  Optional<TraceEntry> withKe(Direction d) {
    return mainMode(d).stream()
        .filter(e -> !ike(e).orElseThrow().all(KePayload.class).isEmpty())
        .findFirst();
  }

  /** Message 5 (sent) or 6 (received): the first encrypted Main Mode message. */
  Optional<TraceEntry> encryptedMainMode(Direction d) {
    return mainMode(d).stream().filter(e -> ike(e).orElseThrow().header().encrypted()).findFirst();
  }

  /** The Quick Mode messages the IUT sent, as decrypted by the harness. */
  List<TraceEntry> quickModeFromIut() {
    return peer.stream()
        .filter(e -> e.direction() == Direction.RECEIVED)
        .filter(
            e ->
                ike(e)
                    .map(
                        i ->
                            i.header().exchangeType() == ExchangeType.QUICK.code() && i.decrypted())
                    .orElse(false))
        .toList();
  }

  static boolean hasVid(TraceEntry e, byte[] vid) {
    return ike(e).orElseThrow().all(VendorIdPayload.class).stream()
        .anyMatch(v -> Arrays.equals(v.data(), vid));
  }

  static List<String> vids(TraceEntry e) {
    return ike(e).orElseThrow().all(VendorIdPayload.class).stream()
        .map(v -> VendorIds.name(v.data()))
        .toList();
  }

  /** The NAT-T variant both sides announced in messages 1 and 2: RFC 3947, a draft, or none. */
  Optional<NatTVariant> agreedNatT() {
    Optional<TraceEntry> m1 = withSa(Direction.SENT);
    Optional<TraceEntry> m2 = withSa(Direction.RECEIVED);
    if (m1.isEmpty() || m2.isEmpty()) {
      return Optional.empty();
    }
    // RFC 3947 first, then the drafts in the registry's order
    for (NatTVariant v : NatTVariant.values()) {
      if (hasVid(m1.get(), v.vendorId()) && hasVid(m2.get(), v.vendorId())) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** The hash algorithm the IUT chose in message 2 ("SHA-1", "SHA-256", "MD5"). */
  Optional<String> negotiatedHash() {
    // the responder's message 2 holds the one chosen transform
    return withSa(iutInitiated() ? Direction.SENT : Direction.RECEIVED)
        .flatMap(e -> ike(e).orElseThrow().all(SaPayload.class).stream().findFirst())
        .flatMap(sa -> sa.proposals().stream().findFirst())
        .flatMap(p -> p.transforms().stream().findFirst())
        .flatMap(
            t ->
                t.attributes().stream()
                    .filter(a -> a.type() == Ike1Attr.HASH_ALGORITHM)
                    .findFirst())
        .map(Attribute::longValue)
        .map(
            v ->
                switch (v.intValue()) {
                  case Ike1Attr.HASH_MD5 -> "MD5";
                  case Ike1Attr.HASH_SHA1 -> "SHA-1";
                  case Ike1Attr.HASH_SHA2_256 -> "SHA-256";
                  case Ike1Attr.HASH_SHA2_384 -> "SHA-384";
                  case Ike1Attr.HASH_SHA2_512 -> "SHA-512";
                  default -> "unknown(" + v + ")";
                });
  }

  /** The entry at the IUT side carrying the same UDP payload as {@code e} (the NAT keeps it). */
  Optional<TraceEntry> atIutSide(TraceEntry e) {
    if (e.point().equals(ctx.iutSidePoint())) {
      return Optional.of(e);
    }
    byte[] p = e.datagram().payload();
    return iutSide().stream().filter(o -> Arrays.equals(o.datagram().payload(), p)).findFirst();
  }

  /** Did the harness move to 4500 (send any IKE on 4500)? */
  Optional<TraceEntry> harnessFloat() {
    Optional<byte[]> first = firstMainModeCookie();
    return peer.stream()
        .filter(e -> e.direction() == Direction.SENT && e.isIke() && e.from().getPort() == 4500)
        .filter(
            e ->
                first.isEmpty()
                    || Arrays.equals(ike(e).orElseThrow().header().initiatorCookie(), first.get()))
        .findFirst();
  }

  /**
   * What an initiating IUT had to conclude from NAT-D: a NAT between, none, or none but it fakes.
   */
  enum NatView {
    /** The harness's NAT-D named the IUT or the harness elsewhere than they are: a NAT between. */
    NAT,
    /** Both sides' NAT-D named each where it was seen: no NAT between. */
    NONE,
    /**
     * The harness's NAT-D showed no NAT, but the IUT's own NAT-D does not name it where the harness
     * saw it: it forces UDP encapsulation (charon with kernel-libipsec fakes that hash).
     */
    FORCED
  }

  /** The NAT an initiating IUT saw ({@code view}), or why the trace cannot tell ({@code why}). */
  record InitiatorNat(NatView view, String why) {}

  /**
   * For an IUT that initiated the first IKE SA: whether a NAT lay between as RFC 3947 section 3.2
   * lets it find out, from the harness's NAT-D in Main Mode message 4 (Aggressive Mode message 2),
   * the first hash that of the IUT's own address and the port the harness saw, another that of the
   * harness; and when they show none, whether the IUT's own NAT-D names it where the harness saw
   * it. A null {@code view} means the trace cannot tell. Without an agreed NAT-T variant there is
   * no NAT-D, and no reason for UDP encapsulation: NONE.
   */
  InitiatorNat initiatorNat() {
    if (agreedNatT().isEmpty()) {
      return new InitiatorNat(NatView.NONE, "no NAT-T variant was agreed");
    }
    Optional<TraceEntry> harnessNatD = withKe(Direction.SENT);
    Optional<TraceEntry> iutKe = withKe(Direction.RECEIVED);
    if (harnessNatD.isEmpty() || iutKe.isEmpty()) {
      return new InitiatorNat(null, "the key exchange did not get as far as the NAT-D payloads");
    }
    PacketView.Ike h = ike(harnessNatD.get()).orElseThrow();
    List<io.natt.wire.NatDPayload> natd = h.all(io.natt.wire.NatDPayload.class);
    Optional<String> alg = negotiatedHash();
    if (natd.size() < 2 || alg.isEmpty() || alg.get().startsWith("unknown")) {
      return new InitiatorNat(
          null, "the harness sent no NAT-D pair, or the negotiated hash algorithm is unknown");
    }
    InetSocketAddress seen = iutKe.get().from();
    InetSocketAddress harness = iutKe.get().to();
    InetSocketAddress own = new InetSocketAddress(ctx.iutOwnAddress(), seen.getPort());
    boolean iutMatches = Arrays.equals(natd.get(0).hash(), natdHash(alg.get(), h, own));
    byte[] harnessHash = natdHash(alg.get(), h, harness);
    boolean harnessMatches =
        natd.stream().skip(1).anyMatch(n -> Arrays.equals(n.hash(), harnessHash));
    if (!iutMatches || !harnessMatches) {
      return new InitiatorNat(
          NatView.NAT,
          "the harness's NAT-D showed a NAT ("
              + (iutMatches ? "its own hash" : "its hash of the IUT at " + endpoint(own))
              + " did not match)");
    }
    Optional<TraceEntry> mine = iutNatDMessage();
    List<io.natt.wire.NatDPayload> theirs =
        mine.map(e -> ike(e).orElseThrow().all(io.natt.wire.NatDPayload.class)).orElse(List.of());
    if (theirs.size() >= 2) {
      byte[] real = natdHash(alg.get(), ike(mine.get()).orElseThrow(), seen);
      if (theirs.stream().skip(1).noneMatch(n -> Arrays.equals(n.hash(), real))) {
        return new InitiatorNat(
            NatView.FORCED,
            "no NAT between (the harness's NAT-D matched), but the IUT's own NAT-D does not name"
                + " it at "
                + endpoint(seen)
                + ": it forces UDP encapsulation");
      }
    }
    return new InitiatorNat(
        NatView.NONE,
        "no NAT between: the NAT-D of both sides named each at "
            + endpoint(seen)
            + " and "
            + endpoint(harness));
  }

  /** ESP SPIs the harness negotiated (both directions). */
  List<Long> espSpis() {
    return trace.keys().stream()
        .filter(k -> k instanceof SaKeys.Esp)
        .map(k -> ((SaKeys.Esp) k).spi())
        .toList();
  }

  static String endpoint(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /**
   * The NAT-D hash of an endpoint for the IKE SA of {@code h} (RFC 3947 section 3.2: HASH of CKY-I,
   * CKY-R, IP, port) with the negotiated hash algorithm.
   */
  static byte[] natdHash(String alg, PacketView.Ike h, byte[] address, int port) {
    return hash(
        alg,
        h.header().initiatorCookie(),
        h.header().responderCookie(),
        address,
        java.nio.ByteBuffer.allocate(2).putShort((short) port).array());
  }

  static byte[] natdHash(String alg, PacketView.Ike h, InetSocketAddress a) {
    return natdHash(alg, h, a.getAddress().getAddress(), a.getPort());
  }

  static byte[] hash(String alg, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance(alg);
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("no hash " + alg, e);
    }
  }

  static int encapsulationMode(SaPayload sa) {
    return sa.proposals().stream()
        .flatMap(p -> p.transforms().stream())
        .flatMap(t -> t.attributes().stream())
        .filter(a -> a.type() == IpsecAttr.ENCAPSULATION_MODE)
        .map(a -> (int) a.longValue())
        .findFirst()
        .orElse(-1);
  }
}
