package io.natt.ike;

import io.natt.crypto.DhKeyPair;
import io.natt.crypto.EspCrypto;
import io.natt.crypto.EspIntegrity;
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
import io.natt.wire.Udp4500;
import io.natt.wire.VendorIdPayload;
import io.natt.wire.VendorIds;
import io.natt.wire.WireReader;
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
  private final Prf prf;
  private final Ike1Cipher cipher;

  private final byte[] ckyI = new byte[8];
  private byte[] ckyR = new byte[8];
  private DhKeyPair dh;
  private byte[] gxr;
  private byte[] ni;
  private byte[] nr;
  private byte[] saiB;
  private Ikev1Keys keys;
  private byte[] iv;
  private byte[] lastPhase1Block;
  private NatDetection natDetection = new NatDetection("none", false, false);
  private boolean natTSupportedByPeer;
  private int natDType = PayloadType.NAT_D.code();
  private boolean floated;
  private int natDPort = 500;
  private int messagesSent;

  public Ikev1Initiator(PeerConfig cfg, Channel channel, PeerListener listener, SecureRandom rnd) {
    this.cfg = cfg;
    this.channel = channel;
    this.listener = listener;
    this.random = rnd;
    this.prf = Prf.forHash(cfg.hash());
    this.cipher = cfg.cipher();
    rnd.nextBytes(ckyI);
    if (ckyI[0] == 0) {
      ckyI[0] = 1;
    }
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
    return natDetection;
  }

  /** The knobs this initiator runs with. */
  public Knobs knobs() {
    return cfg.knobs();
  }

  public byte[] initiatorCookie() {
    return ckyI.clone();
  }

  public byte[] responderCookie() {
    return ckyR.clone();
  }

  /** The phase-1 encryption key (for a Wireshark IKEv1 decryption table). */
  public byte[] phase1EncryptionKey() {
    return keys == null ? new byte[0] : keys.encryptionKey().clone();
  }

  // ------------------------------------------------------------------ Main Mode

  /** Runs Main Mode messages 1 to 6; throws {@link IkeException} when it does not complete. */
  public void mainMode() {
    // message 1: SA, vendor IDs
    SaPayload sa = phase1Sa();
    saiB = Payloads.body(sa);
    PacketView.Ike r2 =
        exchangePlain(
            header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0),
            message1(sa),
            "Main Mode message 1",
            v -> !v.all(SaPayload.class).isEmpty());
    ckyR = r2.header().responderCookie();
    checkChosenSa(r2);
    readVendorIds(r2);

    // message 3: KE, Ni, NAT-D (remote first, then local)
    dh = cfg.group().generate(random);
    ni = randomBytes(32);
    List<Payload> m3 = new ArrayList<>();
    m3.add(new KePayload(dh.publicValue()));
    m3.add(new NoncePayload(ni));
    if (natTSupportedByPeer && cfg.knobs().floatAt() == Knobs.FloatMode.EARLY && !floated) {
      floated = true;
      listener.note("floating to UDP 4500 already at Main Mode message 3 (knob float: early)");
    }
    // the NAT-D hashes cover the ports message 3 travels between (500, or 4500 once floated)
    natDPort = localPort();
    if (natTSupportedByPeer) {
      m3.addAll(natDPayloads());
    }
    PacketView.Ike r4 =
        exchangePlain(
            header(ExchangeType.IDENTITY_PROTECTION.code(), 0, 0),
            m3,
            "Main Mode message 3",
            v -> !v.all(KePayload.class).isEmpty());
    gxr = one(r4, KePayload.class, "Main Mode message 4").data();
    nr = one(r4, NoncePayload.class, "Main Mode message 4").data();
    byte[] gxy = cfg.group().sharedSecret(dh, gxr);
    keys = Ikev1Keys.derivePsk(prf, cfg.psk(), ni, nr, gxy, ckyI, ckyR, cipher);
    iv = Ikev1Crypto.phase1Iv(cfg.hash(), dh.publicValue(), gxr, cipher.blockSize());
    if (natTSupportedByPeer) {
      detectNat(r4);
    }

    // message 5: IDii, HASH_I; on 4500 when a NAT was detected
    if (!floated
        && natDetection.natDetected()
        && cfg.knobs().floatAt() == Knobs.FloatMode.AT_MESSAGE_5) {
      floated = true;
      listener.note("floating to UDP 4500 at Main Mode message 5 (non-ESP marker)");
    }
    IdPayload idii = IdPayload.fqdn(cfg.localId());
    if (cfg.knobs().has(Knobs.Deviation.ID_PORT_500)) {
      idii = idii.withProtocolPort(17, 500);
      listener.note("IDii with UDP port 500 instead of 0 (deviation id-port-500)");
    }
    byte[] hashI =
        Ikev1Crypto.hashI(
            prf, keys.skeyid(), dh.publicValue(), gxr, ckyI, ckyR, saiB, Payloads.body(idii));
    List<Payload> m5 = List.of(idii, new HashPayload(hashI));
    Decrypted r6 =
        exchangeEncrypted(
            header(ExchangeType.IDENTITY_PROTECTION.code(), IsakmpHeader.FLAG_ENCRYPTION, 0),
            m5,
            "Main Mode message 5",
            0);
    IdPayload idir = one(r6.view(), IdPayload.class, "Main Mode message 6");
    byte[] hashR = one(r6.view(), HashPayload.class, "Main Mode message 6").data();
    byte[] expected =
        Ikev1Crypto.hashR(
            prf, keys.skeyid(), dh.publicValue(), gxr, ckyI, ckyR, saiB, Payloads.body(idir));
    if (!MessageDigest.isEqual(expected, hashR)) {
      throw new IkeException("HASH_R in Main Mode message 6 does not verify (wrong PSK or IDs?)");
    }
    lastPhase1Block = iv.clone();
    listener.note("IKE SA established with " + idir.identity());
  }

  /** Main Mode message 1: the SA, then the vendor IDs the knobs ask for. */
  private List<Payload> message1(SaPayload sa) {
    List<Payload> m1 = new ArrayList<>();
    m1.add(sa);
    for (Knobs.VendorIdChoice v : cfg.knobs().vendorIds()) {
      m1.add(new VendorIdPayload(vendorId(v)));
    }
    return m1;
  }

  private SaPayload phase1Sa() {
    List<Attribute> attrs = new ArrayList<>();
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

  private void checkChosenSa(PacketView.Ike r2) {
    SaPayload chosen = one(r2, SaPayload.class, "Main Mode message 2");
    if (chosen.proposals().isEmpty() || chosen.proposals().get(0).transforms().isEmpty()) {
      throw new IkeException("Main Mode message 2 carries an SA without a transform");
    }
  }

  private void readVendorIds(PacketView.Ike r2) {
    List<String> seen = new ArrayList<>();
    for (VendorIdPayload v : r2.all(VendorIdPayload.class)) {
      seen.add(VendorIds.name(v.data()));
    }
    List<Knobs.VendorIdChoice> ours = cfg.knobs().vendorIds();
    for (VendorIdPayload v : r2.all(VendorIdPayload.class)) {
      if (Arrays.equals(v.data(), VendorIds.RFC3947)
          && ours.contains(Knobs.VendorIdChoice.RFC3947)) {
        natTSupportedByPeer = true;
        natDType = PayloadType.NAT_D.code();
        natDetection = new NatDetection("RFC 3947", false, false);
        break;
      }
    }
    if (!natTSupportedByPeer) {
      for (Knobs.VendorIdChoice c : ours) {
        if (c == Knobs.VendorIdChoice.RFC3947) {
          continue;
        }
        byte[] vid = vendorId(c);
        if (r2.all(VendorIdPayload.class).stream().anyMatch(v -> Arrays.equals(v.data(), vid))) {
          natTSupportedByPeer = true;
          natDType = PayloadType.NAT_D_DRAFT.code();
          natDetection = new NatDetection(VendorIds.name(vid), false, false);
          break;
        }
      }
    }
    listener.note(
        "IUT vendor IDs: "
            + seen
            + "; NAT-T variant agreed: "
            + (natTSupportedByPeer ? natDetection.natTVariant() : "none"));
  }

  static byte[] vendorId(Knobs.VendorIdChoice c) {
    return switch (c) {
      case RFC3947 -> VendorIds.RFC3947;
      case DRAFT_02 -> VendorIds.DRAFT_IETF_IPSEC_NAT_T_IKE_02;
      case DRAFT_02N -> VendorIds.DRAFT_IETF_IPSEC_NAT_T_IKE_02N;
      case DRAFT_03 -> VendorIds.DRAFT_IETF_IPSEC_NAT_T_IKE_03;
    };
  }

  private List<Payload> natDPayloads() {
    byte[] remote =
        Ikev1Crypto.natDetectionHash(
            cfg.hash(), ckyI, ckyR, cfg.remoteAddress().getAddress(), natDPort);
    byte[] local =
        Ikev1Crypto.natDetectionHash(
            cfg.hash(), ckyI, ckyR, cfg.localAddress().getAddress(), natDPort);
    switch (cfg.knobs().natD()) {
      case OMIT:
        return List.of();
      case FORCE_ENCAPSULATION:
        local = randomBytes(local.length);
        break;
      case CORRUPT:
        remote[0] ^= 1;
        local[0] ^= 1;
        break;
      case EXTRA_LOCAL:
        return List.of(
            new NatDPayload(natDType, remote),
            new NatDPayload(natDType, local),
            new NatDPayload(
                natDType,
                Ikev1Crypto.natDetectionHash(
                    cfg.hash(), ckyI, ckyR, new byte[] {(byte) 203, 0, 113, 77}, natDPort)));
      case HONEST:
      default:
        break;
    }
    return List.of(new NatDPayload(natDType, remote), new NatDPayload(natDType, local));
  }

  private void detectNat(PacketView.Ike r4) {
    List<NatDPayload> natd = r4.all(NatDPayload.class);
    if (natd.isEmpty()) {
      listener.note("IUT sent no NAT-D payloads in Main Mode message 4: no NAT detection");
      return;
    }
    byte[] ourHash =
        Ikev1Crypto.natDetectionHash(
            cfg.hash(), ckyI, ckyR, cfg.localAddress().getAddress(), natDPort);
    byte[] itsHash =
        Ikev1Crypto.natDetectionHash(
            cfg.hash(), ckyI, ckyR, cfg.remoteAddress().getAddress(), natDPort);
    boolean localBehind = !Arrays.equals(natd.get(0).hash(), ourHash);
    boolean remoteBehind = natd.stream().skip(1).noneMatch(n -> Arrays.equals(n.hash(), itsHash));
    natDetection = new NatDetection(natDetection.natTVariant(), localBehind, remoteBehind);
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
    if (keys == null || lastPhase1Block == null) {
      throw new IllegalStateException("Quick Mode needs an established IKE SA");
    }
    long mid = Integer.toUnsignedLong(random.nextInt() | 1);
    byte[] spiIn = randomBytes(4);
    spiIn[0] = (byte) (spiIn[0] | 0x10);
    byte[] ni2 = randomBytes(32);
    SaPayload sa = quickModeSa(spiIn);
    List<Payload> rest = List.of(sa, new NoncePayload(ni2), idci, idcr);
    byte[] hash1 = Ikev1Crypto.quickModeHash1(prf, keys.skeyidA(), mid, Payloads.encodeChain(rest));
    List<Payload> qm1 = new ArrayList<>();
    qm1.add(new HashPayload(hash1));
    qm1.addAll(rest);
    iv = Ikev1Crypto.quickModeIv(cfg.hash(), lastPhase1Block, mid, cipher.blockSize());
    Decrypted r2 =
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
        Ikev1Crypto.quickModeHash2(
            prf, keys.skeyidA(), mid, ni2, afterFirstPayload(r2.plaintext()));
    if (!MessageDigest.isEqual(expected2, h2.data())) {
      throw new IkeException("HASH(2) in Quick Mode message 2 does not verify");
    }
    SaPayload chosen = one(r2.view(), SaPayload.class, "Quick Mode message 2");
    if (chosen.proposals().isEmpty() || chosen.proposals().get(0).spi().length != 4) {
      throw new IkeException("Quick Mode message 2: the chosen ESP proposal has no 4-byte SPI");
    }
    byte[] spiOut = chosen.proposals().get(0).spi();
    int mode = cfg.knobs().encapsulationMode();
    for (Transform t : chosen.proposals().get(0).transforms()) {
      for (Attribute a : t.attributes()) {
        if (a.type() == IpsecAttr.ENCAPSULATION_MODE) {
          mode = (int) a.longValue();
        }
      }
    }
    byte[] hash3 = Ikev1Crypto.quickModeHash3(prf, keys.skeyidA(), mid, ni2, nr2);
    sendEncrypted(
        header(ExchangeType.QUICK.code(), IsakmpHeader.FLAG_ENCRYPTION, mid),
        List.of(new HashPayload(hash3)),
        "Quick Mode message 3");

    // KEYMAT per direction: encryption key (+ AES-GCM salt), then the integrity key
    int len = EspCrypto.keymatLength(cfg.espCipher(), cfg.espIntegrity());
    byte[] kmIn =
        Ikev1Crypto.keymat(
            prf, keys.skeyidD(), null, IpsecAttr.PROTO_IPSEC_ESP, spiIn, ni2, nr2, len);
    byte[] kmOut =
        Ikev1Crypto.keymat(
            prf, keys.skeyidD(), null, IpsecAttr.PROTO_IPSEC_ESP, spiOut, ni2, nr2, len);
    int ek = cfg.espCipher().keymatLength();
    ChildSaKeys child =
        new ChildSaKeys(
            u32(spiIn),
            u32(spiOut),
            cfg.espCipher(),
            cfg.espIntegrity(),
            Arrays.copyOfRange(kmIn, 0, ek),
            Arrays.copyOfRange(kmIn, ek, len),
            Arrays.copyOfRange(kmOut, 0, ek),
            Arrays.copyOfRange(kmOut, ek, len),
            mode);
    listener.note("CHILD_SA established: " + child);
    return child;
  }

  private SaPayload quickModeSa(byte[] spi) {
    List<Attribute> attrs = new ArrayList<>();
    attrs.add(Attribute.basic(IpsecAttr.SA_LIFE_TYPE, 1));
    attrs.add(Attribute.basic(IpsecAttr.SA_LIFE_DURATION, 3600));
    attrs.add(Attribute.basic(IpsecAttr.ENCAPSULATION_MODE, cfg.knobs().encapsulationMode()));
    if (cfg.espIntegrity() != EspIntegrity.NONE) {
      // a combined mode (AES-GCM) has no separate integrity algorithm, hence no attribute
      attrs.add(
          Attribute.basic(IpsecAttr.AUTH_ALGORITHM, cfg.espIntegrity().authAlgorithmAttribute()));
    }
    if (cfg.espCipher().keyLengthBits() != 0) {
      attrs.add(Attribute.basic(IpsecAttr.KEY_LENGTH, cfg.espCipher().keyLengthBits()));
    }
    Transform t = new Transform(1, cfg.espCipher().transformId(), attrs);
    Proposal p = new Proposal(1, IpsecAttr.PROTO_IPSEC_ESP, spi, List.of(t));
    return new SaPayload(IpsecAttr.DOI_IPSEC, IpsecAttr.SIT_IDENTITY_ONLY, List.of(p));
  }

  /** The bytes of a payload chain after its first payload, up to the end of the last one. */
  static byte[] afterFirstPayload(byte[] plaintext) {
    WireReader r = new WireReader(plaintext);
    int next = skipPayload(r, 0);
    int start = r.position();
    for (int k = 1; next != 0; k++) {
      next = skipPayload(r, k);
    }
    return Arrays.copyOfRange(plaintext, start, r.position());
  }

  private static int skipPayload(WireReader r, int k) {
    String name = "payload[" + k + "]";
    int next = r.u8(name + " next payload");
    r.u8(name + " reserved");
    int len = r.u16(name + " length");
    if (len < 4) {
      throw r.malformed(name + " length", "length " + len + " is below the 4-byte header");
    }
    r.bytes(len - 4, name + " body");
    return next;
  }

  // ------------------------------------------------------------------ messaging

  private IsakmpHeader header(int exchange, int flags, long mid) {
    return new IsakmpHeader(ckyI.clone(), ckyR.clone(), 0, 1, 0, exchange, flags, mid, 0);
  }

  private record Decrypted(PacketView.Ike view, byte[] plaintext, byte[] lastBlock) {}

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

  private Decrypted exchangeEncrypted(
      IsakmpHeader h, List<Payload> payloads, String what, long mid) {
    byte[] bytes = encrypt(h, payloads);
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
    byte[] bytes = encrypt(h, payloads);
    send(bytes, new PacketView.Ike(markerOn(), h, payloads, true));
  }

  private byte[] encrypt(IsakmpHeader h, List<Payload> payloads) {
    byte[] chain = Payloads.encodeChain(payloads);
    int bs = cipher.blockSize();
    int padded = ((chain.length + bs - 1) / bs) * bs;
    byte[] pt = Arrays.copyOf(chain, padded);
    byte[] ct = cipher.encrypt(keys.encryptionKey(), iv, pt);
    iv = Arrays.copyOfRange(ct, ct.length - bs, ct.length);
    return IsakmpMessage.encrypted(h, Payloads.firstType(payloads), ct).encode();
  }

  private record Received(PacketView.Ike view, Decrypted decrypted) {}

  /** Whether IKE goes out behind the non-ESP marker: on 4500, unless the deviation no-marker. */
  private boolean markerOn() {
    return floated && !cfg.knobs().has(Knobs.Deviation.NO_MARKER);
  }

  private void send(byte[] ike, PacketView.Ike view) {
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
        if (!Arrays.equals(ikeView.header().initiatorCookie(), ckyI)) {
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
          Decrypted dec = decrypt(d, ikeView, iv);
          iv = dec.lastBlock();
          listener.received(d, dec.view());
          rejectIfError(dec.view(), what);
          return new Received(dec.view(), dec);
        }
        // another encrypted exchange (an Informational): its own IV from the phase-1 chain
        if (lastPhase1Block != null) {
          byte[] ivInfo =
              Ikev1Crypto.quickModeIv(
                  cfg.hash(), lastPhase1Block, ikeView.header().messageId(), cipher.blockSize());
          Decrypted dec = decrypt(d, ikeView, ivInfo);
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

  private Decrypted decrypt(Datagram d, PacketView.Ike v, byte[] withIv) {
    IsakmpMessage m =
        IsakmpMessage.decode(
            v.marker() ? Arrays.copyOfRange(d.payload(), 4, d.length()) : d.payload());
    byte[] ct = m.encryptedBody();
    if (ct.length == 0 || ct.length % cipher.blockSize() != 0) {
      throw new IkeException(
          "encrypted "
              + ExchangeType.valueOf(v.header().exchangeType()).name()
              + " message of "
              + ct.length
              + " bytes is not a multiple of the cipher block size");
    }
    byte[] pt = cipher.decrypt(keys.encryptionKey(), withIv, ct);
    try {
      List<Payload> ps = Payloads.decodeChain(v.header().nextPayload(), new WireReader(pt));
      byte[] last = Arrays.copyOfRange(ct, ct.length - cipher.blockSize(), ct.length);
      return new Decrypted(new PacketView.Ike(v.marker(), v.header(), ps, true), pt, last);
    } catch (MalformedException e) {
      throw new IkeException(
          "decrypted message does not parse (" + e.getMessage() + "): wrong key or IV?", e);
    }
  }

  private void rejectIfError(PacketView.Ike v, String what) {
    for (NotificationPayload n : v.all(NotificationPayload.class)) {
      int type = n.notifyType();
      if (type == NotifyType.NO_PROPOSAL_CHOSEN.code()
          || type == NotifyType.ATTRIBUTES_NOT_SUPPORTED.code()
          || type == NotifyType.INVALID_TRANSFORM_ID.code()
          || type == NotifyType.INVALID_KEY_INFORMATION.code()) {
        throw new ProposalRefused(
            what.startsWith("Quick Mode")
                ? ProposalRefused.Phase.ESP
                : ProposalRefused.Phase.PHASE1,
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
    List<T> all = v.all(type);
    if (all.isEmpty()) {
      throw new IkeException(
          where + " has no " + type.getSimpleName().replace("Payload", "") + " payload");
    }
    return all.get(0);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  static long u32(byte[] b) {
    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
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
    if (keys == null || lastPhase1Block == null) {
      throw new IllegalStateException("Delete needs an established IKE SA");
    }
    byte[] spi = ByteBuffer.allocate(4).putInt((int) child.spiIn()).array();
    informational(
        new DeletePayload(IpsecAttr.DOI_IPSEC, IpsecAttr.PROTO_IPSEC_ESP, 4, List.of(spi)),
        "Delete of ESP SA");
    byte[] cookies = ByteBuffer.allocate(16).put(ckyI).put(ckyR).array();
    informational(
        new DeletePayload(IpsecAttr.DOI_IPSEC, IpsecAttr.PROTO_ISAKMP, 16, List.of(cookies)),
        "Delete of IKE SA");
  }

  private void informational(Payload p, String what) {
    long mid = Integer.toUnsignedLong(random.nextInt() | 1);
    byte[] hash =
        Ikev1Crypto.informationalHash(prf, keys.skeyidA(), mid, Payloads.encodeChain(List.of(p)));
    iv = Ikev1Crypto.quickModeIv(cfg.hash(), lastPhase1Block, mid, cipher.blockSize());
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
}
