package io.natt.ike;

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
import io.natt.wire.ExchangeType;
import io.natt.wire.IpsecAttr;
import io.natt.wire.IsakmpHeader;
import io.natt.wire.IsakmpMessage;
import io.natt.wire.MalformedException;
import io.natt.wire.PacketView;
import io.natt.wire.Payload;
import io.natt.wire.Payloads;
import io.natt.wire.WireReader;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state and crypto of one IKEv1 phase-1 SA (RFC 2409), the same for both roles and for Main and
 * Aggressive Mode: the cookies, the chosen suite, SA_i, the Diffie-Hellman values and nonces,
 * SKEYID and its derivatives, the IV of each exchange by message ID, encryption and decryption,
 * HASH_I/HASH_R, the Quick Mode and Informational hashes and KEYMAT. The engines keep only their
 * message order; every value named "i" is the initiator's and every "r" the responder's, whichever
 * role this side plays.
 */
public final class Phase1Session {

  /** Which side of the exchange this session belongs to. */
  public enum Role {
    INITIATOR,
    RESPONDER
  }

  /** A decrypted message: the view, the plaintext and the last cipher block (the next IV). */
  public record Decrypted(PacketView.Ike view, byte[] plaintext, byte[] lastBlock) {}

  /** An encrypted message: its bytes and its last cipher block (the next IV). */
  public record Sealed(byte[] bytes, byte[] lastBlock) {}

  private final Role role;
  private final byte[] ckyI;
  private byte[] ckyR;
  private final Ike1Cipher cipher;
  private final HashAlg hash;
  private final Prf prf;
  private final DhGroup group;

  private byte[] saiB;
  private DhKeyPair dh;
  private byte[] gxi;
  private byte[] gxr;
  private byte[] ni;
  private byte[] nr;
  private Ikev1Keys keys;
  private byte[] lastPhase1Block;
  private final Map<Long, byte[]> ivs = new HashMap<>();

  public Phase1Session(
      Role role, byte[] ckyI, byte[] ckyR, Ike1Cipher cipher, HashAlg hash, DhGroup group) {
    this.role = role;
    this.ckyI = ckyI.clone();
    this.ckyR = ckyR.clone();
    this.cipher = cipher;
    this.hash = hash;
    this.prf = Prf.forHash(hash);
    this.group = group;
  }

  // ------------------------------------------------------------------ state

  public Role role() {
    return role;
  }

  public byte[] initiatorCookie() {
    return ckyI.clone();
  }

  public byte[] responderCookie() {
    return ckyR.clone();
  }

  /** The initiator learns the responder's cookie from the first answer. */
  public void responderCookie(byte[] cky) {
    this.ckyR = cky.clone();
  }

  /** Whether {@code h} carries this SA's two cookies. */
  public boolean owns(IsakmpHeader h) {
    return Arrays.equals(ckyI, h.initiatorCookie()) && Arrays.equals(ckyR, h.responderCookie());
  }

  public Ike1Cipher cipher() {
    return cipher;
  }

  public HashAlg hash() {
    return hash;
  }

  public DhGroup group() {
    return group;
  }

  /** The body of the initiator's SA payload (SA_i in HASH_I and HASH_R). */
  public void saiB(byte[] body) {
    this.saiB = body.clone();
  }

  /** A fresh Diffie-Hellman key pair of this side's; returns its public value. */
  public byte[] generateDh(java.security.SecureRandom random) {
    dh = group.generate(random);
    if (role == Role.INITIATOR) {
      gxi = dh.publicValue();
    } else {
      gxr = dh.publicValue();
    }
    return dh.publicValue();
  }

  /** This side's public Diffie-Hellman value. */
  public byte[] ownPublic() {
    return dh.publicValue();
  }

  /** This side's nonce; the peer's comes with {@link #deriveKeys}. */
  public void ownNonce(byte[] nonce) {
    if (role == Role.INITIATOR) {
      ni = nonce.clone();
    } else {
      nr = nonce.clone();
    }
  }

  /**
   * With the peer's public value and nonce: g^xy, SKEYID, SKEYID_d/a/e, the encryption key, and the
   * IV of the phase-1 exchange (message ID 0).
   */
  public void deriveKeys(byte[] psk, byte[] peerPublic, byte[] peerNonce) {
    if (role == Role.INITIATOR) {
      gxr = peerPublic.clone();
      nr = peerNonce.clone();
    } else {
      gxi = peerPublic.clone();
      ni = peerNonce.clone();
    }
    byte[] gxy = group.sharedSecret(dh, peerPublic);
    keys = Ikev1Keys.derivePsk(prf, psk, ni, nr, gxy, ckyI, ckyR, cipher);
    ivs.put(0L, Ikev1Crypto.phase1Iv(hash, gxi, gxr, cipher.blockSize()));
  }

  /** Whether SKEYID and its keys exist (after the key exchange). */
  public boolean keyed() {
    return keys != null;
  }

  /** Whether phase 1 completed (its last message was sent or received). */
  public boolean established() {
    return lastPhase1Block != null;
  }

  /** Phase 1 is done: the last cipher block of its last message seeds every later exchange's IV. */
  public void finishPhase1() {
    lastPhase1Block = ivs.get(0L).clone();
  }

  /** The phase-1 encryption key (for a Wireshark IKEv1 decryption table); empty before keys. */
  public byte[] encryptionKey() {
    return keys == null ? new byte[0] : keys.encryptionKey().clone();
  }

  // ------------------------------------------------------------------ IVs

  /**
   * The current IV of the exchange with message ID {@code mid}: the phase-1 chain for 0, the chain
   * of a running exchange, or, for a new exchange, its first IV from the last phase-1 block.
   */
  public byte[] iv(long mid) {
    byte[] iv = ivs.get(mid);
    return iv != null ? iv : freshIv(mid);
  }

  /** The first IV of a new exchange with {@code mid} (RFC 2409 appendix B), not remembered. */
  public byte[] freshIv(long mid) {
    if (lastPhase1Block == null) {
      throw new IllegalStateException("an exchange after phase 1 needs an established IKE SA");
    }
    return Ikev1Crypto.quickModeIv(hash, lastPhase1Block, mid, cipher.blockSize());
  }

  /** Starts the exchange {@code mid} with its first IV. */
  public void startExchange(long mid) {
    ivs.put(mid, freshIv(mid));
  }

  /** Whether an exchange with {@code mid} runs (has an IV chain of its own). */
  public boolean hasExchange(long mid) {
    return ivs.containsKey(mid);
  }

  /** Moves the IV chain of {@code mid} on to {@code lastBlock}. */
  public void advance(long mid, byte[] lastBlock) {
    ivs.put(mid, lastBlock.clone());
  }

  // ------------------------------------------------------------------ encryption

  /** Encrypts with an explicit IV (zero padding to the block size). */
  public Sealed encrypt(IsakmpHeader h, List<Payload> payloads, byte[] iv) {
    byte[] chain = Payloads.encodeChain(payloads);
    int bs = cipher.blockSize();
    int padded = ((chain.length + bs - 1) / bs) * bs;
    byte[] pt = Arrays.copyOf(chain, padded);
    byte[] ct = cipher.encrypt(keys.encryptionKey(), iv, pt);
    byte[] last = Arrays.copyOfRange(ct, ct.length - bs, ct.length);
    return new Sealed(IsakmpMessage.encrypted(h, Payloads.firstType(payloads), ct).encode(), last);
  }

  /** Encrypts with the current IV of the header's exchange and moves that chain on. */
  public byte[] encryptInChain(IsakmpHeader h, List<Payload> payloads) {
    Sealed s = encrypt(h, payloads, iv(h.messageId()));
    advance(h.messageId(), s.lastBlock());
    return s.bytes();
  }

  /**
   * Decrypts {@code raw} (an ISAKMP message, behind a non-ESP marker when {@code v} says so) with
   * {@code withIv}; the caller decides whether the chain moves on.
   */
  public Decrypted decrypt(byte[] raw, PacketView.Ike v, byte[] withIv) {
    IsakmpMessage m =
        IsakmpMessage.decode(v.marker() ? Arrays.copyOfRange(raw, 4, raw.length) : raw);
    byte[] ct = m.encryptedBody();
    int bs = cipher.blockSize();
    if (ct.length == 0 || ct.length % bs != 0) {
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
      byte[] last = Arrays.copyOfRange(ct, ct.length - bs, ct.length);
      return new Decrypted(new PacketView.Ike(v.marker(), v.header(), ps, true), pt, last);
    } catch (MalformedException e) {
      throw new IkeException(
          "decrypted message does not parse (" + e.getMessage() + "): wrong key or IV?", e);
    }
  }

  // ------------------------------------------------------------------ hashes

  /** HASH_I over the initiator's identity payload body. */
  public byte[] hashI(byte[] idiiBody) {
    return Ikev1Crypto.hashI(prf, keys.skeyid(), gxi, gxr, ckyI, ckyR, saiB, idiiBody);
  }

  /** HASH_R over the responder's identity payload body. */
  public byte[] hashR(byte[] idirBody) {
    return Ikev1Crypto.hashR(prf, keys.skeyid(), gxi, gxr, ckyI, ckyR, saiB, idirBody);
  }

  /** Whether {@code got} equals {@code expected}, in constant time. */
  public static boolean verifies(byte[] expected, byte[] got) {
    return MessageDigest.isEqual(expected, got);
  }

  /** The NAT-D hash of an address and port under this SA's cookies (RFC 3947 section 3.2). */
  public byte[] natDHash(InetSocketAddress a) {
    return natDHash(a.getAddress().getAddress(), a.getPort());
  }

  public byte[] natDHash(byte[] address, int port) {
    return Ikev1Crypto.natDetectionHash(hash, ckyI, ckyR, address, port);
  }

  public byte[] quickModeHash1(long mid, byte[] afterHash) {
    return Ikev1Crypto.quickModeHash1(prf, keys.skeyidA(), mid, afterHash);
  }

  public byte[] quickModeHash2(long mid, byte[] niB, byte[] afterHash) {
    return Ikev1Crypto.quickModeHash2(prf, keys.skeyidA(), mid, niB, afterHash);
  }

  public byte[] quickModeHash3(long mid, byte[] niB, byte[] nrB) {
    return Ikev1Crypto.quickModeHash3(prf, keys.skeyidA(), mid, niB, nrB);
  }

  public byte[] informationalHash(long mid, byte[] afterHash) {
    return Ikev1Crypto.informationalHash(prf, keys.skeyidA(), mid, afterHash);
  }

  /**
   * The keys of an ESP SA pair from Quick Mode (KEYMAT per direction: the encryption key, with the
   * AES-GCM salt, then the integrity key), without PFS.
   */
  public ChildSaKeys childSa(
      byte[] spiIn,
      byte[] spiOut,
      byte[] niB,
      byte[] nrB,
      EspCipher espCipher,
      EspIntegrity espIntegrity,
      int mode) {
    int len = EspCrypto.keymatLength(espCipher, espIntegrity);
    byte[] kmIn =
        Ikev1Crypto.keymat(
            prf, keys.skeyidD(), null, IpsecAttr.PROTO_IPSEC_ESP, spiIn, niB, nrB, len);
    byte[] kmOut =
        Ikev1Crypto.keymat(
            prf, keys.skeyidD(), null, IpsecAttr.PROTO_IPSEC_ESP, spiOut, niB, nrB, len);
    int ek = espCipher.keymatLength();
    return new ChildSaKeys(
        u32(spiIn),
        u32(spiOut),
        espCipher,
        espIntegrity,
        Arrays.copyOfRange(kmIn, 0, ek),
        Arrays.copyOfRange(kmIn, ek, len),
        Arrays.copyOfRange(kmOut, 0, ek),
        Arrays.copyOfRange(kmOut, ek, len),
        mode);
  }

  static long u32(byte[] b) {
    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
  }

  /** The bytes of a payload chain after its first payload, up to the end of the last one. */
  public static byte[] afterFirstPayload(byte[] plaintext) {
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

  /**
   * The first payload of {@code type} in {@code v}; an {@link IkeException} naming {@code where}.
   */
  public static <T extends Payload> T one(PacketView.Ike v, Class<T> type, String where) {
    List<T> all = v.all(type);
    if (all.isEmpty()) {
      throw new IkeException(
          where + " has no " + type.getSimpleName().replace("Payload", "") + " payload");
    }
    return all.get(0);
  }
}
