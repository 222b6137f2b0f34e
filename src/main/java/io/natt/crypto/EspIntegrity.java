package io.natt.crypto;

/**
 * ESP integrity algorithms (IPsec DOI "Authentication Algorithm" SA attribute, RFC 2407 §4.5):
 * HMAC-SHA1-96 (RFC 2404) and HMAC-SHA-256-128, HMAC-SHA-384-192, HMAC-SHA-512-256 (RFC 4868, IKEv1
 * attribute values 5, 6, 7), plus {@link #NONE} for combined-mode ciphers (AES-GCM), which send no
 * Authentication Algorithm attribute.
 */
public enum EspIntegrity {
  /** No separate integrity algorithm: the cipher is a combined mode (AES-GCM). */
  NONE(0, 0, 0, ""),
  HMAC_SHA1_96(2, 20, 12, "HmacSHA1"),
  HMAC_SHA2_256_128(5, 32, 16, "HmacSHA256"),
  HMAC_SHA2_384_192(6, 48, 24, "HmacSHA384"),
  HMAC_SHA2_512_256(7, 64, 32, "HmacSHA512");

  private final int authAlgorithmAttribute;
  private final int keyLength;
  private final int icvLength;
  private final String jceName;

  EspIntegrity(int authAlgorithmAttribute, int keyLength, int icvLength, String jceName) {
    this.authAlgorithmAttribute = authAlgorithmAttribute;
    this.keyLength = keyLength;
    this.icvLength = icvLength;
    this.jceName = jceName;
  }

  /**
   * Authentication Algorithm attribute value (2 = HMAC-SHA, 5/6/7 = HMAC-SHA2-256/384/512); 0 for
   * {@link #NONE}, whose attribute is not sent.
   */
  public int authAlgorithmAttribute() {
    return authAlgorithmAttribute;
  }

  /** Key length in bytes. */
  public int keyLength() {
    return keyLength;
  }

  /** Truncated ICV length in bytes. */
  public int icvLength() {
    return icvLength;
  }

  /** JCE Mac algorithm name. */
  String jceName() {
    return jceName;
  }

  /** The algorithm for an Authentication Algorithm attribute value (never {@link #NONE}). */
  public static EspIntegrity fromAttribute(int value) {
    for (EspIntegrity i : values()) {
      if (i != NONE && i.authAlgorithmAttribute == value) {
        return i;
      }
    }
    throw new CryptoException("unsupported ESP authentication algorithm " + value);
  }

  /**
   * The integrity algorithm of an ESP transform: {@link #NONE} for a combined-mode cipher, which
   * must come without an Authentication Algorithm attribute; otherwise the attribute, which must be
   * present.
   *
   * @param attributeOrAbsent the attribute value, or a negative number when it is absent
   */
  public static EspIntegrity forTransform(EspCipher cipher, int attributeOrAbsent) {
    if (cipher.isAead()) {
      if (attributeOrAbsent >= 0) {
        throw new CryptoException(
            cipher + " is a combined mode and takes no Authentication Algorithm attribute");
      }
      return NONE;
    }
    if (attributeOrAbsent < 0) {
      throw new CryptoException(cipher + " needs an Authentication Algorithm attribute");
    }
    return fromAttribute(attributeOrAbsent);
  }
}
