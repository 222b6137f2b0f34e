package io.natt.crypto;

import java.security.MessageDigest;

/**
 * The IKEv1 phase-1 keying material (RFC 2409 §5): SKEYID, SKEYID_d, SKEYID_a, SKEYID_e and the
 * phase-1 encryption key derived from SKEYID_e per Appendix B.
 *
 * <p>Secrets never reach logs: {@link #toString()} shows lengths only, {@link #hashCode()} depends
 * only on lengths, and {@link #equals(Object)} compares in constant time. Arrays are copied in and
 * out.
 */
public record Ikev1Keys(
    byte[] skeyid, byte[] skeyidD, byte[] skeyidA, byte[] skeyidE, byte[] encryptionKey) {

  public Ikev1Keys {
    skeyid = Bytes.requireNonNull(skeyid, "SKEYID").clone();
    skeyidD = Bytes.requireNonNull(skeyidD, "SKEYID_d").clone();
    skeyidA = Bytes.requireNonNull(skeyidA, "SKEYID_a").clone();
    skeyidE = Bytes.requireNonNull(skeyidE, "SKEYID_e").clone();
    encryptionKey = Bytes.requireNonNull(encryptionKey, "encryption key").clone();
  }

  /**
   * Pre-shared-key authentication: SKEYID = prf(psk, Ni_b | Nr_b), then {@link #deriveFromSkeyid}.
   *
   * @param ni initiator nonce body (Ni_b)
   * @param nr responder nonce body (Nr_b)
   * @param gxy the DH shared secret g^xy (left-padded to the group length)
   * @param ckyI initiator cookie (8 bytes)
   * @param ckyR responder cookie (8 bytes)
   * @param cipher the negotiated phase-1 cipher (determines the encryption key length)
   */
  public static Ikev1Keys derivePsk(
      Prf prf,
      byte[] psk,
      byte[] ni,
      byte[] nr,
      byte[] gxy,
      byte[] ckyI,
      byte[] ckyR,
      Ike1Cipher cipher) {
    requirePrf(prf);
    Bytes.requireNonNull(psk, "pre-shared key");
    Bytes.requireNonNull(ni, "Ni_b");
    Bytes.requireNonNull(nr, "Nr_b");
    byte[] skeyid = prf.apply(psk, ni, nr);
    return deriveFromSkeyid(prf, skeyid, gxy, ckyI, ckyR, cipher);
  }

  /**
   * The authentication-method-independent part of RFC 2409 §5:
   *
   * <pre>
   * SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
   * SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
   * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
   * </pre>
   *
   * followed by {@link #encryptionKey(Prf, byte[], int)}.
   */
  public static Ikev1Keys deriveFromSkeyid(
      Prf prf, byte[] skeyid, byte[] gxy, byte[] ckyI, byte[] ckyR, Ike1Cipher cipher) {
    requirePrf(prf);
    Bytes.requireNonNull(skeyid, "SKEYID");
    Bytes.requireNonNull(gxy, "g^xy");
    Bytes.requireLength(ckyI, 8, "CKY-I");
    Bytes.requireLength(ckyR, 8, "CKY-R");
    if (cipher == null) {
      throw new CryptoException("phase-1 cipher must not be null");
    }
    byte[] d = prf.apply(skeyid, gxy, ckyI, ckyR, new byte[] {0});
    byte[] a = prf.apply(skeyid, d, gxy, ckyI, ckyR, new byte[] {1});
    byte[] e = prf.apply(skeyid, a, gxy, ckyI, ckyR, new byte[] {2});
    byte[] key = encryptionKey(prf, e, cipher.keyLength());
    return new Ikev1Keys(skeyid, d, a, e, key);
  }

  /**
   * RFC 2409 Appendix B: the first {@code keyLength} bytes of SKEYID_e if it is long enough,
   * otherwise of Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0) (one zero octet) and K(n+1) =
   * prf(SKEYID_e, Kn).
   */
  public static byte[] encryptionKey(Prf prf, byte[] skeyidE, int keyLength) {
    requirePrf(prf);
    Bytes.requireNonNull(skeyidE, "SKEYID_e");
    if (keyLength < 0) {
      throw new CryptoException("negative key length " + keyLength);
    }
    if (skeyidE.length >= keyLength) {
      return Bytes.prefix(skeyidE, keyLength);
    }
    byte[] out = new byte[keyLength];
    byte[] k = prf.apply(skeyidE, new byte[] {0});
    int off = 0;
    while (true) {
      int n = Math.min(k.length, keyLength - off);
      System.arraycopy(k, 0, out, off, n);
      off += n;
      if (off == keyLength) {
        return out;
      }
      k = prf.apply(skeyidE, k);
    }
  }

  private static void requirePrf(Prf prf) {
    if (prf == null) {
      throw new CryptoException("PRF must not be null");
    }
  }

  @Override
  public byte[] skeyid() {
    return skeyid.clone();
  }

  @Override
  public byte[] skeyidD() {
    return skeyidD.clone();
  }

  @Override
  public byte[] skeyidA() {
    return skeyidA.clone();
  }

  @Override
  public byte[] skeyidE() {
    return skeyidE.clone();
  }

  @Override
  public byte[] encryptionKey() {
    return encryptionKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Ikev1Keys other)) {
      return false;
    }
    // Evaluate all comparisons (no short-circuit) so timing does not depend on which differs.
    boolean eq = MessageDigest.isEqual(skeyid, other.skeyid);
    eq &= MessageDigest.isEqual(skeyidD, other.skeyidD);
    eq &= MessageDigest.isEqual(skeyidA, other.skeyidA);
    eq &= MessageDigest.isEqual(skeyidE, other.skeyidE);
    eq &= MessageDigest.isEqual(encryptionKey, other.encryptionKey);
    return eq;
  }

  /** Depends only on lengths, so that no key bits leak through hashing. */
  @Override
  public int hashCode() {
    int h = skeyid.length;
    h = 31 * h + skeyidD.length;
    h = 31 * h + skeyidA.length;
    h = 31 * h + skeyidE.length;
    return 31 * h + encryptionKey.length;
  }

  @Override
  public String toString() {
    return "Ikev1Keys[skeyid="
        + skeyid.length
        + " bytes, skeyidD="
        + skeyidD.length
        + " bytes, skeyidA="
        + skeyidA.length
        + " bytes, skeyidE="
        + skeyidE.length
        + " bytes, encryptionKey="
        + encryptionKey.length
        + " bytes]";
  }
}
