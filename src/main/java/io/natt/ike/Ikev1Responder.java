package io.natt.ike;

import io.natt.crypto.CryptoException;
import io.natt.crypto.DhGroup;
import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.crypto.HashAlg;
import io.natt.crypto.Ike1Cipher;
import io.natt.wire.Attribute;
import io.natt.wire.Datagram;
import io.natt.wire.DeletePayload;
import io.natt.wire.ExchangeType;
import io.natt.wire.HashPayload;
import io.natt.wire.IdPayload;
import io.natt.wire.Ike1Attr;
import io.natt.wire.IpsecAttr;
import io.natt.wire.IsakmpHeader;
import io.natt.wire.IsakmpMessage;
import io.natt.wire.KePayload;
import io.natt.wire.MalformedException;
import io.natt.wire.NatDPayload;
import io.natt.wire.NatOaPayload;
import io.natt.wire.NatTVariant;
import io.natt.wire.NoncePayload;
import io.natt.wire.NotificationPayload;
import io.natt.wire.NotifyType;
import io.natt.wire.PacketView;
import io.natt.wire.Payload;
import io.natt.wire.PayloadType;
import io.natt.wire.Payloads;
import io.natt.wire.Proposal;
import io.natt.wire.SaPayload;
import io.natt.wire.Transform;
import io.natt.wire.VendorIdPayload;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The harness's IKEv1 responder, to play an emulated IUT: Main Mode and Aggressive Mode with
 * pre-shared keys and Quick Mode (RFC 2409) with RFC 3947 NAT traversal. It follows the initiator
 * to port 4500, answers every message where it came from, and keeps serving whatever the initiator
 * sends: malformed or undecryptable input is noted through the {@link PeerListener}, never thrown.
 *
 * <p>{@link Knobs} it honours: {@code vendorIds} (which NAT-T vendor IDs it is willing to echo),
 * {@code natD} (how its message 4 NAT-D payloads are built), {@code floatAt} ({@code NEVER}: it
 * keeps answering from port 500 to the initiator's port-500 endpoint after the initiator moved to
 * 4500; every other value follows the initiator) and {@code encapsulationMode} (a value other than
 * 3 replaces the accepted encapsulation mode in Quick Mode message 2). Keepalives are the business
 * of whoever runs the sockets.
 *
 * <p>Where it sends: during Main Mode it answers wherever each message came from. Once the IKE SA
 * is up it follows the initiator to a new address or port only on an authenticated packet (a
 * message that decrypts, or a valid ESP packet reported through {@link #authenticated}), as RFC
 * 3947 section 7 asks; {@link #remoteEndpoint()} is that endpoint.
 *
 * <p>{@link Knobs.Deviation}s it honours: {@code NO_MARKER} (IKE on 4500 without the non-ESP
 * marker), {@code ID_PORT_500} (IDir with protocol 17, port 500), {@code REPLY_TO_PORT_500} (every
 * answer to port 500, or 4500 when the message came on 4500, of the sender's address), {@code
 * IGNORE_4500_START} (a Main Mode message 1 on 4500 is noted and not answered), {@code
 * IGNORE_REBINDING} (after the IKE SA is up, it keeps sending to the first 4500 endpoint), and for
 * Quick Mode {@code NAT_OA_OMITTED}, {@code NAT_OA_IN_TUNNEL}, {@code NAT_OA_MALFORMED}, {@code
 * NAT_OA_ECHOED} and {@code MIXED_MODES}.
 *
 * <p>Quick Mode: it accepts the offered encapsulation mode (tunnel or transport) and sends NAT-OAi
 * (the initiator's address as it came) and NAT-OAr (its own) only when it chose
 * UDP-Encapsulated-Transport (RFC 3947 section 5.2); it keeps the initiator's NAT-OA payloads
 * ({@link #initiatorNatOa()}) for the transport-mode checksum fix.
 */
public final class Ikev1Responder {
  private static final int MAX_SENDS = 4;

  private final ResponderConfig cfg;
  private final Channel channel;
  private final PeerListener listener;
  private final SecureRandom random;

  private IkeSa sa;
  private volatile InetSocketAddress remote;
  private volatile InetSocketAddress initiator500;

  /** With the deviation ignore-rebinding: the first 4500 endpoint after the IKE SA came up. */
  private InetSocketAddress pinned;

  /** Whether {@link #remote} was learnt from a packet on port 4500 (after the float). */
  private boolean remoteOn4500;

  private int localPort = 500;
  private NatTNegotiation natT;
  private final List<ChildSaKeys> children = new ArrayList<>();
  private final List<PacketView.Ike> informationals = new ArrayList<>();
  private volatile List<NatOaPayload> initiatorNatOa = List.of();
  private byte[] lastRequest;
  private Reply lastReply;
  private byte[] lastPhase1;
  private PacketView.Ike lastPhase1View;
  private boolean awaitingNext;
  private int resends;
  private int messagesSent;
  private boolean recorded;
  private long lastSentNanos;
  private volatile String peerIdentity;
  private volatile boolean initialContact;

  /**
   * Looks at the initiator identity (ID_ci) of each Quick Mode before it is answered: null accepts
   * it, a reason refuses it with INVALID_ID_INFORMATION (none set: every identity is accepted).
   */
  private volatile java.util.function.Function<IdPayload, String> quickModeGate;

  public Ikev1Responder(
      ResponderConfig cfg, Channel channel, PeerListener listener, SecureRandom rnd) {
    this.cfg = cfg;
    this.channel = channel;
    this.listener = listener;
    this.random = rnd;
  }

  /** The one IKE SA being negotiated or established: its session plus what only Main Mode needs. */
  private static final class IkeSa {
    final Phase1Session session;
    final InetSocketAddress initiator500;

    /** Aggressive Mode: the body of IDii from message 1, for HASH_I in message 3. */
    byte[] idiiBody;

    final Map<Long, QuickMode> quickModes = new HashMap<>();

    IkeSa(Phase1Session session, InetSocketAddress initiator500) {
      this.session = session;
      this.initiator500 = initiator500;
    }
  }

  /** One Quick Mode exchange, by message ID. */
  private static final class QuickMode {
    byte[] ni;
    byte[] nr;
    byte[] spiI;
    byte[] spiR;
    EspCipher espCipher;
    EspIntegrity espIntegrity;
    int mode;
    boolean done;
  }

  private record Reply(int localPort, InetSocketAddress to, byte[] bytes, PacketView.Ike view) {}

  // ------------------------------------------------------------------ observable state

  /**
   * Where the responder sends to: the initiator as last heard from during Main Mode, then as last
   * heard from in an authenticated packet (behind a NAT: its public address and port). Safe to read
   * from any thread.
   */
  public InetSocketAddress remoteEndpoint() {
    return remote;
  }

  /**
   * The initiator's port-500 endpoint as seen by the responder (behind a NAT: the public port its
   * port 500 is mapped to); null before Main Mode message 1. Safe to read from any thread.
   */
  public InetSocketAddress initiator500() {
    return initiator500;
  }

  /**
   * Reports an authenticated packet (a valid ESP packet that decrypted) from {@code from}, received
   * on {@code localPort}: the responder follows the initiator there (RFC 3947 section 7), unless
   * the deviation ignore-rebinding pinned the first 4500 endpoint. Call from the serving thread.
   */
  public void authenticated(InetSocketAddress from, int localPort, String what) {
    followOn(from, localPort, what, false);
  }

  /** Follows the initiator on an authenticated IKE message. */
  private void follow(InetSocketAddress from, int port, String what) {
    followOn(from, port, what, true);
  }

  private void followOn(InetSocketAddress from, int port, String what, boolean ike) {
    Knobs.Deviation stays = null;
    InetSocketAddress kept = null;
    if (ike
        && remote != null
        && !remote.equals(from)
        && established()
        && cfg.knobs().has(Knobs.Deviation.IGNORE_IKE_REBINDING)) {
      stays = Knobs.Deviation.IGNORE_IKE_REBINDING;
      kept = remote;
    } else if (pinned != null && !pinned.equals(from)) {
      stays = Knobs.Deviation.IGNORE_REBINDING;
      kept = pinned;
    }
    if (stays != null) {
      listener.note(
          "responder: "
              + what
              + " from "
              + from
              + ", but it keeps sending to "
              + kept
              + " (deviation "
              + stays.word()
              + ")");
      return;
    }
    if (remote != null
        && remoteOn4500
        && !remote.equals(from)
        && established()
        && staysBehindNat()) {
      listener.note(
          "responder: "
              + what
              + " from "
              + from
              + ", but it is behind a NAT and its peer is not: it keeps sending to "
              + remote
              + " (RFC 3947 section 7)");
      return;
    }
    if (remote != null && !remote.equals(from) && established()) {
      listener.note(
          "responder: the initiator moved from " + remote + " to " + from + " (" + what + ")");
    }
    remote = from;
    remoteOn4500 = port == 4500;
    if (pinned == null
        && port == 4500
        && established()
        && cfg.knobs().has(Knobs.Deviation.IGNORE_REBINDING)) {
      pinned = from;
      listener.note(
          "responder: pins the initiator's 4500 endpoint "
              + from
              + " for good (deviation ignore-rebinding)");
    }
  }

  /**
   * Whether the responder keeps its peer's endpoint when authenticated traffic comes from another
   * one: its NAT-D found it behind a NAT and the initiator not (RFC 3947 section 7: the host behind
   * the NAT does not follow), unless the deviation follow-behind-nat.
   */
  private boolean staysBehindNat() {
    NatDetection n = natDetection();
    return n.localBehindNat()
        && !n.remoteBehindNat()
        && !cfg.knobs().has(Knobs.Deviation.FOLLOW_BEHIND_NAT);
  }

  /** The local port the last IKE message arrived on: 500, or 4500 once the initiator floated. */
  public int localPort() {
    return localPort;
  }

  public boolean floated() {
    return localPort == 4500;
  }

  /**
   * What the initiator's NAT-D payloads revealed, from the responder's side: {@code localBehindNat}
   * = the responder is behind a NAT, {@code remoteBehindNat} = the initiator is.
   */
  public NatDetection natDetection() {
    return natT == null ? NatDetection.NONE : natT.detection();
  }

  public boolean established() {
    return sa != null && sa.session.established();
  }

  /** The CHILD_SAs completed so far (inbound = the responder's SPI). */
  public List<ChildSaKeys> children() {
    return List.copyOf(children);
  }

  /** Informational exchanges received (decrypted when the IKE SA allowed it). */
  public List<PacketView.Ike> informationals() {
    return List.copyOf(informationals);
  }

  public byte[] initiatorCookie() {
    return sa == null ? new byte[8] : sa.session.initiatorCookie();
  }

  /** Whether {@code h} belongs to the IKE SA this responder negotiates or holds (both cookies). */
  public boolean owns(IsakmpHeader h) {
    return ours(h);
  }

  /** Whether {@code h} starts from the initiator cookie of this responder's IKE SA. */
  public boolean sameInitiator(IsakmpHeader h) {
    return sa != null && Arrays.equals(sa.session.initiatorCookie(), h.initiatorCookie());
  }

  /** The identity of the initiator's phase-1 ID payload (IDii), once it was received; else null. */
  public String peerIdentity() {
    return peerIdentity;
  }

  /**
   * Whether the initiator ended its phase 1 with the INITIAL-CONTACT notification (Main Mode
   * message 5, Aggressive Mode message 3).
   */
  public boolean initialContact() {
    return initialContact;
  }

  public byte[] responderCookie() {
    return sa == null ? new byte[8] : sa.session.responderCookie();
  }

  /** The phase-1 encryption key (for a Wireshark IKEv1 decryption table). */
  public byte[] phase1EncryptionKey() {
    return sa == null ? new byte[0] : sa.session.encryptionKey();
  }

  public int messagesSent() {
    return messagesSent;
  }

  // ------------------------------------------------------------------ serving

  /**
   * Serves for at most {@code timeout}; returns as soon as a Quick Mode completed, with its keys.
   * While an exchange waits for its next message, the last answer is retransmitted every {@code
   * answerTimeout}.
   */
  public Optional<ChildSaKeys> serve(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      long wait = left;
      if (awaitingNext) {
        long due = lastSentNanos + cfg.answerTimeout().toNanos() - System.nanoTime();
        wait = Math.max(1, Math.min(left, due));
      }
      Optional<Datagram> in = channel.receive(Duration.ofNanos(wait));
      if (in.isEmpty()) {
        maybeResend();
        continue;
      }
      Optional<ChildSaKeys> child = handle(in.get());
      if (child.isPresent()) {
        return child;
      }
    }
  }

  /**
   * Handles one datagram from the channel; returns the keys when it completed a Quick Mode. Never
   * throws for what the peer sent.
   */
  public Optional<ChildSaKeys> handle(Datagram d) {
    if (cfg.knobs().has(Knobs.Deviation.SILENT)) {
      listener.received(d, PacketView.classify(d.from().getPort(), d.to().getPort(), d.payload()));
      return Optional.empty();
    }
    try {
      return dispatch(d);
    } catch (IkeException | MalformedException | CryptoException | IllegalArgumentException e) {
      if (!recorded) {
        received(d, PacketView.classify(d.from().getPort(), d.to().getPort(), d.payload()));
      }
      listener.note("responder: dropped a message from " + d.from() + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private void maybeResend() {
    if (!awaitingNext
        || lastReply == null
        || System.nanoTime() - lastSentNanos < cfg.answerTimeout().toNanos()) {
      return;
    }
    if (resends + 1 >= MAX_SENDS) {
      awaitingNext = false;
      listener.note("responder: no next message after " + MAX_SENDS + " sends; giving up waiting");
      return;
    }
    resends++;
    listener.note("responder: no next message yet: retransmitting its last answer");
    transmit(lastReply);
  }

  private void received(Datagram d, PacketView view) {
    recorded = true;
    listener.received(d, view);
  }

  private Optional<ChildSaKeys> dispatch(Datagram d) {
    recorded = false;
    PacketView view = PacketView.classify(d.from().getPort(), d.to().getPort(), d.payload());
    if (!(view instanceof PacketView.Ike m)) {
      received(d, view);
      listener.note("responder: ignored a non-IKE datagram: " + view.summary());
      return Optional.empty();
    }
    IsakmpHeader h = m.header();
    int ex = h.exchangeType();
    boolean newMainMode =
        !h.encrypted()
            && ex == ExchangeType.IDENTITY_PROTECTION.code()
            && allZero(h.responderCookie());
    boolean newAggressive =
        !h.encrypted() && ex == ExchangeType.AGGRESSIVE.code() && allZero(h.responderCookie());
    if ((newMainMode || newAggressive)
        && d.to().getPort() == 4500
        && cfg.knobs().has(Knobs.Deviation.IGNORE_4500_START)) {
      received(d, view);
      listener.note(
          "responder: ignored a new negotiation ("
              + (newMainMode ? "Main" : "Aggressive")
              + " Mode message 1) on UDP 4500"
              + " (deviation ignore-4500-start)");
      return Optional.empty();
    }
    if (stalePhase1(d, h, view)) {
      return Optional.empty();
    }
    localPort = d.to().getPort();
    if (newMainMode || newAggressive) {
      pinned = null;
      remote = d.from();
    } else if (!established()) {
      remote = d.from();
    }
    if (lastRequest != null && lastReply != null && Arrays.equals(lastRequest, d.payload())) {
      received(d, view);
      listener.note("responder: retransmission received: sending its answer again");
      transmit(lastReply);
      return Optional.empty();
    }
    if (h.majorVersion() != 1) {
      received(d, view);
      listener.note(
          "responder: ignored ISAKMP version " + h.majorVersion() + "." + h.minorVersion());
      return Optional.empty();
    }
    if (!h.encrypted()) {
      received(d, view);
      if (newMainMode) {
        mainMode1(d, m);
      } else if (newAggressive) {
        aggressive1(d, m);
      } else if (ex == ExchangeType.IDENTITY_PROTECTION.code()
          && ours(h)
          && !sa.session.keyed()
          && !m.all(KePayload.class).isEmpty()) {
        mainMode3(d, m);
      } else if (ex == ExchangeType.INFORMATIONAL.code()) {
        informational(m);
      } else {
        listener.note("responder: ignored an unexpected plaintext " + view.summary());
      }
      return Optional.empty();
    }
    if (!ours(h) || !sa.session.keyed()) {
      received(d, view);
      listener.note("responder: ignored an encrypted message for no IKE SA it knows");
      return Optional.empty();
    }
    if (ex == ExchangeType.IDENTITY_PROTECTION.code()) {
      mainMode5(d, m);
      return Optional.empty();
    }
    if (ex == ExchangeType.AGGRESSIVE.code() && !sa.session.established()) {
      aggressive3(d, m);
      return Optional.empty();
    }
    if (!sa.session.established()) {
      received(d, view);
      listener.note("responder: ignored " + view.summary() + " before Main Mode completed");
      return Optional.empty();
    }
    if (ex == ExchangeType.QUICK.code()) {
      return quickMode(d, m);
    }
    if (ex == ExchangeType.INFORMATIONAL.code()) {
      byte[] ivInfo = sa.session.freshIv(h.messageId());
      Phase1Session.Decrypted dec = sa.session.decrypt(d.payload(), m, ivInfo);
      received(d, dec.view());
      follow(d.from(), d.to().getPort(), "a decrypted Informational");
      informational(dec.view());
      return Optional.empty();
    }
    received(d, view);
    listener.note("responder: ignored exchange type " + ExchangeType.valueOf(ex).name());
    return Optional.empty();
  }

  /**
   * RFC 3947 section 4: once the initiator floated, a Main or Aggressive Mode message of this IKE
   * SA (same cookies) on port 500 is old and is dropped; with the deviation answer-stale-phase1 it
   * is answered with the last phase-1 answer, on 500. Returns whether it was such a message.
   */
  private boolean stalePhase1(Datagram d, IsakmpHeader h, PacketView view) {
    int ex = h.exchangeType();
    if (d.to().getPort() != 500
        || !floated()
        || !ours(h)
        || allZero(h.responderCookie())
        || (ex != ExchangeType.IDENTITY_PROTECTION.code()
            && ex != ExchangeType.AGGRESSIVE.code())) {
      return false;
    }
    received(d, view);
    if (!cfg.knobs().has(Knobs.Deviation.ANSWER_STALE_PHASE1) || lastPhase1 == null) {
      listener.note(
          "responder: dropped a phase-1 message with the IKE SA's cookies on port 500 after the"
              + " float (RFC 3947 section 4)");
      return true;
    }
    listener.note(
        "responder: answers a phase-1 message with the IKE SA's cookies on port 500 after the"
            + " float (deviation answer-stale-phase1)");
    transmit(
        new Reply(
            500,
            d.from(),
            lastPhase1,
            new PacketView.Ike(false, lastPhase1View.header(), lastPhase1View.payloads(), false)));
    return true;
  }

  private boolean ours(IsakmpHeader h) {
    return sa != null && sa.session.owns(h);
  }

  // ------------------------------------------------------------------ Main Mode

  private void mainMode1(Datagram d, PacketView.Ike m) {
    List<Payload> m2 = startPhase1(d, m, "Main Mode message 1");
    if (m2 != null) {
      answer(d, header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0), m2, true);
    }
  }

  /**
   * Message 1 of Main or Aggressive Mode: chooses a transform (or answers NO_PROPOSAL_CHOSEN and
   * returns null), starts the IKE SA's session and the NAT-T negotiation, and returns the start of
   * the answer: the chosen SA and, when a variant was agreed, its vendor ID.
   */
  private List<Payload> startPhase1(Datagram d, PacketView.Ike m, String where) {
    IsakmpHeader h = m.header();
    SaPayload offered = Phase1Session.one(m, SaPayload.class, where);
    byte[] ckyI = h.initiatorCookie();
    byte[] ckyR = randomBytes(8);
    if (ckyR[0] == 0) {
      ckyR[0] = 1;
    }
    Phase1Choice chosen = choosePhase1(offered);
    if (chosen == null) {
      listener.note("responder: no acceptable phase-1 transform offered: NO_PROPOSAL_CHOSEN");
      IsakmpHeader nh =
          new IsakmpHeader(ckyI, ckyR, 0, 1, 0, ExchangeType.INFORMATIONAL.code(), 0, 0, 0);
      byte[] spi = Arrays.copyOf(ckyI, 16);
      System.arraycopy(ckyR, 0, spi, 8, 8);
      NotificationPayload n =
          NotificationPayload.of(IpsecAttr.PROTO_ISAKMP, NotifyType.NO_PROPOSAL_CHOSEN.code(), spi);
      answer(d, nh, List.of(n), false);
      awaitingNext = false;
      return null;
    }
    Phase1Session session =
        new Phase1Session(
            Phase1Session.Role.RESPONDER,
            ckyI,
            ckyR,
            chosen.cipher(),
            chosen.hash(),
            chosen.group());
    session.saiB(Payloads.body(offered));
    IkeSa s =
        new IkeSa(
            session,
            d.to().getPort() == 500 ? d.from() : new InetSocketAddress(d.from().getAddress(), 500));
    sa = s;
    initiator500 = s.initiator500;
    natT = new NatTNegotiation(cfg.knobs());
    List<Payload> m2 = new ArrayList<>();
    m2.add(new SaPayload(offered.doi(), offered.situation(), List.of(chosen.proposal())));
    natT.agree(m.all(VendorIdPayload.class))
        .ifPresent(v -> m2.add(new VendorIdPayload(v.vendorId())));
    peerDpd = dpdEnabled && Dpd.announced(m.all(VendorIdPayload.class));
    peerIdentity = null;
    initialContact = false;
    if (peerDpd) {
      m2.add(Dpd.vendorId());
    }
    listener.note(
        "responder: accepted "
            + chosen.cipher()
            + "/"
            + chosen.hash()
            + "/"
            + chosen.group()
            + "; NAT-T variant: "
            + natT.detection().natTVariant());
    return m2;
  }

  private record Phase1Choice(Proposal proposal, Ike1Cipher cipher, HashAlg hash, DhGroup group) {}

  /** The first transform the responder supports, as a one-transform proposal; null for none. */
  private Phase1Choice choosePhase1(SaPayload offered) {
    for (Proposal p : offered.proposals()) {
      if (p.protocolId() != IpsecAttr.PROTO_ISAKMP) {
        continue;
      }
      for (Transform t : p.transforms()) {
        try {
          int enc = attr(t, Ike1Attr.ENCRYPTION_ALGORITHM, -1);
          Ike1Cipher c = Ike1Cipher.from(enc, attr(t, Ike1Attr.KEY_LENGTH, 0));
          HashAlg hash = HashAlg.fromAttribute(attr(t, Ike1Attr.HASH_ALGORITHM, -1));
          DhGroup g = DhGroup.byId(attr(t, Ike1Attr.GROUP_DESCRIPTION, -1));
          if (attr(t, Ike1Attr.AUTH_METHOD, -1) != Ike1Attr.AUTH_PSK
              || !cfg.ciphers().contains(c)
              || !cfg.hashes().contains(hash)
              || !cfg.groups().contains(g)) {
            continue;
          }
          return new Phase1Choice(
              new Proposal(p.number(), p.protocolId(), p.spi(), List.of(t)), c, hash, g);
        } catch (CryptoException e) {
          // not one the responder implements: try the next
        }
      }
    }
    return null;
  }

  private static int attr(Transform t, int type, int absent) {
    return t.attribute(type).map(a -> (int) a.longValue()).orElse(absent);
  }

  private void mainMode3(Datagram d, PacketView.Ike m) {
    Phase1Session s = sa.session;
    byte[] gxi = Phase1Session.one(m, KePayload.class, "Main Mode message 3").data();
    byte[] ni = Phase1Session.one(m, NoncePayload.class, "Main Mode message 3").data();
    byte[] gxr = s.generateDh(random);
    byte[] nr = randomBytes(32);
    s.ownNonce(nr);
    s.deriveKeys(cfg.psk(), gxi, ni);
    List<Payload> m4 = new ArrayList<>();
    m4.add(new KePayload(gxr));
    m4.add(new NoncePayload(nr));
    if (natT.agreed()) {
      detectNat(d, m.all(NatDPayload.class), "message 3");
      m4.addAll(natDPayloads(d, "message 4"));
    }
    answer(d, header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0), m4, true);
  }

  /** The responder's NAT-D: the initiator as it came, then the responder's own address. */
  private List<Payload> natDPayloads(Datagram d, String where) {
    return natT.natDPayloads(
        sa.session,
        d.from(),
        new InetSocketAddress(cfg.localAddress(), d.to().getPort()),
        new byte[] {(byte) 203, 0, 113, 78},
        random,
        n -> listener.note("responder: " + n + ", " + where));
  }

  private void detectNat(Datagram d, List<NatDPayload> natd, String where) {
    if (natd.isEmpty()) {
      listener.note("responder: the initiator sent no NAT-D payloads in " + where);
      return;
    }
    NatDetection found = natT.verify(sa.session, natd, d.to(), d.from());
    boolean localBehind = found.localBehindNat();
    boolean remoteBehind = found.remoteBehindNat();
    listener.note(
        "responder NAT-D: "
            + (remoteBehind
                ? "the initiator is behind a NAT (it came from " + d.from() + ")"
                : "no NAT in front of the initiator")
            + "; "
            + (localBehind
                ? "the responder is behind a NAT (the initiator's hash of it does not match "
                    + cfg.localAddress().getHostAddress()
                    + ":"
                    + d.to().getPort()
                    + ")"
                : "no NAT in front of the responder"));
  }

  // ------------------------------------------------------------------ Aggressive Mode

  /**
   * Aggressive Mode message 1 (SA, KE, Ni, IDii, VID): answers SA, KE, Nr, IDir, VID, NAT-D and
   * HASH_R (RFC 3947 section 3.2); the IKE SA is up once message 3 verifies.
   */
  private void aggressive1(Datagram d, PacketView.Ike m) {
    List<Payload> m2 = startPhase1(d, m, "Aggressive Mode message 1");
    if (m2 == null) {
      return;
    }
    Phase1Session s = sa.session;
    byte[] gxi = Phase1Session.one(m, KePayload.class, "Aggressive Mode message 1").data();
    byte[] ni = Phase1Session.one(m, NoncePayload.class, "Aggressive Mode message 1").data();
    IdPayload idii = Phase1Session.one(m, IdPayload.class, "Aggressive Mode message 1");
    sa.idiiBody = Payloads.body(idii);
    peerIdentity = idii.identity();
    byte[] gxr = s.generateDh(random);
    byte[] nr = randomBytes(32);
    s.ownNonce(nr);
    s.deriveKeys(cfg.psk(), gxi, ni);
    IdPayload idir =
        IdPayloads.phase1(
            cfg.localId(), cfg.knobs(), "IDir", n -> listener.note("responder: " + n));
    List<Payload> answer = new ArrayList<>();
    answer.add(m2.get(0));
    answer.add(new KePayload(gxr));
    answer.add(new NoncePayload(nr));
    answer.add(idir);
    answer.addAll(m2.subList(1, m2.size()));
    if (natT.agreed()) {
      answer.addAll(natDPayloads(d, "Aggressive Mode message 2"));
    }
    answer.add(new HashPayload(s.hashR(Payloads.body(idir))));
    answer(d, header(ExchangeType.AGGRESSIVE.code(), 0, 0), answer, true);
  }

  /** Aggressive Mode message 3 (encrypted NAT-D, HASH_I), on 4500 after the initiator's float. */
  private void aggressive3(Datagram d, PacketView.Ike m) {
    Phase1Session s = sa.session;
    Phase1Session.Decrypted dec = s.decrypt(d.payload(), m, s.iv(0));
    received(d, dec.view());
    byte[] hashI =
        Phase1Session.one(dec.view(), HashPayload.class, "Aggressive Mode message 3").data();
    if (!Phase1Session.verifies(s.hashI(sa.idiiBody), hashI)) {
      throw new IkeException(
          "HASH_I in Aggressive Mode message 3 does not verify (wrong PSK or IDs?)");
    }
    s.advance(0, dec.lastBlock());
    initialContact = hasInitialContact(dec.view());
    s.finishPhase1();
    awaitingNext = false;
    if (natT.agreed()) {
      detectNat(d, dec.view().all(NatDPayload.class), "Aggressive Mode message 3");
    }
    if (d.to().getPort() == 4500) {
      listener.note("responder: the initiator floated to UDP 4500 at Aggressive Mode message 3");
    }
    follow(d.from(), d.to().getPort(), "Aggressive Mode message 3");
    listener.note("responder: IKE SA established (Aggressive Mode)");
  }

  private void mainMode5(Datagram d, PacketView.Ike m) {
    Phase1Session s = sa.session;
    Phase1Session.Decrypted dec = s.decrypt(d.payload(), m, s.iv(0));
    received(d, dec.view());
    IdPayload idii = Phase1Session.one(dec.view(), IdPayload.class, "Main Mode message 5");
    byte[] hashI = Phase1Session.one(dec.view(), HashPayload.class, "Main Mode message 5").data();
    if (!Phase1Session.verifies(s.hashI(Payloads.body(idii)), hashI)) {
      throw new IkeException("HASH_I in Main Mode message 5 does not verify (wrong PSK or IDs?)");
    }
    s.advance(0, dec.lastBlock());
    peerIdentity = idii.identity();
    initialContact = hasInitialContact(dec.view());
    if (!idii.identity().equals(cfg.remoteId())) {
      listener.note(
          "responder: initiator identity " + idii.identity() + " is not " + cfg.remoteId());
    }
    if (d.to().getPort() == 4500) {
      listener.note("responder: the initiator floated to UDP 4500 at Main Mode message 5");
    }
    IdPayload idir =
        IdPayloads.phase1(
            cfg.localId(), cfg.knobs(), "IDir", n -> listener.note("responder: " + n));
    byte[] hashR = s.hashR(Payloads.body(idir));
    List<Payload> m6 = List.of(idir, new HashPayload(hashR));
    IsakmpHeader h =
        header(ExchangeType.IDENTITY_PROTECTION.code(), IsakmpHeader.FLAG_ENCRYPTION, 0);
    byte[] sealed = s.encryptInChain(h, m6);
    s.finishPhase1();
    follow(d.from(), d.to().getPort(), "Main Mode message 5");
    answerBytes(d, sealed, new PacketView.Ike(false, h, m6, true), false);
    listener.note("responder: IKE SA established with " + idii);
  }

  // ------------------------------------------------------------------ Quick Mode

  private Optional<ChildSaKeys> quickMode(Datagram d, PacketView.Ike m) {
    IkeSa s = sa;
    long mid = m.header().messageId();
    QuickMode q = s.quickModes.get(mid);
    if (q == null) {
      quickMode1(d, m, mid);
      return Optional.empty();
    }
    if (q.done) {
      received(d, m);
      listener.note(
          "responder: ignored a message of the finished Quick Mode " + Long.toHexString(mid));
      return Optional.empty();
    }
    Phase1Session ps = s.session;
    Phase1Session.Decrypted dec = ps.decrypt(d.payload(), m, ps.iv(mid));
    received(d, dec.view());
    List<Payload> got = dec.view().payloads();
    if (got.isEmpty() || !(got.get(0) instanceof HashPayload h3)) {
      throw new IkeException("Quick Mode message 3 does not start with HASH(3)");
    }
    byte[] expected = ps.quickModeHash3(mid, q.ni, q.nr);
    if (!Phase1Session.verifies(expected, h3.data())) {
      throw new IkeException("HASH(3) in Quick Mode message 3 does not verify");
    }
    follow(d.from(), d.to().getPort(), "Quick Mode message 3");
    ps.advance(mid, dec.lastBlock());
    q.done = true;
    awaitingNext = false;
    ChildSaKeys child = ps.childSa(q.spiR, q.spiI, q.ni, q.nr, q.espCipher, q.espIntegrity, q.mode);
    children.add(child);
    listener.note("responder: CHILD_SA established: " + child);
    return Optional.of(child);
  }

  private void quickMode1(Datagram d, PacketView.Ike m, long mid) {
    IkeSa s = sa;
    Phase1Session ps = s.session;
    Phase1Session.Decrypted dec = ps.decrypt(d.payload(), m, ps.freshIv(mid));
    received(d, dec.view());
    List<Payload> got = dec.view().payloads();
    if (got.isEmpty() || !(got.get(0) instanceof HashPayload h1)) {
      throw new IkeException("Quick Mode message 1 does not start with HASH(1)");
    }
    byte[] expected = ps.quickModeHash1(mid, Phase1Session.afterFirstPayload(dec.plaintext()));
    if (!Phase1Session.verifies(expected, h1.data())) {
      throw new IkeException("HASH(1) in Quick Mode message 1 does not verify");
    }
    follow(d.from(), d.to().getPort(), "Quick Mode message 1");
    SaPayload offered = Phase1Session.one(dec.view(), SaPayload.class, "Quick Mode message 1");
    byte[] ni = Phase1Session.one(dec.view(), NoncePayload.class, "Quick Mode message 1").data();
    List<IdPayload> ids = dec.view().all(IdPayload.class);
    if (!dec.view().all(KePayload.class).isEmpty()) {
      throw new IkeException("Quick Mode with PFS (KE payload) is not supported by the responder");
    }
    QuickMode q = new QuickMode();
    q.ni = ni;
    q.nr = randomBytes(32);
    q.spiR = randomBytes(4);
    q.spiR[0] = (byte) (q.spiR[0] | 0x20);
    Proposal chosen = chooseEsp(offered, q);
    if (chosen == null) {
      listener.note("responder: no acceptable ESP proposal in Quick Mode: NO_PROPOSAL_CHOSEN");
      sendNotify(d, NotifyType.NO_PROPOSAL_CHOSEN.code());
      return;
    }
    java.util.function.Function<IdPayload, String> gate = quickModeGate;
    String refused = gate == null || ids.isEmpty() ? null : gate.apply(ids.get(0));
    if (refused != null) {
      listener.note("responder: Quick Mode refused: " + refused + ": INVALID_ID_INFORMATION");
      sendNotify(d, NotifyType.INVALID_ID_INFORMATION.code());
      return;
    }
    s.quickModes.put(mid, q);
    ps.advance(mid, dec.lastBlock());
    List<NatOaPayload> theirOa = dec.view().all(NatOaPayload.class);
    initiatorNatOa = List.copyOf(theirOa);
    List<Payload> rest = new ArrayList<>();
    rest.add(new SaPayload(offered.doi(), offered.situation(), List.of(mixedModes(chosen, q))));
    rest.add(new NoncePayload(q.nr));
    rest.addAll(ids);
    rest.addAll(natOaPayloads(d, q.mode, theirOa));
    byte[] hash2 = ps.quickModeHash2(mid, q.ni, Payloads.encodeChain(rest));
    List<Payload> qm2 = new ArrayList<>();
    qm2.add(new HashPayload(hash2));
    qm2.addAll(rest);
    IsakmpHeader h = header(ExchangeType.QUICK.code(), IsakmpHeader.FLAG_ENCRYPTION, mid);
    byte[] sealed = ps.encryptInChain(h, qm2);
    answerBytes(d, sealed, new PacketView.Ike(false, h, qm2, true), true);
  }

  /**
   * NAT-OAi (the initiator's address as it came) then NAT-OAr (the responder's own), of the agreed
   * variant's type, only when the responder chose UDP-Encapsulated-Transport (RFC 3947 section
   * 5.2); the deviations nat-oa-omitted, nat-oa-in-tunnel, nat-oa-malformed and nat-oa-swapped
   * change that.
   */
  private List<Payload> natOaPayloads(Datagram d, int mode, List<NatOaPayload> theirs) {
    Knobs k = cfg.knobs();
    boolean udpTransport = IpsecAttr.isUdpTransport(mode);
    if (udpTransport && k.has(Knobs.Deviation.NAT_OA_OMITTED)) {
      listener.note("responder: no NAT-OA although it chose transport (deviation nat-oa-omitted)");
      return List.of();
    }
    if (!udpTransport && !k.has(Knobs.Deviation.NAT_OA_IN_TUNNEL)) {
      return List.of();
    }
    if (!udpTransport) {
      listener.note("responder: NAT-OA in tunnel mode (deviation nat-oa-in-tunnel)");
    }
    int type =
        natT != null && natT.agreed()
            ? natT.variant().orElseThrow().natOaType()
            : theirs.isEmpty() ? PayloadType.NAT_OA.code() : theirs.get(0).type();
    byte[] peer = d.from().getAddress().getAddress();
    byte[] own = cfg.localAddress().getAddress();
    if (k.has(Knobs.Deviation.NAT_OA_ECHOED) && theirs.size() >= 2) {
      listener.note("responder: echoes the initiator's NAT-OA payloads (deviation nat-oa-echoed)");
      return List.of(theirs.get(0), theirs.get(1));
    }
    return NatOaPayloads.pair(type, peer, own, k, n -> listener.note("responder: " + n));
  }

  /**
   * The chosen proposal, or with the deviation mixed-modes the chosen transform followed by its
   * twin in the plain mode (1 for a tunnel mode, 2 for a transport mode).
   */
  private Proposal mixedModes(Proposal chosen, QuickMode q) {
    if (!cfg.knobs().has(Knobs.Deviation.MIXED_MODES)) {
      return chosen;
    }
    Transform t = chosen.transforms().get(0);
    int plain = IpsecAttr.isTransport(q.mode) ? IpsecAttr.TRANSPORT : IpsecAttr.TUNNEL;
    List<Attribute> attrs = new ArrayList<>();
    for (Attribute a : t.attributes()) {
      attrs.add(
          a.type() == IpsecAttr.ENCAPSULATION_MODE
              ? Attribute.basic(IpsecAttr.ENCAPSULATION_MODE, plain)
              : a);
    }
    listener.note(
        "responder: answers its transform in mode "
            + q.mode
            + " and again in mode "
            + plain
            + " (deviation mixed-modes)");
    return new Proposal(
        chosen.number(),
        chosen.protocolId(),
        chosen.spi(),
        List.of(t, new Transform(t.number() + 1, t.transformId(), attrs)));
  }

  /** The NAT-OA payloads of the initiator's last Quick Mode message 1 (none in tunnel mode). */
  public List<NatOaPayload> initiatorNatOa() {
    return initiatorNatOa;
  }

  /** The first ESP transform the responder supports, with the encapsulation mode it answers. */
  private Proposal chooseEsp(SaPayload offered, QuickMode q) {
    for (Proposal p : offered.proposals()) {
      if (p.protocolId() != IpsecAttr.PROTO_IPSEC_ESP || p.spi().length != 4) {
        continue;
      }
      for (Transform t : p.transforms()) {
        try {
          EspCipher c = EspCipher.from(t.transformId(), attr(t, IpsecAttr.KEY_LENGTH, 0));
          EspIntegrity i = EspIntegrity.forTransform(c, attr(t, IpsecAttr.AUTH_ALGORITHM, -1));
          int offeredMode = attr(t, IpsecAttr.ENCAPSULATION_MODE, IpsecAttr.TUNNEL);
          if (!cfg.espCiphers().contains(c) || !cfg.espIntegrities().contains(i)) {
            continue;
          }
          int mode = offeredMode;
          if (cfg.knobs().has(Knobs.Deviation.NAT_WHEN_ANY_HASH_DIFFERS)
              && natT.detection().natDetected()
              && (offeredMode == IpsecAttr.TUNNEL || offeredMode == IpsecAttr.TRANSPORT)) {
            NatTVariant v = natT.variant().orElse(NatTVariant.RFC3947);
            mode = offeredMode == IpsecAttr.TUNNEL ? v.udpTunnelMode() : v.udpTransportMode();
            listener.note(
                "responder: takes the initiator for being behind a NAT and answers "
                    + IpsecAttr.encapsulationName(mode)
                    + " to the offered "
                    + IpsecAttr.encapsulationName(offeredMode)
                    + " (deviation nat-when-any-hash-differs)");
          }
          int knob = cfg.knobs().encapsulationMode();
          if (knob != IpsecAttr.UDP_TUNNEL && knob != offeredMode) {
            mode = knob;
            listener.note(
                "responder: answers encapsulation mode "
                    + IpsecAttr.encapsulationName(knob)
                    + " to the offered "
                    + IpsecAttr.encapsulationName(offeredMode)
                    + " (knob encapsulation-mode)");
          }
          List<Attribute> attrs = new ArrayList<>();
          boolean hadMode = false;
          for (Attribute a : t.attributes()) {
            if (a.type() == IpsecAttr.ENCAPSULATION_MODE) {
              attrs.add(Attribute.basic(IpsecAttr.ENCAPSULATION_MODE, mode));
              hadMode = true;
            } else {
              attrs.add(a);
            }
          }
          if (!hadMode) {
            attrs.add(Attribute.basic(IpsecAttr.ENCAPSULATION_MODE, mode));
          }
          q.spiI = p.spi();
          q.espCipher = c;
          q.espIntegrity = i;
          q.mode = mode;
          return new Proposal(
              p.number(),
              p.protocolId(),
              q.spiR,
              List.of(new Transform(t.number(), t.transformId(), attrs)));
        } catch (CryptoException e) {
          // not one the responder implements: try the next
        }
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ Informational

  private void informational(PacketView.Ike m) {
    informationals.add(m);
    if (m.header().encrypted() && !m.decrypted()) {
      listener.note("responder: an encrypted Informational it cannot read");
      return;
    }
    for (DeletePayload del : m.all(DeletePayload.class)) {
      List<String> spis = del.spis().stream().map(Ikev1Responder::hex).toList();
      listener.note(
          "responder: the initiator deletes "
              + (del.protocolId() == IpsecAttr.PROTO_ISAKMP ? "the IKE SA" : "ESP SA(s) " + spis));
    }
    for (NotificationPayload n : m.all(NotificationPayload.class)) {
      listener.note(
          "responder: notification " + NotifyType.valueOf(n.notifyType()).name() + " received");
    }
    if (Dpd.sequence(m, true).isPresent()) {
      lastDpdAckNanos = System.nanoTime();
    }
  }

  // ------------------------------------------------------------------ dead-peer detection

  private volatile boolean dpdEnabled;
  private volatile boolean peerDpd;
  private volatile long lastDpdAckNanos;
  private long dpdSequence;

  /**
   * Sets what decides, from its initiator identity (ID_ci), whether a Quick Mode is refused: the
   * function returns null to accept, or the reason, which is noted, to answer
   * INVALID_ID_INFORMATION (an encrypted Informational) instead of Quick Mode message 2.
   */
  public void quickModeGate(java.util.function.Function<IdPayload, String> gate) {
    this.quickModeGate = gate;
  }

  /**
   * Answers the DPD vendor ID when the initiator announces it (the emulated IUT, which then runs
   * DPD); the harness as responder does not, as it runs no DPD.
   */
  public void enableDpd() {
    dpdEnabled = true;
  }

  /** Whether the initiator announced DPD (RFC 3706) in Main Mode message 1 (answered in kind). */
  public boolean peerDoesDpd() {
    return peerDpd;
  }

  /** When the last R-U-THERE-ACK arrived (System.nanoTime), 0 before any. */
  public long lastDpdAckNanos() {
    return lastDpdAckNanos;
  }

  /** Sends an R-U-THERE to the initiator's endpoint, under the IKE SA; false without one. */
  public synchronized boolean sendRuThere() {
    if (sa == null || !sa.session.established()) {
      return false;
    }
    dpdSequence++;
    unsolicited(
        Dpd.notify(sa.session.initiatorCookie(), sa.session.responderCookie(), dpdSequence, false),
        "R-U-THERE " + dpdSequence);
    return true;
  }

  /** Deletes the IKE SA (an Informational with a Delete payload for its cookies). */
  public synchronized void deleteIkeSa() {
    if (sa == null || !sa.session.established()) {
      return;
    }
    byte[] cookies =
        java.nio.ByteBuffer.allocate(16)
            .put(sa.session.initiatorCookie())
            .put(sa.session.responderCookie())
            .array();
    unsolicited(
        new DeletePayload(IpsecAttr.DOI_IPSEC, IpsecAttr.PROTO_ISAKMP, 16, List.of(cookies)),
        "Delete of the IKE SA");
  }

  /** An Informational this side starts (HDR*, HASH(1), payload) to the initiator's endpoint. */
  private void unsolicited(Payload p, String what) {
    Phase1Session s = sa.session;
    long mid = Integer.toUnsignedLong(random.nextInt() | 1);
    byte[] hash = s.informationalHash(mid, Payloads.encodeChain(List.of(p)));
    List<Payload> ps = List.of(new HashPayload(hash), p);
    IsakmpHeader h = header(ExchangeType.INFORMATIONAL.code(), IsakmpHeader.FLAG_ENCRYPTION, mid);
    byte[] bytes = s.encrypt(h, ps, s.freshIv(mid)).bytes();
    int port = localPort();
    boolean marker = port == 4500 && !cfg.knobs().has(Knobs.Deviation.NO_MARKER);
    Datagram sent =
        channel.send(port, remoteEndpoint(), marker ? Ikev1Initiator.marked(bytes) : bytes);
    messagesSent++;
    listener.sent(sent, new PacketView.Ike(marker, h, ps, true));
    listener.note("responder: sent " + what);
  }

  /** An encrypted Informational with HASH(1) and one notification, under the IKE SA. */
  private void sendNotify(Datagram d, int notifyType) {
    Phase1Session s = sa.session;
    long mid = Integer.toUnsignedLong(random.nextInt() | 1);
    NotificationPayload n =
        new NotificationPayload(
            IpsecAttr.DOI_IPSEC, IpsecAttr.PROTO_IPSEC_ESP, notifyType, new byte[0], new byte[0]);
    byte[] hash = s.informationalHash(mid, Payloads.encodeChain(List.of(n)));
    List<Payload> ps = List.of(new HashPayload(hash), n);
    IsakmpHeader h = header(ExchangeType.INFORMATIONAL.code(), IsakmpHeader.FLAG_ENCRYPTION, mid);
    Phase1Session.Sealed sealed = s.encrypt(h, ps, s.freshIv(mid));
    answerBytes(d, sealed.bytes(), new PacketView.Ike(false, h, ps, true), false);
  }

  // ------------------------------------------------------------------ messaging

  private IsakmpHeader header(int exchange, int flags, long mid) {
    return new IsakmpHeader(
        sa.session.initiatorCookie(),
        sa.session.responderCookie(),
        0,
        1,
        0,
        exchange,
        flags,
        mid,
        0);
  }

  private void answer(Datagram d, IsakmpHeader h, List<Payload> payloads, boolean expectMore) {
    byte[] bytes = IsakmpMessage.plain(h, payloads).encode();
    answerBytes(d, bytes, new PacketView.Ike(false, h, payloads, false), expectMore);
  }

  /**
   * Sends an answer to where {@code d} came from, from the port it arrived on (with the non-ESP
   * marker on 4500); with the knob float: never, always from 500 to the initiator's port-500
   * endpoint. Deviations: ignore-rebinding answers on 4500 to the pinned endpoint;
   * reply-to-port-500 answers to port 500 (4500 on 4500) of the sender's address; no-marker leaves
   * the marker out.
   */
  private void answerBytes(Datagram d, byte[] ike, PacketView.Ike view, boolean expectMore) {
    Knobs k = cfg.knobs();
    int port = d.to().getPort();
    InetSocketAddress to = d.from();
    if (port == 4500 && k.floatAt() == Knobs.FloatMode.NEVER && sa != null) {
      port = 500;
      to = sa.initiator500;
      listener.note(
          "responder: answering on port 500 although the initiator uses 4500 (knob float: never)");
    }
    if (port == 4500 && pinned != null && !pinned.equals(to)) {
      to = pinned;
      listener.note(
          "responder: answering to the first 4500 endpoint "
              + to
              + " instead of "
              + d.from()
              + " (deviation ignore-rebinding)");
    }
    if (k.has(Knobs.Deviation.REPLY_TO_PORT_500)) {
      InetSocketAddress fixed =
          new InetSocketAddress(d.from().getAddress(), port == 4500 ? 4500 : 500);
      if (!fixed.equals(to)) {
        listener.note(
            "responder: answering to "
                + fixed
                + " instead of "
                + to
                + " (deviation reply-to-port-500)");
      }
      to = fixed;
    }
    boolean marker = port == 4500 && !k.has(Knobs.Deviation.NO_MARKER);
    if (port == 4500 && !marker) {
      listener.note("responder: IKE on UDP 4500 without the non-ESP marker (deviation no-marker)");
    }
    PacketView.Ike v = new PacketView.Ike(marker, view.header(), view.payloads(), view.decrypted());
    Reply r = new Reply(port, to, marker ? Ikev1Initiator.marked(ike) : ike, v);
    int ex = view.header().exchangeType();
    if (ex == ExchangeType.IDENTITY_PROTECTION.code() || ex == ExchangeType.AGGRESSIVE.code()) {
      lastPhase1 = ike;
      lastPhase1View = view;
    }
    lastRequest = d.payload();
    lastReply = r;
    awaitingNext = expectMore;
    resends = 0;
    transmit(r);
  }

  private void transmit(Reply r) {
    Datagram sent = channel.send(r.localPort(), r.to(), r.bytes());
    lastSentNanos = System.nanoTime();
    messagesSent++;
    listener.sent(sent, r.view());
  }

  private static boolean hasInitialContact(PacketView.Ike m) {
    return m.all(NotificationPayload.class).stream()
        .anyMatch(n -> n.notifyType() == NotifyType.INITIAL_CONTACT.code());
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
