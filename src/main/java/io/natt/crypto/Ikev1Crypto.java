package io.natt.crypto;

/**
 * IKEv1 (RFC 2409) hashes, IVs and key material, plus the NAT-D hash of RFC 3947. All methods are
 * stateless and thread-safe. "_b" arguments are payload bodies (without the generic payload
 * header); Message IDs are unsigned 32-bit values written as 4 big-endian octets.
 */
public final class Ikev1Crypto {
  private Ikev1Crypto() {}

  /** Phase-1 IV (RFC 2409 Appendix B): the first blockSize bytes of HASH(g^xi | g^xr). */
  public static byte[] phase1Iv(HashAlg h, byte[] gxi, byte[] gxr, int blockSize) {
    requireHash(h);
    Bytes.requireNonNull(gxi, "g^xi");
    Bytes.requireNonNull(gxr, "g^xr");
    return truncate(h.digest(gxi, gxr), blockSize);
  }

  /**
   * Quick Mode / Informational IV (RFC 2409 Appendix B): the first blockSize bytes of HASH(last CBC
   * block of phase 1 | M-ID).
   */
  public static byte[] quickModeIv(
      HashAlg h, byte[] lastPhase1Block, long messageId, int blockSize) {
    requireHash(h);
    Bytes.requireNonNull(lastPhase1Block, "last phase-1 CBC block");
    return truncate(h.digest(lastPhase1Block, Bytes.messageId(messageId)), blockSize);
  }

  /** HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
  public static byte[] hashI(
      Prf prf,
      byte[] skeyid,
      byte[] gxi,
      byte[] gxr,
      byte[] ckyI,
      byte[] ckyR,
      byte[] saiB,
      byte[] idiiB) {
    requirePrf(prf);
    return prf.apply(
        key(skeyid, "SKEYID"),
        nn(gxi, "g^xi"),
        nn(gxr, "g^xr"),
        Bytes.requireLength(ckyI, 8, "CKY-I"),
        Bytes.requireLength(ckyR, 8, "CKY-R"),
        nn(saiB, "SAi_b"),
        nn(idiiB, "IDii_b"));
  }

  /**
   * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). SAi_b is the initiator's SA
   * body in both HASH_I and HASH_R.
   */
  public static byte[] hashR(
      Prf prf,
      byte[] skeyid,
      byte[] gxi,
      byte[] gxr,
      byte[] ckyI,
      byte[] ckyR,
      byte[] saiB,
      byte[] idirB) {
    requirePrf(prf);
    return prf.apply(
        key(skeyid, "SKEYID"),
        nn(gxr, "g^xr"),
        nn(gxi, "g^xi"),
        Bytes.requireLength(ckyR, 8, "CKY-R"),
        Bytes.requireLength(ckyI, 8, "CKY-I"),
        nn(saiB, "SAi_b"),
        nn(idirB, "IDir_b"));
  }

  /** Quick Mode HASH(1) = prf(SKEYID_a, M-ID | rest); rest is everything after the HASH payload. */
  public static byte[] quickModeHash1(Prf prf, byte[] skeyidA, long messageId, byte[] rest) {
    requirePrf(prf);
    return prf.apply(
        key(skeyidA, "SKEYID_a"), Bytes.messageId(messageId), nn(rest, "message rest"));
  }

  /** Quick Mode HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest). */
  public static byte[] quickModeHash2(
      Prf prf, byte[] skeyidA, long messageId, byte[] niB, byte[] rest) {
    requirePrf(prf);
    return prf.apply(
        key(skeyidA, "SKEYID_a"),
        Bytes.messageId(messageId),
        nn(niB, "Ni_b"),
        nn(rest, "message rest"));
  }

  /** Quick Mode HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) with a single zero octet first. */
  public static byte[] quickModeHash3(
      Prf prf, byte[] skeyidA, long messageId, byte[] niB, byte[] nrB) {
    requirePrf(prf);
    return prf.apply(
        key(skeyidA, "SKEYID_a"),
        new byte[] {0},
        Bytes.messageId(messageId),
        nn(niB, "Ni_b"),
        nn(nrB, "Nr_b"));
  }

  /** Informational HASH(1) = prf(SKEYID_a, M-ID | rest) (RFC 2409 §5.7). */
  public static byte[] informationalHash(Prf prf, byte[] skeyidA, long messageId, byte[] rest) {
    return quickModeHash1(prf, skeyidA, messageId, rest);
  }

  /**
   * Quick Mode KEYMAT (RFC 2409 §5.5): the first {@code length} bytes of K1 | K2 | ... with
   *
   * <pre>
   * K1     = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
   * K(n+1) = prf(SKEYID_d, Kn | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
   * </pre>
   *
   * @param gxyOrNull the Quick Mode PFS shared secret, or null without PFS
   * @param protocol the IPsec protocol ID (3 = ESP), one octet
   * @param spi the SPI (4 bytes for ESP) of the SA this KEYMAT is for
   * @param length the number of bytes wanted (for ESP: encryption key + integrity key)
   */
  public static byte[] keymat(
      Prf prf,
      byte[] skeyidD,
      byte[] gxyOrNull,
      int protocol,
      byte[] spi,
      byte[] niB,
      byte[] nrB,
      int length) {
    requirePrf(prf);
    key(skeyidD, "SKEYID_d");
    if (protocol < 0 || protocol > 255) {
      throw new CryptoException("protocol ID " + protocol + " does not fit in one octet");
    }
    nn(spi, "SPI");
    nn(niB, "Ni_b");
    nn(nrB, "Nr_b");
    if (length < 0) {
      throw new CryptoException("negative KEYMAT length " + length);
    }
    byte[] gxy = gxyOrNull == null ? new byte[0] : gxyOrNull;
    byte[] seed = Bytes.concat(gxy, new byte[] {(byte) protocol}, spi, niB, nrB);
    byte[] out = new byte[length];
    byte[] k = new byte[0];
    int off = 0;
    while (off < length) {
      k = prf.apply(skeyidD, k, seed);
      int n = Math.min(k.length, length - off);
      System.arraycopy(k, 0, out, off, n);
      off += n;
    }
    return out;
  }

  /**
   * NAT-D hash (RFC 3947 §3.2): HASH(CKY-I | CKY-R | IP | Port) with the port as 2 big-endian
   * bytes.
   *
   * @param ip the IPv4 (4 bytes) or IPv6 (16 bytes) address
   */
  public static byte[] natDetectionHash(HashAlg h, byte[] ckyI, byte[] ckyR, byte[] ip, int port) {
    requireHash(h);
    Bytes.requireLength(ckyI, 8, "CKY-I");
    Bytes.requireLength(ckyR, 8, "CKY-R");
    Bytes.requireNonNull(ip, "IP address");
    if (ip.length != 4 && ip.length != 16) {
      throw new CryptoException("IP address length " + ip.length + " is neither 4 nor 16");
    }
    if (port < 0 || port > 0xFFFF) {
      throw new CryptoException("port " + port + " out of range 0..65535");
    }
    return h.digest(ckyI, ckyR, ip, new byte[] {(byte) (port >>> 8), (byte) port});
  }

  private static byte[] truncate(byte[] digest, int blockSize) {
    if (blockSize <= 0 || blockSize > digest.length) {
      throw new CryptoException(
          "block size " + blockSize + " out of range 1.." + digest.length + " for the hash");
    }
    return Bytes.prefix(digest, blockSize);
  }

  private static byte[] key(byte[] k, String what) {
    return Bytes.requireNonNull(k, what);
  }

  private static byte[] nn(byte[] b, String what) {
    return Bytes.requireNonNull(b, what);
  }

  private static void requireHash(HashAlg h) {
    if (h == null) {
      throw new CryptoException("hash algorithm must not be null");
    }
  }

  private static void requirePrf(Prf prf) {
    if (prf == null) {
      throw new CryptoException("PRF must not be null");
    }
  }
}
