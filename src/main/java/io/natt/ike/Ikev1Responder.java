package io.natt.ike;

import io.natt.crypto.CryptoException;
import io.natt.crypto.DhGroup;
import io.natt.crypto.DhKeyPair;
import io.natt.crypto.EspCipher;
import io.natt.crypto.EspCrypto;
import io.natt.crypto.EspIntegrity;
import io.natt.crypto.HashAlg;
import io.natt.crypto.Ike1Cipher;
import io.natt.crypto.Ikev1Crypto;
import io.natt.crypto.Ikev1Keys;
import io.natt.crypto.Prf;
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
import io.natt.wire.VendorIds;
import io.natt.wire.WireReader;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The harness's IKEv1 responder, to play an emulated IUT: Main Mode with pre-shared keys and Quick
 * Mode (RFC 2409) with RFC 3947 NAT traversal. It follows the initiator to port 4500, answers every
 * message where it came from, and keeps serving whatever the initiator sends: malformed or
 * undecryptable input is noted through the {@link PeerListener}, never thrown.
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
 * IGNORE_4500_START} (a Main Mode message 1 on 4500 is noted and not answered) and {@code
 * IGNORE_REBINDING} (after the IKE SA is up, it keeps sending to the first 4500 endpoint).
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

  private int localPort = 500;
  private NatDetection natDetection = new NatDetection("none", false, false);
  private final List<ChildSaKeys> children = new ArrayList<>();
  private final List<PacketView.Ike> informationals = new ArrayList<>();
  private byte[] lastRequest;
  private Reply lastReply;
  private boolean awaitingNext;
  private int resends;
  private int messagesSent;
  private boolean recorded;
  private long lastSentNanos;

  public Ikev1Responder(
      ResponderConfig cfg, Channel channel, PeerListener listener, SecureRandom rnd) {
    this.cfg = cfg;
    this.channel = channel;
    this.listener = listener;
    this.random = rnd;
  }

  /** The state of the one IKE SA being negotiated or established. */
  private static final class IkeSa {
    byte[] ckyI;
    byte[] ckyR;
    Ike1Cipher cipher;
    HashAlg hash;
    Prf prf;
    DhGroup group;
    byte[] saiB;
    boolean natT;
    int natDType = PayloadType.NAT_D.code();
    InetSocketAddress initiator500;
    DhKeyPair dh;
    byte[] gxi;
    byte[] ni;
    byte[] nr;
    Ikev1Keys keys;
    byte[] iv;
    byte[] lastPhase1Block;
    final Map<Long, QuickMode> quickModes = new HashMap<>();
  }

  /** One Quick Mode exchange, by message ID. */
  private static final class QuickMode {
    byte[] iv;
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

  private record Decrypted(PacketView.Ike view, byte[] plaintext, byte[] lastBlock) {}

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
    follow(from, localPort, what);
  }

  private void follow(InetSocketAddress from, int port, String what) {
    if (pinned != null && !pinned.equals(from)) {
      listener.note(
          "responder: "
              + what
              + " from "
              + from
              + ", but it keeps sending to "
              + pinned
              + " (deviation ignore-rebinding)");
      return;
    }
    if (remote != null && !remote.equals(from) && established()) {
      listener.note(
          "responder: the initiator moved from " + remote + " to " + from + " (" + what + ")");
    }
    remote = from;
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
    return natDetection;
  }

  public boolean established() {
    return sa != null && sa.lastPhase1Block != null;
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
    return sa == null ? new byte[8] : sa.ckyI.clone();
  }

  public byte[] responderCookie() {
    return sa == null ? new byte[8] : sa.ckyR.clone();
  }

  /** The phase-1 encryption key (for a Wireshark IKEv1 decryption table). */
  public byte[] phase1EncryptionKey() {
    return sa == null || sa.keys == null ? new byte[0] : sa.keys.encryptionKey().clone();
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
    if (newMainMode
        && d.to().getPort() == 4500
        && cfg.knobs().has(Knobs.Deviation.IGNORE_4500_START)) {
      received(d, view);
      listener.note(
          "responder: ignored a new negotiation (Main Mode message 1) on UDP 4500"
              + " (deviation ignore-4500-start)");
      return Optional.empty();
    }
    localPort = d.to().getPort();
    if (newMainMode) {
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
      } else if (ex == ExchangeType.IDENTITY_PROTECTION.code()
          && ours(h)
          && sa.keys == null
          && !m.all(KePayload.class).isEmpty()) {
        mainMode3(d, m);
      } else if (ex == ExchangeType.INFORMATIONAL.code()) {
        informational(m);
      } else {
        listener.note("responder: ignored an unexpected plaintext " + view.summary());
      }
      return Optional.empty();
    }
    if (!ours(h) || sa.keys == null) {
      received(d, view);
      listener.note("responder: ignored an encrypted message for no IKE SA it knows");
      return Optional.empty();
    }
    if (ex == ExchangeType.IDENTITY_PROTECTION.code()) {
      mainMode5(d, m);
      return Optional.empty();
    }
    if (sa.lastPhase1Block == null) {
      received(d, view);
      listener.note("responder: ignored " + view.summary() + " before Main Mode completed");
      return Optional.empty();
    }
    if (ex == ExchangeType.QUICK.code()) {
      return quickMode(d, m);
    }
    if (ex == ExchangeType.INFORMATIONAL.code()) {
      byte[] ivInfo =
          Ikev1Crypto.quickModeIv(
              sa.hash, sa.lastPhase1Block, h.messageId(), sa.cipher.blockSize());
      Decrypted dec = decrypt(d, m, ivInfo);
      received(d, dec.view());
      follow(d.from(), d.to().getPort(), "a decrypted Informational");
      informational(dec.view());
      return Optional.empty();
    }
    received(d, view);
    listener.note("responder: ignored exchange type " + ExchangeType.valueOf(ex).name());
    return Optional.empty();
  }

  private boolean ours(IsakmpHeader h) {
    return sa != null
        && Arrays.equals(sa.ckyI, h.initiatorCookie())
        && Arrays.equals(sa.ckyR, h.responderCookie());
  }

  // ------------------------------------------------------------------ Main Mode

  private void mainMode1(Datagram d, PacketView.Ike m) {
    IsakmpHeader h = m.header();
    SaPayload offered = Ikev1Initiator.one(m, SaPayload.class, "Main Mode message 1");
    IkeSa s = new IkeSa();
    s.ckyI = h.initiatorCookie();
    s.ckyR = randomBytes(8);
    if (s.ckyR[0] == 0) {
      s.ckyR[0] = 1;
    }
    Proposal chosen = choosePhase1(offered, s);
    if (chosen == null) {
      listener.note("responder: no acceptable phase-1 transform offered: NO_PROPOSAL_CHOSEN");
      IsakmpHeader nh =
          new IsakmpHeader(s.ckyI, s.ckyR, 0, 1, 0, ExchangeType.INFORMATIONAL.code(), 0, 0, 0);
      byte[] spi = Arrays.copyOf(s.ckyI, 16);
      System.arraycopy(s.ckyR, 0, spi, 8, 8);
      NotificationPayload n =
          NotificationPayload.of(IpsecAttr.PROTO_ISAKMP, NotifyType.NO_PROPOSAL_CHOSEN.code(), spi);
      answer(d, nh, List.of(n), false);
      awaitingNext = false;
      return;
    }
    sa = s;
    s.saiB = Payloads.body(offered);
    s.initiator500 =
        d.to().getPort() == 500 ? d.from() : new InetSocketAddress(d.from().getAddress(), 500);
    initiator500 = s.initiator500;
    natDetection = new NatDetection("none", false, false);
    List<Payload> m2 = new ArrayList<>();
    m2.add(new SaPayload(offered.doi(), offered.situation(), List.of(chosen)));
    Optional<byte[]> vid = chooseVendorId(m);
    vid.ifPresent(v -> m2.add(new VendorIdPayload(v)));
    listener.note(
        "responder: accepted "
            + s.cipher
            + "/"
            + s.hash
            + "/"
            + s.group
            + "; NAT-T variant: "
            + natDetection.natTVariant());
    answer(d, header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0), m2, true);
  }

  /** The first transform the responder supports, as a one-transform proposal; null for none. */
  private Proposal choosePhase1(SaPayload offered, IkeSa s) {
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
          s.cipher = c;
          s.hash = hash;
          s.prf = Prf.forHash(hash);
          s.group = g;
          return new Proposal(p.number(), p.protocolId(), p.spi(), List.of(t));
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

  /** RFC 3947 when both announce it; else the first draft of the knob list the initiator sent. */
  private Optional<byte[]> chooseVendorId(PacketView.Ike m) {
    List<byte[]> theirs = m.all(VendorIdPayload.class).stream().map(VendorIdPayload::data).toList();
    List<Knobs.VendorIdChoice> knob = cfg.knobs().vendorIds();
    List<Knobs.VendorIdChoice> order = new ArrayList<>();
    if (knob.contains(Knobs.VendorIdChoice.RFC3947)) {
      order.add(Knobs.VendorIdChoice.RFC3947);
    }
    knob.stream().filter(c -> c != Knobs.VendorIdChoice.RFC3947).forEach(order::add);
    for (Knobs.VendorIdChoice c : order) {
      byte[] v = Ikev1Initiator.vendorId(c);
      if (theirs.stream().anyMatch(x -> Arrays.equals(x, v))) {
        sa.natT = true;
        boolean rfc = c == Knobs.VendorIdChoice.RFC3947;
        sa.natDType = rfc ? PayloadType.NAT_D.code() : PayloadType.NAT_D_DRAFT.code();
        natDetection = new NatDetection(rfc ? "RFC 3947" : VendorIds.name(v), false, false);
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  private void mainMode3(Datagram d, PacketView.Ike m) {
    IkeSa s = sa;
    byte[] gxi = Ikev1Initiator.one(m, KePayload.class, "Main Mode message 3").data();
    byte[] ni = Ikev1Initiator.one(m, NoncePayload.class, "Main Mode message 3").data();
    DhKeyPair dh = s.group.generate(random);
    byte[] gxy = s.group.sharedSecret(dh, gxi);
    s.dh = dh;
    s.gxi = gxi;
    s.ni = ni;
    s.nr = randomBytes(32);
    s.keys = Ikev1Keys.derivePsk(s.prf, cfg.psk(), s.ni, s.nr, gxy, s.ckyI, s.ckyR, s.cipher);
    s.iv = Ikev1Crypto.phase1Iv(s.hash, gxi, dh.publicValue(), s.cipher.blockSize());
    List<Payload> m4 = new ArrayList<>();
    m4.add(new KePayload(dh.publicValue()));
    m4.add(new NoncePayload(s.nr));
    if (s.natT) {
      detectNat(d, m);
      m4.addAll(natDPayloads(d));
    }
    answer(d, header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0), m4, true);
  }

  private void detectNat(Datagram d, PacketView.Ike m) {
    List<NatDPayload> natd = m.all(NatDPayload.class);
    if (natd.isEmpty()) {
      listener.note("responder: the initiator sent no NAT-D payloads in message 3");
      return;
    }
    byte[] ourHash = natDHash(d.to());
    byte[] itsHash = natDHash(d.from());
    boolean localBehind = !Arrays.equals(natd.get(0).hash(), ourHash);
    boolean remoteBehind = natd.stream().skip(1).noneMatch(n -> Arrays.equals(n.hash(), itsHash));
    natDetection = new NatDetection(natDetection.natTVariant(), localBehind, remoteBehind);
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

  private byte[] natDHash(InetSocketAddress a) {
    return Ikev1Crypto.natDetectionHash(
        sa.hash, sa.ckyI, sa.ckyR, a.getAddress().getAddress(), a.getPort());
  }

  /** First the initiator as the responder saw it, then the responder's own address and port. */
  private List<Payload> natDPayloads(Datagram d) {
    int type = sa.natDType;
    byte[] remoteHash = natDHash(d.from());
    byte[] localHash = natDHash(new InetSocketAddress(cfg.localAddress(), d.to().getPort()));
    switch (cfg.knobs().natD()) {
      case OMIT:
        listener.note("responder: no NAT-D in message 4 (knob nat-d: omit)");
        return List.of();
      case FORCE_ENCAPSULATION:
        localHash = randomBytes(localHash.length);
        listener.note("responder: random local NAT-D hash (knob nat-d: force-encapsulation)");
        break;
      case CORRUPT:
        remoteHash[0] ^= 1;
        localHash[0] ^= 1;
        listener.note("responder: NAT-D hashes with a flipped bit (knob nat-d: corrupt)");
        break;
      case EXTRA_LOCAL:
        return List.of(
            new NatDPayload(type, remoteHash),
            new NatDPayload(type, localHash),
            new NatDPayload(
                type,
                Ikev1Crypto.natDetectionHash(
                    sa.hash,
                    sa.ckyI,
                    sa.ckyR,
                    new byte[] {(byte) 203, 0, 113, 78},
                    d.to().getPort())));
      case HONEST:
      default:
        break;
    }
    return List.of(new NatDPayload(type, remoteHash), new NatDPayload(type, localHash));
  }

  private void mainMode5(Datagram d, PacketView.Ike m) {
    IkeSa s = sa;
    Decrypted dec = decrypt(d, m, s.iv);
    received(d, dec.view());
    IdPayload idii = Ikev1Initiator.one(dec.view(), IdPayload.class, "Main Mode message 5");
    byte[] hashI = Ikev1Initiator.one(dec.view(), HashPayload.class, "Main Mode message 5").data();
    byte[] expected =
        Ikev1Crypto.hashI(
            s.prf,
            s.keys.skeyid(),
            s.gxi,
            s.dh.publicValue(),
            s.ckyI,
            s.ckyR,
            s.saiB,
            Payloads.body(idii));
    if (!MessageDigest.isEqual(expected, hashI)) {
      throw new IkeException("HASH_I in Main Mode message 5 does not verify (wrong PSK or IDs?)");
    }
    s.iv = dec.lastBlock();
    if (!idii.identity().equals(cfg.remoteId())) {
      listener.note(
          "responder: initiator identity " + idii.identity() + " is not " + cfg.remoteId());
    }
    if (d.to().getPort() == 4500) {
      listener.note("responder: the initiator floated to UDP 4500 at Main Mode message 5");
    }
    IdPayload idir = IdPayload.fqdn(cfg.localId());
    if (cfg.knobs().has(Knobs.Deviation.ID_PORT_500)) {
      idir = idir.withProtocolPort(17, 500);
      listener.note("responder: IDir with UDP port 500 instead of 0 (deviation id-port-500)");
    }
    byte[] hashR =
        Ikev1Crypto.hashR(
            s.prf,
            s.keys.skeyid(),
            s.gxi,
            s.dh.publicValue(),
            s.ckyI,
            s.ckyR,
            s.saiB,
            Payloads.body(idir));
    List<Payload> m6 = List.of(idir, new HashPayload(hashR));
    IsakmpHeader h =
        header(ExchangeType.IDENTITY_PROTECTION.code(), IsakmpHeader.FLAG_ENCRYPTION, 0);
    byte[][] sealed = encrypt(h, m6, s.iv);
    s.iv = sealed[1];
    s.lastPhase1Block = s.iv.clone();
    follow(d.from(), d.to().getPort(), "Main Mode message 5");
    answerBytes(d, sealed[0], new PacketView.Ike(false, h, m6, true), false);
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
    Decrypted dec = decrypt(d, m, q.iv);
    received(d, dec.view());
    List<Payload> got = dec.view().payloads();
    if (got.isEmpty() || !(got.get(0) instanceof HashPayload h3)) {
      throw new IkeException("Quick Mode message 3 does not start with HASH(3)");
    }
    byte[] expected = Ikev1Crypto.quickModeHash3(s.prf, s.keys.skeyidA(), mid, q.ni, q.nr);
    if (!MessageDigest.isEqual(expected, h3.data())) {
      throw new IkeException("HASH(3) in Quick Mode message 3 does not verify");
    }
    follow(d.from(), d.to().getPort(), "Quick Mode message 3");
    q.iv = dec.lastBlock();
    q.done = true;
    awaitingNext = false;
    // KEYMAT per direction: encryption key (+ AES-GCM salt), then the integrity key
    int len = EspCrypto.keymatLength(q.espCipher, q.espIntegrity);
    byte[] kmIn =
        Ikev1Crypto.keymat(
            s.prf, s.keys.skeyidD(), null, IpsecAttr.PROTO_IPSEC_ESP, q.spiR, q.ni, q.nr, len);
    byte[] kmOut =
        Ikev1Crypto.keymat(
            s.prf, s.keys.skeyidD(), null, IpsecAttr.PROTO_IPSEC_ESP, q.spiI, q.ni, q.nr, len);
    int ek = q.espCipher.keymatLength();
    ChildSaKeys child =
        new ChildSaKeys(
            Ikev1Initiator.u32(q.spiR),
            Ikev1Initiator.u32(q.spiI),
            q.espCipher,
            q.espIntegrity,
            Arrays.copyOfRange(kmIn, 0, ek),
            Arrays.copyOfRange(kmIn, ek, len),
            Arrays.copyOfRange(kmOut, 0, ek),
            Arrays.copyOfRange(kmOut, ek, len),
            q.mode);
    children.add(child);
    listener.note("responder: CHILD_SA established: " + child);
    return Optional.of(child);
  }

  private void quickMode1(Datagram d, PacketView.Ike m, long mid) {
    IkeSa s = sa;
    byte[] iv0 = Ikev1Crypto.quickModeIv(s.hash, s.lastPhase1Block, mid, s.cipher.blockSize());
    Decrypted dec = decrypt(d, m, iv0);
    received(d, dec.view());
    List<Payload> got = dec.view().payloads();
    if (got.isEmpty() || !(got.get(0) instanceof HashPayload h1)) {
      throw new IkeException("Quick Mode message 1 does not start with HASH(1)");
    }
    byte[] expected =
        Ikev1Crypto.quickModeHash1(
            s.prf, s.keys.skeyidA(), mid, Ikev1Initiator.afterFirstPayload(dec.plaintext()));
    if (!MessageDigest.isEqual(expected, h1.data())) {
      throw new IkeException("HASH(1) in Quick Mode message 1 does not verify");
    }
    follow(d.from(), d.to().getPort(), "Quick Mode message 1");
    SaPayload offered = Ikev1Initiator.one(dec.view(), SaPayload.class, "Quick Mode message 1");
    byte[] ni = Ikev1Initiator.one(dec.view(), NoncePayload.class, "Quick Mode message 1").data();
    List<IdPayload> ids = dec.view().all(IdPayload.class);
    if (!dec.view().all(KePayload.class).isEmpty()) {
      throw new IkeException("Quick Mode with PFS (KE payload) is not supported by the responder");
    }
    QuickMode q = new QuickMode();
    q.iv = dec.lastBlock();
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
    s.quickModes.put(mid, q);
    List<Payload> rest = new ArrayList<>();
    rest.add(new SaPayload(offered.doi(), offered.situation(), List.of(chosen)));
    rest.add(new NoncePayload(q.nr));
    rest.addAll(ids);
    byte[] hash2 =
        Ikev1Crypto.quickModeHash2(s.prf, s.keys.skeyidA(), mid, q.ni, Payloads.encodeChain(rest));
    List<Payload> qm2 = new ArrayList<>();
    qm2.add(new HashPayload(hash2));
    qm2.addAll(rest);
    IsakmpHeader h = header(ExchangeType.QUICK.code(), IsakmpHeader.FLAG_ENCRYPTION, mid);
    byte[][] sealed = encrypt(h, qm2, q.iv);
    q.iv = sealed[1];
    answerBytes(d, sealed[0], new PacketView.Ike(false, h, qm2, true), true);
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
  }

  /** An encrypted Informational with HASH(1) and one notification, under the IKE SA. */
  private void sendNotify(Datagram d, int notifyType) {
    IkeSa s = sa;
    long mid = Integer.toUnsignedLong(random.nextInt() | 1);
    NotificationPayload n =
        new NotificationPayload(
            IpsecAttr.DOI_IPSEC, IpsecAttr.PROTO_IPSEC_ESP, notifyType, new byte[0], new byte[0]);
    byte[] hash =
        Ikev1Crypto.informationalHash(
            s.prf, s.keys.skeyidA(), mid, Payloads.encodeChain(List.of(n)));
    List<Payload> ps = List.of(new HashPayload(hash), n);
    IsakmpHeader h = header(ExchangeType.INFORMATIONAL.code(), IsakmpHeader.FLAG_ENCRYPTION, mid);
    byte[] iv = Ikev1Crypto.quickModeIv(s.hash, s.lastPhase1Block, mid, s.cipher.blockSize());
    byte[][] sealed = encrypt(h, ps, iv);
    answerBytes(d, sealed[0], new PacketView.Ike(false, h, ps, true), false);
  }

  // ------------------------------------------------------------------ messaging

  private IsakmpHeader header(int exchange, int flags, long mid) {
    return new IsakmpHeader(sa.ckyI.clone(), sa.ckyR.clone(), 0, 1, 0, exchange, flags, mid, 0);
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

  /** Encrypts a payload chain with {@code iv}; returns the message and the new last block. */
  private byte[][] encrypt(IsakmpHeader h, List<Payload> payloads, byte[] iv) {
    byte[] chain = Payloads.encodeChain(payloads);
    int bs = sa.cipher.blockSize();
    int padded = ((chain.length + bs - 1) / bs) * bs;
    byte[] pt = Arrays.copyOf(chain, padded);
    byte[] ct = sa.cipher.encrypt(sa.keys.encryptionKey(), iv, pt);
    byte[] last = Arrays.copyOfRange(ct, ct.length - bs, ct.length);
    return new byte[][] {
      IsakmpMessage.encrypted(h, Payloads.firstType(payloads), ct).encode(), last
    };
  }

  private Decrypted decrypt(Datagram d, PacketView.Ike v, byte[] withIv) {
    byte[] raw = d.payload();
    IsakmpMessage m =
        IsakmpMessage.decode(v.marker() ? Arrays.copyOfRange(raw, 4, raw.length) : raw);
    byte[] ct = m.encryptedBody();
    int bs = sa.cipher.blockSize();
    if (ct.length == 0 || ct.length % bs != 0) {
      throw new IkeException(
          "encrypted "
              + ExchangeType.valueOf(v.header().exchangeType()).name()
              + " message of "
              + ct.length
              + " bytes is not a multiple of the cipher block size");
    }
    byte[] pt = sa.cipher.decrypt(sa.keys.encryptionKey(), withIv, ct);
    try {
      List<Payload> ps = Payloads.decodeChain(v.header().nextPayload(), new WireReader(pt));
      byte[] last = Arrays.copyOfRange(ct, ct.length - bs, ct.length);
      return new Decrypted(new PacketView.Ike(v.marker(), v.header(), ps, true), pt, last);
    } catch (MalformedException e) {
      throw new IkeException(
          "decrypted message does not parse (" + e.getMessage() + "): wrong key or IV?", e);
    }
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
