package io.natt.ike;

import io.natt.crypto.EspIntegrity;
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
import io.natt.wire.Udp4500;
import io.natt.wire.VendorIdPayload;
import io.natt.wire.VendorIds;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The harness's IKEv1 initiator: Main Mode with pre-shared keys and Quick Mode, with RFC 3947 NAT
 * traversal (vendor ID, NAT-D, float to 4500 at message 5). Deviations come from {@link Knobs}; the
 * compliant path is the default. The NAT-D hashes cover the ports message 3 travels between (500,
 * or 4500 when it already floated). {@link Knobs.Deviation}s it honours: {@code NO_MARKER} (IKE on
 * 4500 without the non-ESP marker) and {@code ID_PORT_500} (IDii with protocol 17, port 500).
 */
public final class Ikev1Initiator {

  private final PeerConfig cfg;
  private final Channel channel;
  private final PeerListener listener;
  private final SecureRandom random;
  private final Phase1Session session;
  private final NatTNegotiation natT;
  private boolean floated;
  private int natDPort = 500;
  private int messagesSent;
  private List<NatOaPayload> peerNatOa = List.of();
  private final List<Payload> extraVendorIds = new ArrayList<>();
  private boolean initialContact;
  private int padding;
  private boolean fragmentation;
  private boolean dpd;
  private volatile boolean answerDpd = true;
  private boolean iutFragmentation;
  private int fragmentIds;

  public Ikev1Initiator(PeerConfig cfg, Channel channel, PeerListener listener, SecureRandom rnd) {
    this.cfg = cfg;
    this.channel = channel;
    this.listener = listener;
    this.random = rnd;
    byte[] ckyI = new byte[8];
    rnd.nextBytes(ckyI);
    if (ckyI[0] == 0) {
      ckyI[0] = 1;
    }
    this.session =
        new Phase1Session(
            Phase1Session.Role.INITIATOR, ckyI, new byte[8], cfg.cipher(), cfg.hash(), cfg.group());
    this.natT = new NatTNegotiation(cfg.knobs());
    floated = cfg.knobs().floatAt() == Knobs.FloatMode.START_ON_4500;
  }

  /** Where IKE and ESP now go: the IUT on 500, or on 4500 after the float. */
  public InetSocketAddress remoteEndpoint() {
    return new InetSocketAddress(cfg.remoteAddress(), floated ? 4500 : 500);
  }

  /** The local port in use: 500, or 4500 after the float. */
  public int localPort() {
    return floated ? 4500 : 500;
  }

  public boolean floated() {
    return floated;
  }

  public NatDetection natDetection() {
    return natT.detection();
  }

  /** The knobs this initiator runs with. */
  public Knobs knobs() {
    return cfg.knobs();
  }

  public byte[] initiatorCookie() {
    return session.initiatorCookie();
  }

  public byte[] responderCookie() {
    return session.responderCookie();
  }

  /** The phase-1 encryption key (for a Wireshark IKEv1 decryption table). */
  public byte[] phase1EncryptionKey() {
    return session.encryptionKey();
  }

  // ------------------------------------------------------------------ Main Mode

  /** Runs Main Mode messages 1 to 6; throws {@link IkeException} when it does not complete. */
  public void mainMode() {
    // message 1: SA, vendor IDs
    SaPayload sa = phase1Sa();
    session.saiB(Payloads.body(sa));
    PacketView.Ike r2 =
        exchangePlain(
            header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0),
            message1(sa),
            "Main Mode message 1",
            v -> !v.all(SaPayload.class).isEmpty());
    session.responderCookie(r2.header().responderCookie());
    checkChosenSa(r2, "Main Mode message 2");
    readVendorIds(r2);

    // message 3: KE, Ni, NAT-D (remote first, then local)
    byte[] gxi = session.generateDh(random);
    byte[] ni = randomBytes(32);
    session.ownNonce(ni);
    List<Payload> m3 = new ArrayList<>();
    m3.add(new KePayload(gxi));
    m3.add(new NoncePayload(ni));
    if (natT.agreed() && cfg.knobs().floatAt() == Knobs.FloatMode.EARLY && !floated) {
      floated = true;
      listener.note("floating to UDP 4500 already at Main Mode message 3 (knob float: early)");
    }
    // the NAT-D hashes cover the ports message 3 travels between (500, or 4500 once floated)
    natDPort = localPort();
    if (natT.agreed()) {
      m3.addAll(natDPayloads());
    }
    PacketView.Ike r4 =
        exchangePlain(
            header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0),
            m3,
            "Main Mode message 3",
            v -> !v.all(KePayload.class).isEmpty());
    byte[] gxr = one(r4, KePayload.class, "Main Mode message 4").data();
    byte[] nr = one(r4, NoncePayload.class, "Main Mode message 4").data();
    session.deriveKeys(cfg.psk(), gxr, nr);
    // message 5: IDii, HASH_I; on 4500 when a NAT was detected
    detectNatAndFloat(r4, "Main Mode message 4", "Main Mode message 5");
    IdPayload idii = IdPayloads.phase1(cfg.localId(), cfg.knobs(), "IDii", listener::note);
    byte[] hashI = session.hashI(Payloads.body(idii));
    List<Payload> m5 = new ArrayList<>(List.of(idii, new HashPayload(hashI)));
    m5.addAll(initialContactPayload());
    if (padding > 0) {
      m5.add(new VendorIdPayload(paddingVendorId(padding)));
    }
    Phase1Session.Decrypted r6 =
        exchangeEncrypted(
            header(ExchangeType.IDENTITY_PROTECTION.code(), IsakmpHeader.FLAG_ENCRYPTION, 0),
            m5,
            "Main Mode message 5",
            0);
    IdPayload idir = one(r6.view(), IdPayload.class, "Main Mode message 6");
    byte[] hashR = one(r6.view(), HashPayload.class, "Main Mode message 6").data();
    if (!Phase1Session.verifies(session.hashR(Payloads.body(idir)), hashR)) {
      throw new IkeException("HASH_R in Main Mode message 6 does not verify (wrong PSK or IDs?)");
    }
    session.finishPhase1();
    listener.note("IKE SA established with " + idir.identity());
  }

  // ------------------------------------------------------------------ Aggressive Mode

  /**
   * Runs Aggressive Mode (RFC 2409 section 5.4, with RFC 3947 section 3 and 4): message 1 carries
   * SA, KE, Ni, IDii and the vendor IDs; message 2 the IUT's SA, KE, Nr, IDir, vendor ID, NAT-D
   * payloads and HASH_R; message 3 (encrypted, on 4500 when a NAT was detected) the harness's NAT-D
   * payloads and HASH_I. Message 3 has no answer: the IKE SA is up once it is sent. The NAT-D
   * hashes of message 3 cover the ports it travels between. The knob float: early does not apply
   * (the loader refuses it).
   */
  public void aggressiveMode() {
    SaPayload sa = phase1Sa();
    session.saiB(Payloads.body(sa));
    byte[] gxi = session.generateDh(random);
    byte[] ni = randomBytes(32);
    session.ownNonce(ni);
    IdPayload idii = IdPayloads.phase1(cfg.localId(), cfg.knobs(), "IDii", listener::note);
    List<Payload> m1 = new ArrayList<>();
    m1.add(sa);
    m1.add(new KePayload(gxi));
    m1.add(new NoncePayload(ni));
    m1.add(idii);
    m1.addAll(natT.vendorIdPayloads());
    m1.addAll(extraVendorIds);
    natDPort = localPort();

    PacketView.Ike r2 =
        exchangePlain(
            header(ExchangeType.AGGRESSIVE.code(), 0, 0),
            m1,
            "Aggressive Mode message 1",
            v -> !v.all(SaPayload.class).isEmpty());
    session.responderCookie(r2.header().responderCookie());
    checkChosenSa(r2, "Aggressive Mode message 2");
    readVendorIds(r2);
    byte[] gxr = one(r2, KePayload.class, "Aggressive Mode message 2").data();
    byte[] nr = one(r2, NoncePayload.class, "Aggressive Mode message 2").data();
    IdPayload idir = one(r2, IdPayload.class, "Aggressive Mode message 2");
    byte[] hashR = one(r2, HashPayload.class, "Aggressive Mode message 2").data();
    session.deriveKeys(cfg.psk(), gxr, nr);
    if (!Phase1Session.verifies(session.hashR(Payloads.body(idir)), hashR)) {
      throw new IkeException(
          "HASH_R in Aggressive Mode message 2 does not verify (wrong PSK or IDs?)");
    }
    // message 3: [NAT-D, NAT-D,] HASH_I; on 4500 when a NAT was detected
    detectNatAndFloat(r2, "Aggressive Mode message 2", "Aggressive Mode message 3");
    natDPort = localPort();
    List<Payload> m3 = new ArrayList<>();
    if (natT.agreed()) {
      m3.addAll(natDPayloads());
    }
    m3.add(new HashPayload(session.hashI(Payloads.body(idii))));
    m3.addAll(initialContactPayload());
    sendEncrypted(
        header(ExchangeType.AGGRESSIVE.code(), IsakmpHeader.FLAG_ENCRYPTION, 0),
        m3,
        "Aggressive Mode message 3");
    session.finishPhase1();
    listener.note("IKE SA established with " + idir.identity() + " (Aggressive Mode)");
  }

  /** The FRAGMENTATION vendor ID as strongSwan sends it (with its capability suffix). */
  static final byte[] FRAGMENTATION_VID =
      io.natt.wire.Hex.parse("4048b7d56ebce88525e7de7f00d6c2d380000000");

  /** The largest IKE message sent whole when both sides do IKE fragmentation. */
  static final int FRAGMENT_MESSAGE = 548;

  /**
   * Large messages for the next phase 1: {@code padding} bytes more in Main Mode message 5 (a
   * vendor ID payload of that size, as a certificate chain would make it large), and with {@code
   * fragmentation} the FRAGMENTATION vendor ID in message 1 and, when the IUT announces it too,
   * messages over {@value #FRAGMENT_MESSAGE} bytes sent as IKE fragments.
   */
  public void largeMessages(int padding, boolean fragmentation) {
    this.padding = padding;
    this.fragmentation = fragmentation;
  }

  /** Whether the IUT announced IKE fragmentation in its first answer. */
  public boolean iutFragmentation() {
    return iutFragmentation;
  }

  private static byte[] paddingVendorId(int n) {
    byte[] v = new byte[n];
    byte[] tag = "natt-conformance padding".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int k = 0; k < n; k++) {
      v[k] = k < tag.length ? tag[k] : (byte) k;
    }
    return v;
  }

  /**
   * Whether the next phase 1 ends with the INITIAL-CONTACT notification (RFC 2407 section 4.6.3.3,
   * protocol ISAKMP, SPI the two cookies), after HASH_I in Main Mode message 5 or Aggressive Mode
   * message 3: "I have no other SA with you", which RFC 3947 section 6 asks the receiver to act on
   * by the sender's ID, never by its address and port.
   */
  public void initialContact(boolean on) {
    initialContact = on;
  }

  private List<Payload> initialContactPayload() {
    if (!initialContact) {
      return List.of();
    }
    byte[] spi = new byte[16];
    System.arraycopy(session.initiatorCookie(), 0, spi, 0, 8);
    System.arraycopy(session.responderCookie(), 0, spi, 8, 8);
    return List.of(
        io.natt.wire.NotificationPayload.of(
            io.natt.wire.IpsecAttr.PROTO_ISAKMP, NotifyType.INITIAL_CONTACT.code(), spi));
  }

  /** Main Mode message 1: the SA, then the vendor IDs the knobs ask for, then any others. */
  private List<Payload> message1(SaPayload sa) {
    List<Payload> m1 = new ArrayList<>();
    m1.add(sa);
    m1.addAll(natT.vendorIdPayloads());
    m1.addAll(extraVendorIds);
    if (fragmentation) {
      m1.add(new VendorIdPayload(FRAGMENTATION_VID));
    }
    if (dpd) {
      m1.add(Dpd.vendorId());
    }
    return m1;
  }

  /**
   * Vendor IDs to announce in phase-1 message 1 after the NAT-T ones (a persona's, such as
   * Microsoft's); they change nothing in how this side behaves.
   */
  public void announceAlso(List<byte[]> vendorIds) {
    extraVendorIds.clear();
    vendorIds.forEach(v -> extraVendorIds.add(new VendorIdPayload(v)));
  }

  private SaPayload phase1Sa() {
    List<Attribute> attrs = new ArrayList<>();
    Ike1Cipher cipher = cfg.cipher();
    attrs.add(Attribute.basic(Ike1Attr.ENCRYPTION_ALGORITHM, cipher.attributeValue()));
    if (cipher.keyLengthAttribute() != 0) {
      attrs.add(Attribute.basic(Ike1Attr.KEY_LENGTH, cipher.keyLengthAttribute()));
    }
    attrs.add(Attribute.basic(Ike1Attr.HASH_ALGORITHM, cfg.hash().ikeAttributeValue()));
    attrs.add(Attribute.basic(Ike1Attr.AUTH_METHOD, Ike1Attr.AUTH_PSK));
    attrs.add(Attribute.basic(Ike1Attr.GROUP_DESCRIPTION, cfg.group().id()));
    attrs.add(Attribute.basic(Ike1Attr.LIFE_TYPE, Ike1Attr.LIFE_SECONDS));
    attrs.add(Attribute.basic(Ike1Attr.LIFE_DURATION, 28800));
    Transform t = new Transform(1, 1 /* KEY_IKE */, attrs);
    Proposal p = new Proposal(1, IpsecAttr.PROTO_ISAKMP, new byte[0], List.of(t));
    return new SaPayload(IpsecAttr.DOI_IPSEC, IpsecAttr.SIT_IDENTITY_ONLY, List.of(p));
  }

  private void checkChosenSa(PacketView.Ike r2, String where) {
    SaPayload chosen = one(r2, SaPayload.class, where);
    if (chosen.proposals().isEmpty() || chosen.proposals().get(0).transforms().isEmpty()) {
      throw new IkeException(where + " carries an SA without a transform");
    }
  }

  private void readVendorIds(PacketView.Ike r2) {
    List<String> seen = new ArrayList<>();
    for (VendorIdPayload v : r2.all(VendorIdPayload.class)) {
      seen.add(VendorIds.name(v.data()));
    }
    natT.agree(r2.all(VendorIdPayload.class));
    iutFragmentation =
        r2.all(VendorIdPayload.class).stream()
            .anyMatch(v -> VendorIds.name(v.data()).startsWith("FRAGMENTATION"));
    if (fragmentation) {
      listener.note(
          iutFragmentation
              ? "the IUT announced IKE fragmentation: messages over "
                  + FRAGMENT_MESSAGE
                  + " bytes go out in IKE fragments (payload 132)"
              : "the IUT did not announce IKE fragmentation: large messages go out whole (the IP"
                  + " layer fragments them)");
    }
    listener.note(
        "IUT vendor IDs: "
            + seen
            + "; NAT-T variant agreed: "
            + (natT.agreed() ? natDetection().natTVariant() : "none"));
  }

  private List<Payload> natDPayloads() {
    return natT.natDPayloads(
        session,
        new InetSocketAddress(cfg.remoteAddress(), natDPort),
        new InetSocketAddress(cfg.localAddress(), natDPort),
        new byte[] {(byte) 203, 0, 113, 77},
        random,
        listener::note);
  }

  /**
   * Reads the IUT's NAT-D (when NAT-T was agreed) from {@code answer}; with a NAT detected and the
   * knob float: at-message-5, moves to 4500 for the message that carries HASH_I ({@code next}).
   */
  private void detectNatAndFloat(PacketView.Ike answer, String where, String next) {
    if (natT.agreed()) {
      detectNat(answer, where);
    }
    if (!floated
        && natT.detection().natDetected()
        && cfg.knobs().floatAt() == Knobs.FloatMode.AT_MESSAGE_5) {
      floated = true;
      listener.note("floating to UDP 4500 at " + next + " (non-ESP marker)");
    }
  }

  private void detectNat(PacketView.Ike r4, String where) {
    List<NatDPayload> natd = r4.all(NatDPayload.class);
    if (natd.isEmpty()) {
      listener.note("IUT sent no NAT-D payloads in " + where + ": no NAT detection");
      return;
    }
    NatDetection found =
        natT.verify(
            session,
            natd,
            new InetSocketAddress(cfg.localAddress(), natDPort),
            new InetSocketAddress(cfg.remoteAddress(), natDPort));
    boolean localBehind = found.localBehindNat();
    boolean remoteBehind = found.remoteBehindNat();
    listener.note(
        "NAT-D: "
            + (localBehind
                ? "the harness is behind a NAT (IUT's hash of our address does not match "
                    + cfg.localAddress().getHostAddress()
                    + ":"
                    + natDPort
                    + ")"
                : "no NAT in front of the harness")
            + "; "
            + (remoteBehind
                ? "the IUT claims to be behind a NAT (none of its hashes matches "
                    + cfg.remoteAddress().getHostAddress()
                    + ":"
                    + natDPort
                    + "): it forces UDP encapsulation"
                : "no NAT in front of the IUT"));
  }

  // ------------------------------------------------------------------ Quick Mode

  /** Runs Quick Mode (three messages) for one ESP SA pair in tunnel mode. */
  public ChildSaKeys quickMode(IdPayload idci, IdPayload idcr) {
    return quickMode(idci, idcr, false);
  }

  /**
   * Runs Quick Mode for one ESP SA pair in tunnel mode or, with {@code transport}, in transport
   * mode (RFC 3947 section 5): UDP-Encapsulated-Transport (4, or 61444 for the drafts) when NAT-D
   * found a NAT, plain Transport (2) when it found none, unless the knob encapsulation names
   * another value than the default 3. With a UDP-encapsulated transport mode offered, NAT-OAi (this
   * side's address) then NAT-OAr (the IUT's address as this side sees it) follow the IDs (section
   * 5.2); the IUT's NAT-OA payloads are kept ({@link #peerNatOa()}). One transform, so plain and
   * UDP-encapsulated modes are never mixed in one offer (section 5.1).
   */
  public ChildSaKeys quickMode(IdPayload idci, IdPayload idcr, boolean transport) {
    if (!session.established()) {
      throw new IllegalStateException("Quick Mode needs an established IKE SA");
    }
    long mid = Integer.toUnsignedLong(random.nextInt() | 1);
    byte[] spiIn = randomBytes(4);
    spiIn[0] = (byte) (spiIn[0] | 0x10);
    byte[] ni2 = randomBytes(32);
    int offeredMode = transport ? transportMode() : cfg.knobs().encapsulationMode();
    SaPayload sa = quickModeSa(spiIn, offeredMode);
    List<Payload> rest = new ArrayList<>(List.of(sa, new NoncePayload(ni2), idci, idcr));
    if (IpsecAttr.isUdpTransport(offeredMode)) {
      rest.addAll(natOaPayloads());
    }
    byte[] hash1 = session.quickModeHash1(mid, Payloads.encodeChain(rest));
    List<Payload> qm1 = new ArrayList<>();
    qm1.add(new HashPayload(hash1));
    qm1.addAll(rest);
    session.startExchange(mid);
    Phase1Session.Decrypted r2 =
        exchangeEncrypted(
            header(ExchangeType.QUICK.code(), IsakmpHeader.FLAG_ENCRYPTION, mid),
            qm1,
            "Quick Mode message 1",
            mid);
    List<Payload> got = r2.view().payloads();
    if (got.isEmpty() || !(got.get(0) instanceof HashPayload h2)) {
      throw new IkeException("Quick Mode message 2 does not start with HASH(2)");
    }
    byte[] nr2 = one(r2.view(), NoncePayload.class, "Quick Mode message 2").data();
    byte[] expected2 =
        session.quickModeHash2(mid, ni2, Phase1Session.afterFirstPayload(r2.plaintext()));
    if (!MessageDigest.isEqual(expected2, h2.data())) {
      throw new IkeException("HASH(2) in Quick Mode message 2 does not verify");
    }
    SaPayload chosen = one(r2.view(), SaPayload.class, "Quick Mode message 2");
    if (chosen.proposals().isEmpty() || chosen.proposals().get(0).spi().length != 4) {
      throw new IkeException("Quick Mode message 2: the chosen ESP proposal has no 4-byte SPI");
    }
    byte[] spiOut = chosen.proposals().get(0).spi();
    int mode =
        chosen.proposals().get(0).transforms().stream()
            .findFirst()
            .flatMap(t -> t.attribute(IpsecAttr.ENCAPSULATION_MODE))
            .map(a -> (int) a.longValue())
            .orElse(offeredMode);
    peerNatOa = List.copyOf(r2.view().all(NatOaPayload.class));
    byte[] hash3 = session.quickModeHash3(mid, ni2, nr2);
    sendEncrypted(
        header(ExchangeType.QUICK.code(), IsakmpHeader.FLAG_ENCRYPTION, mid),
        List.of(new HashPayload(hash3)),
        "Quick Mode message 3");

    ChildSaKeys child =
        session.childSa(spiIn, spiOut, ni2, nr2, cfg.espCipher(), cfg.espIntegrity(), mode);
    listener.note("CHILD_SA established: " + child);
    return child;
  }

  /** The NAT-OA payloads of the IUT's last Quick Mode answer (NAT-OAi, NAT-OAr), maybe none. */
  public List<NatOaPayload> peerNatOa() {
    return peerNatOa;
  }

  /**
   * The transport mode to offer: the knob encapsulation when it is not the default 3, else
   * UDP-Encapsulated-Transport of the agreed variant with a NAT detected, else Transport.
   */
  private int transportMode() {
    int knob = cfg.knobs().encapsulationMode();
    if (knob != IpsecAttr.UDP_TUNNEL) {
      return knob;
    }
    if (natT.detection().natDetected()) {
      return natT.variant().orElse(NatTVariant.RFC3947).udpTransportMode();
    }
    return IpsecAttr.TRANSPORT;
  }

  /**
   * NAT-OAi (this side's address) then NAT-OAr (the peer's address as this side sees it), of the
   * agreed variant's type (RFC 3947 section 5.2); the deviations an emulated IUT takes as initiator
   * change that: nat-oa-omitted (none), nat-oa-malformed (ID_FQDN, reserved bytes set),
   * nat-oa-swapped (NAT-OAr first). The harness's own knobs never hold them (refused at load).
   */
  private List<Payload> natOaPayloads() {
    int type = natT.variant().map(NatTVariant::natOaType).orElse(PayloadType.NAT_OA.code());
    byte[] own = cfg.localAddress().getAddress();
    byte[] peer = cfg.remoteAddress().getAddress();
    Knobs k = cfg.knobs();
    if (k.has(Knobs.Deviation.NAT_OA_OMITTED)) {
      listener.note("no NAT-OA although it offers transport (deviation nat-oa-omitted)");
      return List.of();
    }
    return NatOaPayloads.pair(type, own, peer, k, listener::note);
  }

  private SaPayload quickModeSa(byte[] spi, int mode) {
    List<Attribute> attrs = new ArrayList<>();
    attrs.add(Attribute.basic(IpsecAttr.SA_LIFE_TYPE, 1));
    attrs.add(Attribute.basic(IpsecAttr.SA_LIFE_DURATION, 3600));
    attrs.add(Attribute.basic(IpsecAttr.ENCAPSULATION_MODE, mode));
    if (cfg.espIntegrity() != EspIntegrity.NONE) {
      // a combined mode (AES-GCM) has no separate integrity algorithm, hence no attribute
      attrs.add(
          Attribute.basic(IpsecAttr.AUTH_ALGORITHM, cfg.espIntegrity().authAlgorithmAttribute()));
    }
    if (cfg.espCipher().keyLengthBits() != 0) {
      attrs.add(Attribute.basic(IpsecAttr.KEY_LENGTH, cfg.espCipher().keyLengthBits()));
    }
    Transform t = new Transform(1, cfg.espCipher().transformId(), attrs);
    List<Transform> offer = List.of(t);
    if (cfg.knobs().has(Knobs.Deviation.MIXED_MODES) && IpsecAttr.isUdpEncapsulated(mode)) {
      // an emulated IUT as initiator: the same transform again in the plain twin mode (5.1)
      int plain = IpsecAttr.isTransport(mode) ? IpsecAttr.TRANSPORT : IpsecAttr.TUNNEL;
      List<Attribute> twin = new ArrayList<>(attrs);
      twin.set(2, Attribute.basic(IpsecAttr.ENCAPSULATION_MODE, plain));
      offer = List.of(t, new Transform(2, cfg.espCipher().transformId(), twin));
      listener.note(
          "offers mode " + mode + " and its plain twin " + plain + " (deviation mixed-modes)");
    }
    Proposal p = new Proposal(1, IpsecAttr.PROTO_IPSEC_ESP, spi, offer);
    return new SaPayload(IpsecAttr.DOI_IPSEC, IpsecAttr.SIT_IDENTITY_ONLY, List.of(p));
  }

  // ------------------------------------------------------------------ messaging

  private IsakmpHeader header(int exchange, int flags, long mid) {
    return new IsakmpHeader(
        session.initiatorCookie(), session.responderCookie(), 0, 1, 0, exchange, flags, mid, 0);
  }

  /**
   * Sends a plaintext message and waits for its answer: same exchange and message ID, not
   * encrypted, and {@code isAnswer} (so a retransmitted earlier answer is not taken for this one).
   */
  private PacketView.Ike exchangePlain(
      IsakmpHeader h, List<Payload> payloads, String what, Predicate<PacketView.Ike> isAnswer) {
    byte[] bytes = IsakmpMessage.plain(h, payloads).encode();
    PacketView.Ike sentView = new PacketView.Ike(markerOn(), h, payloads, false);
    long mid = h.messageId();
    Received r =
        sendAndAwait(
            bytes,
            sentView,
            what,
            v ->
                v.header().exchangeType() == h.exchangeType()
                    && v.header().messageId() == mid
                    && !v.header().encrypted()
                    && isAnswer.test(v));
    return r.view();
  }

  private Phase1Session.Decrypted exchangeEncrypted(
      IsakmpHeader h, List<Payload> payloads, String what, long mid) {
    byte[] bytes = session.encryptInChain(h, payloads);
    PacketView.Ike sentView = new PacketView.Ike(markerOn(), h, payloads, true);
    Received r =
        sendAndAwait(
            bytes,
            sentView,
            what,
            v ->
                v.header().exchangeType() == h.exchangeType()
                    && v.header().messageId() == mid
                    && v.header().encrypted());
    return r.decrypted();
  }

  private void sendEncrypted(IsakmpHeader h, List<Payload> payloads, String what) {
    byte[] bytes = session.encryptInChain(h, payloads);
    send(bytes, new PacketView.Ike(markerOn(), h, payloads, true));
  }

  private record Received(PacketView.Ike view, Phase1Session.Decrypted decrypted) {}

  /** Whether IKE goes out behind the non-ESP marker: on 4500, unless the deviation no-marker. */
  private boolean markerOn() {
    return floated && !cfg.knobs().has(Knobs.Deviation.NO_MARKER);
  }

  private void send(byte[] ike, PacketView.Ike view) {
    if (fragmentation && iutFragmentation && ike.length > FRAGMENT_MESSAGE) {
      int id = ++fragmentIds;
      List<byte[]> pieces = io.natt.wire.Ikev1Fragments.split(ike, FRAGMENT_MESSAGE, id);
      listener.note(
          "IKE message of " + ike.length + " bytes sent in " + pieces.size() + " IKE fragments");
      for (byte[] piece : pieces) {
        byte[] p = markerOn() ? marked(piece) : piece;
        Datagram d = channel.send(localPort(), remoteEndpoint(), p);
        listener.sent(d, PacketView.classify(localPort(), remoteEndpoint().getPort(), p));
      }
      messagesSent++;
      return;
    }
    byte[] payload = markerOn() ? marked(ike) : ike;
    Datagram d = channel.send(localPort(), remoteEndpoint(), payload);
    messagesSent++;
    listener.sent(d, view);
  }

  static byte[] marked(byte[] ike) {
    return ByteBuffer.allocate(4 + ike.length).put(Udp4500.NON_ESP_MARKER).put(ike).array();
  }

  /**
   * Sends, then waits for the answer matching {@code match}; retransmits the same bytes when none
   * comes in time. Encrypted answers are decrypted with the current IV chain.
   */
  private Received sendAndAwait(
      byte[] ike, PacketView.Ike sentView, String what, Predicate<PacketView.Ike> match) {
    int sends = 1 + cfg.retransmits();
    for (int attempt = 1; attempt <= sends; attempt++) {
      send(ike, sentView);
      Duration wait = attempt < sends ? cfg.answerTimeout() : cfg.lastWait();
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        Optional<Datagram> in = channel.receive(Duration.ofNanos(left));
        if (in.isEmpty()) {
          break;
        }
        Datagram d = in.get();
        PacketView view = PacketView.classify(d.from().getPort(), d.to().getPort(), d.payload());
        if (!(view instanceof PacketView.Ike ikeView)) {
          listener.received(d, view);
          continue;
        }
        if (!Arrays.equals(ikeView.header().initiatorCookie(), session.initiatorCookie())) {
          listener.received(d, view);
          listener.note("ignored an IKE message for another IKE SA (initiator cookie differs)");
          continue;
        }
        if (!ikeView.header().encrypted()) {
          listener.received(d, view);
          rejectIfError(ikeView, what);
          if (match.test(ikeView)) {
            return new Received(ikeView, null);
          }
          continue;
        }
        if (match.test(ikeView)) {
          long mid = ikeView.header().messageId();
          Phase1Session.Decrypted dec = session.decrypt(d.payload(), ikeView, session.iv(mid));
          session.advance(mid, dec.lastBlock());
          listener.received(d, dec.view());
          rejectIfError(dec.view(), what);
          return new Received(dec.view(), dec);
        }
        // another encrypted exchange (an Informational): its own IV from the phase-1 chain
        if (session.established()) {
          byte[] ivInfo = session.freshIv(ikeView.header().messageId());
          Phase1Session.Decrypted dec = session.decrypt(d.payload(), ikeView, ivInfo);
          listener.received(d, dec.view());
          rejectIfError(dec.view(), what);
        } else {
          listener.received(d, view);
        }
      }
      if (attempt < sends) {
        listener.note("no answer to " + what + " yet: retransmitting (" + (attempt + 1) + ")");
      }
    }
    throw new IkeException(
        "no answer to "
            + what
            + " from "
            + cfg.remoteAddress().getHostAddress()
            + " after "
            + sends
            + " sends, "
            + cfg.answerTimeout().toMillis()
            + " ms apart"
            + (cfg.lastWait().equals(cfg.answerTimeout())
                ? ""
                : ", then " + cfg.lastWait().toMillis() + " ms"));
  }

  private void rejectIfError(PacketView.Ike v, String what) {
    for (NotificationPayload n : v.all(NotificationPayload.class)) {
      int type = n.notifyType();
      boolean quickMode = what.startsWith("Quick Mode");
      if (type == NotifyType.NO_PROPOSAL_CHOSEN.code()
          || type == NotifyType.ATTRIBUTES_NOT_SUPPORTED.code()
          || type == NotifyType.INVALID_TRANSFORM_ID.code()
          || type == NotifyType.INVALID_KEY_INFORMATION.code()
          || (quickMode && type == NotifyType.INVALID_ID_INFORMATION.code())) {
        throw new ProposalRefused(
            quickMode ? ProposalRefused.Phase.ESP : ProposalRefused.Phase.PHASE1,
            NotifyType.valueOf(type).name(),
            what);
      }
      if (type < 8192) {
        throw new IkeException(
            "the IUT answered "
                + what
                + " with the error notification "
                + NotifyType.valueOf(n.notifyType()).name());
      }
    }
  }

  static <T extends Payload> T one(PacketView.Ike v, Class<T> type, String where) {
    return Phase1Session.one(v, type, where);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  public int messagesSent() {
    return messagesSent;
  }

  // ------------------------------------------------------------------ Informational, probes

  /**
   * Deletes the ESP SA pair and then the IKE SA with Informational exchanges (HDR*, HASH(1), D),
   * each with its own message ID and IV.
   */
  public void delete(ChildSaKeys child) {
    if (!session.established()) {
      throw new IllegalStateException("Delete needs an established IKE SA");
    }
    byte[] spi = ByteBuffer.allocate(4).putInt((int) child.spiIn()).array();
    informational(
        new DeletePayload(IpsecAttr.DOI_IPSEC, IpsecAttr.PROTO_IPSEC_ESP, 4, List.of(spi)),
        "Delete of ESP SA");
    byte[] cookies =
        ByteBuffer.allocate(16)
            .put(session.initiatorCookie())
            .put(session.responderCookie())
            .array();
    informational(
        new DeletePayload(IpsecAttr.DOI_IPSEC, IpsecAttr.PROTO_ISAKMP, 16, List.of(cookies)),
        "Delete of IKE SA");
  }

  private void informational(Payload p, String what) {
    long mid = Integer.toUnsignedLong(random.nextInt() | 1);
    byte[] hash = session.informationalHash(mid, Payloads.encodeChain(List.of(p)));
    session.startExchange(mid);
    sendEncrypted(
        header(ExchangeType.INFORMATIONAL.code(), IsakmpHeader.FLAG_ENCRYPTION, mid),
        List.of(new HashPayload(hash), p),
        what);
    listener.note("sent " + what);
  }

  /**
   * Liveness probe: sends a fresh Main Mode message 1 (new cookies, same knobs) and waits for
   * message 2. Returns whether the IUT answered; never throws for a silent IUT.
   */
  public boolean probe() {
    try {
      exchangePlain(
          header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0),
          message1(phase1Sa()),
          "liveness probe (Main Mode 1)",
          v -> !v.all(SaPayload.class).isEmpty());
      return true;
    } catch (IkeException e) {
      listener.note("liveness probe: " + e.getMessage());
      return false;
    }
  }

  // ------------------------------------------------------------------ dead-peer detection

  /** Announces DPD (RFC 3706) in Main Mode message 1 and answers the IUT's R-U-THERE. */
  public void enableDpd() {
    dpd = true;
  }

  /** Whether R-U-THERE gets its ACK (false: the harness plays dead). */
  public void answerDpd(boolean answer) {
    answerDpd = answer;
  }

  /**
   * An IKE message the IUT started while no exchange of the harness waits for one (while draining,
   * pinging): an encrypted Informational is decrypted and recorded, and an R-U-THERE in it gets its
   * R-U-THERE-ACK unless the harness plays dead. Anything else is recorded as it came.
   */
  public void unsolicited(Datagram d) {
    PacketView view = PacketView.classify(d.from().getPort(), d.to().getPort(), d.payload());
    if (!(view instanceof PacketView.Ike ike)
        || !ike.header().encrypted()
        || ike.header().exchangeType() != ExchangeType.INFORMATIONAL.code()
        || !session.established()
        || !Arrays.equals(ike.header().initiatorCookie(), session.initiatorCookie())) {
      listener.received(d, view);
      return;
    }
    PacketView.Ike dec;
    try {
      dec = session.decrypt(d.payload(), ike, session.freshIv(ike.header().messageId())).view();
    } catch (RuntimeException e) {
      listener.received(d, view);
      listener.note("an Informational that does not decrypt: " + e.getMessage());
      return;
    }
    listener.received(d, dec);
    Optional<Long> seq = Dpd.sequence(dec, false);
    if (seq.isEmpty()) {
      return;
    }
    if (!answerDpd) {
      listener.note("R-U-THERE " + seq.get() + " not answered (the harness plays dead)");
      return;
    }
    informational(
        Dpd.notify(session.initiatorCookie(), session.responderCookie(), seq.get(), true),
        "R-U-THERE-ACK " + seq.get());
  }
}
