package io.natt.crypto;

/** ESP encryption transforms (RFC 3602 AES-CBC, IPsec DOI transform ID 12 = ESP_AES). */
public enum EspCipher {
  AES_CBC_128(128),
  AES_CBC_256(256);

  /** IPsec DOI ESP transform ID for AES-CBC (RFC 3602). */
  public static final int ESP_AES_TRANSFORM_ID = 12;

  private final int keyLengthBits;

  EspCipher(int keyLengthBits) {
    this.keyLengthBits = keyLengthBits;
  }

  /** ESP transform ID (12 = ESP_AES). */
  public int transformId() {
    return ESP_AES_TRANSFORM_ID;
  }

  /** Key Length SA attribute value in bits. */
  public int keyLengthBits() {
    return keyLengthBits;
  }

  /** Key length in bytes. */
  public int keyLength() {
    return keyLengthBits / 8;
  }

  /** Cipher block size in bytes (ESP payload padding aligns to this). */
  public int blockSize() {
    return 16;
  }

  /** Length of the explicit IV carried in each ESP packet. */
  public int ivLength() {
    return 16;
  }

  /** The cipher for an ESP transform ID and Key Length attribute (bits). */
  public static EspCipher from(int transformId, int keyLengthBits) {
    if (transformId != ESP_AES_TRANSFORM_ID) {
      throw new CryptoException("unsupported ESP transform ID " + transformId);
    }
    for (EspCipher c : values()) {
      if (c.keyLengthBits == keyLengthBits) {
        return c;
      }
    }
    throw new CryptoException("unsupported ESP AES-CBC key length " + keyLengthBits + " bits");
  }
}
