package io.natt.crypto;

/**
 * ESP encryption transforms as IKEv1 negotiates them (IPsec DOI "ESP Transform Identifiers" with
 * the Key Length SA attribute): 3DES-CBC (RFC 2451), AES-CBC (RFC 3602) and AES-GCM with a 16-octet
 * ICV (RFC 4106, a combined mode without a separate integrity algorithm).
 *
 * <p>The encryption part of KEYMAT is {@link #keymatLength()} bytes: the cipher key, followed for
 * AES-GCM by the 4-byte salt (RFC 4106 §8.1).
 */
public enum EspCipher {
  DES3_CBC(3, 0, 24, 0, 8, 8, 0),
  AES_CBC_128(12, 128, 16, 0, 16, 16, 0),
  AES_CBC_192(12, 192, 24, 0, 16, 16, 0),
  AES_CBC_256(12, 256, 32, 0, 16, 16, 0),
  AES_GCM16_128(20, 128, 16, 4, 4, 8, 16),
  AES_GCM16_192(20, 192, 24, 4, 4, 8, 16),
  AES_GCM16_256(20, 256, 32, 4, 4, 8, 16);

  /** IPsec DOI ESP transform ID for 3DES-CBC (RFC 2451). */
  public static final int ESP_3DES_TRANSFORM_ID = 3;

  /** IPsec DOI ESP transform ID for AES-CBC (RFC 3602). */
  public static final int ESP_AES_TRANSFORM_ID = 12;

  /** IPsec DOI ESP transform ID for AES-GCM with a 16-octet ICV (RFC 4106 §8.1). */
  public static final int ESP_AES_GCM_16_TRANSFORM_ID = 20;

  private final int transformId;
  private final int keyLengthBits;
  private final int keyLength;
  private final int saltLength;
  private final int blockSize;
  private final int ivLength;
  private final int icvLength;

  EspCipher(
      int transformId,
      int keyLengthBits,
      int keyLength,
      int saltLength,
      int blockSize,
      int ivLength,
      int icvLength) {
    this.transformId = transformId;
    this.keyLengthBits = keyLengthBits;
    this.keyLength = keyLength;
    this.saltLength = saltLength;
    this.blockSize = blockSize;
    this.ivLength = ivLength;
    this.icvLength = icvLength;
  }

  /** ESP transform ID (3 = ESP_3DES, 12 = ESP_AES, 20 = ESP_AES-GCM with a 16-octet ICV). */
  public int transformId() {
    return transformId;
  }

  /** Key Length SA attribute value in bits, or 0 when the attribute is not sent (3DES). */
  public int keyLengthBits() {
    return keyLengthBits;
  }

  /** Length in bytes of the cipher key (without the salt). */
  public int keyLength() {
    return keyLength;
  }

  /** Length of the salt taken from KEYMAT after the key (4 for AES-GCM, else 0). */
  public int saltLength() {
    return saltLength;
  }

  /** Bytes of KEYMAT this cipher takes: the key, then the salt. */
  public int keymatLength() {
    return keyLength + saltLength;
  }

  /**
   * The alignment of the ESP payload (plaintext + padding + pad length + next header): the cipher
   * block size for CBC, 4 for AES-GCM (RFC 4106 §3.2).
   */
  public int blockSize() {
    return blockSize;
  }

  /** Length of the explicit IV carried in each ESP packet. */
  public int ivLength() {
    return ivLength;
  }

  /**
   * True for a combined mode (AES-GCM): it authenticates itself, without an integrity algorithm.
   */
  public boolean isAead() {
    return icvLength != 0;
  }

  /** The ICV length of a combined mode (16 for AES-GCM-16), 0 for CBC ciphers. */
  public int icvLength() {
    return icvLength;
  }

  /** The cipher for an ESP transform ID and Key Length attribute (bits; 0 when absent). */
  public static EspCipher from(int transformId, int keyLengthBits) {
    if (transformId == ESP_3DES_TRANSFORM_ID) {
      if (keyLengthBits == 0 || keyLengthBits == 192) {
        return DES3_CBC;
      }
      throw new CryptoException("3DES-CBC has a fixed key length; got " + keyLengthBits + " bits");
    }
    if (transformId != ESP_AES_TRANSFORM_ID && transformId != ESP_AES_GCM_16_TRANSFORM_ID) {
      throw new CryptoException("unsupported ESP transform ID " + transformId);
    }
    for (EspCipher c : values()) {
      if (c.transformId == transformId && c.keyLengthBits == keyLengthBits) {
        return c;
      }
    }
    String name = transformId == ESP_AES_TRANSFORM_ID ? "AES-CBC" : "AES-GCM";
    throw new CryptoException(
        "unsupported ESP " + name + " key length " + keyLengthBits + " bits (128, 192 or 256)");
  }
}
