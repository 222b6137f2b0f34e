package io.natt.crypto;

/**
 * ESP integrity algorithms (IPsec DOI "Authentication Algorithm" SA attribute): HMAC-SHA1-96 (RFC
 * 2404) and HMAC-SHA-256-128 (RFC 4868).
 */
public enum EspIntegrity {
  HMAC_SHA1_96(2, 20, 12, "HmacSHA1"),
  HMAC_SHA2_256_128(5, 32, 16, "HmacSHA256");

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

  /** Authentication Algorithm attribute value (2 = HMAC-SHA, 5 = HMAC-SHA2-256). */
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

  /** The algorithm for an Authentication Algorithm attribute value. */
  public static EspIntegrity fromAttribute(int value) {
    for (EspIntegrity i : values()) {
      if (i.authAlgorithmAttribute == value) {
        return i;
      }
    }
    throw new CryptoException("unsupported ESP authentication algorithm " + value);
  }
}
