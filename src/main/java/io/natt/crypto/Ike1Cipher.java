package io.natt.crypto;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CBCModeCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * IKEv1 phase-1 encryption algorithms (RFC 2409 Appendix A "Encryption Algorithm" attribute, RFC
 * 3602 for AES), all in CBC mode without padding (the ISAKMP layer pads). Uses Bouncy Castle; the
 * per-packet ESP path uses {@link EspCrypto} instead.
 */
public enum Ike1Cipher {
  AES_CBC_128(7, 128, 16, 16),
  AES_CBC_192(7, 192, 24, 16),
  AES_CBC_256(7, 256, 32, 16),
  /** 3DES-EDE3-CBC; the key is used exactly as derived (parity bits are not adjusted). */
  DES3_CBC(5, 0, 24, 8);

  private final int attributeValue;
  private final int keyLengthAttribute;
  private final int keyLength;
  private final int blockSize;

  Ike1Cipher(int attributeValue, int keyLengthAttribute, int keyLength, int blockSize) {
    this.attributeValue = attributeValue;
    this.keyLengthAttribute = keyLengthAttribute;
    this.keyLength = keyLength;
    this.blockSize = blockSize;
  }

  /** Encryption Algorithm attribute value (7 = AES-CBC, 5 = 3DES-CBC). */
  public int attributeValue() {
    return attributeValue;
  }

  /** Key Length attribute value in bits, or 0 when the attribute is not sent (3DES). */
  public int keyLengthAttribute() {
    return keyLengthAttribute;
  }

  /** Key length in bytes. */
  public int keyLength() {
    return keyLength;
  }

  /** Block size in bytes (also the IV length). */
  public int blockSize() {
    return blockSize;
  }

  /** CBC-encrypts {@code data} (a multiple of the block size) with the given key and IV. */
  public byte[] encrypt(byte[] key, byte[] iv, byte[] data) {
    return run(true, key, iv, data);
  }

  /** CBC-decrypts {@code data} (a multiple of the block size) with the given key and IV. */
  public byte[] decrypt(byte[] key, byte[] iv, byte[] data) {
    return run(false, key, iv, data);
  }

  private byte[] run(boolean encrypt, byte[] key, byte[] iv, byte[] data) {
    Bytes.requireLength(key, keyLength, this + " key");
    Bytes.requireLength(iv, blockSize, this + " IV");
    Bytes.requireNonNull(data, encrypt ? "plaintext" : "ciphertext");
    Bytes.requireBlockMultiple(data.length, blockSize, encrypt ? "plaintext" : "ciphertext");
    BlockCipher engine = this == DES3_CBC ? new DESedeEngine() : AESEngine.newInstance();
    CBCModeCipher cbc = CBCBlockCipher.newInstance(engine);
    try {
      cbc.init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
    } catch (IllegalArgumentException e) {
      throw new CryptoException(this + " rejected the key: " + e.getMessage(), e);
    }
    byte[] out = new byte[data.length];
    for (int off = 0; off < data.length; off += blockSize) {
      cbc.processBlock(data, off, out, off);
    }
    return out;
  }

  /**
   * The cipher for an Encryption Algorithm attribute and Key Length attribute (bits; 0 when
   * absent). For 3DES the key length must be absent (0) or 192.
   */
  public static Ike1Cipher from(int attributeValue, int keyLengthBits) {
    if (attributeValue == 7) {
      for (Ike1Cipher c : values()) {
        if (c.attributeValue == 7 && c.keyLengthAttribute == keyLengthBits) {
          return c;
        }
      }
      throw new CryptoException("unsupported AES-CBC key length " + keyLengthBits + " bits");
    }
    if (attributeValue == 5) {
      if (keyLengthBits == 0 || keyLengthBits == 192) {
        return DES3_CBC;
      }
      throw new CryptoException("3DES-CBC has a fixed key length; got " + keyLengthBits + " bits");
    }
    throw new CryptoException("unsupported IKEv1 encryption algorithm " + attributeValue);
  }
}
