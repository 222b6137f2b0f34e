package io.natt.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-packet ESP cryptography for one SA direction, on the JDK's own JCE provider (AES-NI
 * accelerated): 3DES-CBC or AES-CBC with a truncated HMAC ICV (RFC 2451, RFC 3602, RFC 2404, RFC
 * 4868), or AES-GCM-16 (RFC 4106: nonce = 4-byte salt from KEYMAT | 8-byte explicit IV, additional
 * authenticated data = SPI | sequence number, 16-byte ICV).
 *
 * <p>The Cipher, Mac and key objects are created once and reused for every packet, so an instance
 * is <b>not thread-safe</b>: use it from one thread at a time (or one instance per thread).
 *
 * <p>ESP padding and SPI/sequence handling are the caller's business: {@link #seal} and {@link
 * #open} take the 8-byte ESP header, the explicit IV and the already padded plaintext (or the
 * ciphertext with its ICV). The CBC-only primitives {@link #encrypt}, {@link #decrypt} and {@link
 * #icv} stay available for known-answer tests.
 */
public final class EspCrypto {
  private static final int ESP_HEADER = 8;

  private final EspCipher cipher;
  private final EspIntegrity integrity;
  private final SecretKeySpec encKey;
  private final byte[] salt;
  private final Cipher encryptor;
  private final Cipher decryptor;
  private final Mac mac;
  private final byte[] macOut;
  // for encrypt(byte[], int, byte[], int, int, byte[], int): made on first use
  private Cipher zeroIvEncryptor;
  private byte[] nonce; // salt | explicit IV, reused by aeadSeal
  private byte[] firstBlock;

  /**
   * @param c the encryption transform
   * @param encKey its KEYMAT part ({@link EspCipher#keymatLength()} bytes: the key, then for
   *     AES-GCM the 4-byte salt)
   * @param i the integrity algorithm ({@link EspIntegrity#NONE} exactly when {@code c} is AES-GCM)
   * @param authKey its key ({@link EspIntegrity#keyLength()} bytes; empty for NONE)
   */
  public EspCrypto(EspCipher c, byte[] encKey, EspIntegrity i, byte[] authKey) {
    if (c == null || i == null) {
      throw new CryptoException("ESP cipher and integrity algorithm must not be null");
    }
    if (c.isAead() != (i == EspIntegrity.NONE)) {
      throw new CryptoException(
          c.isAead()
              ? c + " is a combined mode and takes no integrity algorithm, not " + i
              : c + " needs an integrity algorithm");
    }
    Bytes.requireLength(encKey, c.keymatLength(), c + " key");
    Bytes.requireLength(authKey, i.keyLength(), i + " key");
    this.cipher = c;
    this.integrity = i;
    String alg = c == EspCipher.DES3_CBC ? "DESede" : "AES";
    this.encKey = new SecretKeySpec(encKey, 0, c.keyLength(), alg);
    this.salt = Arrays.copyOfRange(encKey, c.keyLength(), c.keymatLength());
    String transformation = c.isAead() ? "AES/GCM/NoPadding" : alg + "/CBC/NoPadding";
    try {
      this.encryptor = Cipher.getInstance(transformation);
      this.decryptor = Cipher.getInstance(transformation);
      if (i == EspIntegrity.NONE) {
        this.mac = null;
        this.macOut = new byte[0];
      } else {
        this.mac = Mac.getInstance(i.jceName());
        this.mac.init(new SecretKeySpec(authKey, i.jceName()));
        this.macOut = new byte[mac.getMacLength()];
      }
    } catch (GeneralSecurityException e) {
      throw new CryptoException("JCE cannot provide " + c + "/" + i + ": " + e.getMessage(), e);
    }
  }

  /**
   * Builds the SA from Quick Mode KEYMAT split as strongSwan does (RFC 2409 §5.5 with RFC 4303 and
   * RFC 4106 §8.1): the encryption key (and the salt for AES-GCM) first, then the integrity key.
   *
   * @param keymat at least {@link #keymatLength(EspCipher, EspIntegrity)} bytes
   */
  public static EspCrypto fromKeymat(EspCipher c, EspIntegrity i, byte[] keymat) {
    if (c == null || i == null) {
      throw new CryptoException("ESP cipher and integrity algorithm must not be null");
    }
    Bytes.requireNonNull(keymat, "KEYMAT");
    int need = keymatLength(c, i);
    if (keymat.length < need) {
      throw new CryptoException(
          "KEYMAT length " + keymat.length + " is shorter than the " + need + " bytes needed");
    }
    byte[] enc = Bytes.prefix(keymat, c.keymatLength());
    byte[] auth = Arrays.copyOfRange(keymat, c.keymatLength(), need);
    return new EspCrypto(c, enc, i, auth);
  }

  /** KEYMAT bytes needed for this cipher (key and salt) and integrity algorithm. */
  public static int keymatLength(EspCipher c, EspIntegrity i) {
    return c.keymatLength() + i.keyLength();
  }

  public EspCipher cipher() {
    return cipher;
  }

  public EspIntegrity integrity() {
    return integrity;
  }

  /** Length of the ICV at the end of each ESP packet (the HMAC's or the AEAD tag's). */
  public int icvLength() {
    return cipher.isAead() ? cipher.icvLength() : integrity.icvLength();
  }

  /**
   * Encrypts and authenticates one ESP payload.
   *
   * @param espHeader the 8 bytes SPI | sequence number
   * @param iv the explicit IV ({@link EspCipher#ivLength()} bytes)
   * @param paddedPlaintext payload, padding, pad length and next header (a multiple of {@link
   *     EspCipher#blockSize()})
   * @return ciphertext | ICV
   */
  public byte[] seal(byte[] espHeader, byte[] iv, byte[] paddedPlaintext) {
    Bytes.requireLength(espHeader, ESP_HEADER, "ESP header");
    if (!cipher.isAead()) {
      byte[] ct = encrypt(iv, paddedPlaintext);
      byte[] icv = icv(Bytes.concat(espHeader, iv, ct));
      return Bytes.concat(ct, icv);
    }
    Bytes.requireNonNull(paddedPlaintext, "plaintext");
    Bytes.requireBlockMultiple(paddedPlaintext.length, cipher.blockSize(), "plaintext");
    return aeadSeal(espHeader, iv, paddedPlaintext);
  }

  /**
   * AES-GCM encryption with any additional authenticated data (ESP uses SPI | sequence number);
   * nonce = salt | iv. Returns ciphertext | tag.
   */
  byte[] aeadSeal(byte[] aad, byte[] iv, byte[] plaintext) {
    requireAead();
    Bytes.requireLength(iv, cipher.ivLength(), "ESP IV");
    try {
      encryptor.init(Cipher.ENCRYPT_MODE, encKey, gcmSpec(iv));
      encryptor.updateAAD(aad);
      return encryptor.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("ESP " + cipher + " failed: " + e.getMessage(), e);
    }
  }

  /** AES-GCM decryption of ciphertext | tag; empty when the tag does not verify. */
  Optional<byte[]> aeadOpen(byte[] aad, byte[] iv, byte[] ciphertextAndTag) {
    requireAead();
    Bytes.requireLength(iv, cipher.ivLength(), "ESP IV");
    try {
      decryptor.init(Cipher.DECRYPT_MODE, encKey, gcmSpec(iv));
      decryptor.updateAAD(aad);
      return Optional.of(decryptor.doFinal(ciphertextAndTag));
    } catch (AEADBadTagException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new CryptoException("ESP " + cipher + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Checks the ICV of one ESP payload and decrypts it.
   *
   * @param espHeader the 8 bytes SPI | sequence number
   * @param iv the explicit IV
   * @param ciphertextAndIcv everything after the IV
   * @return the padded plaintext, or empty when the ICV does not verify
   */
  public Optional<byte[]> open(byte[] espHeader, byte[] iv, byte[] ciphertextAndIcv) {
    Bytes.requireLength(espHeader, ESP_HEADER, "ESP header");
    Bytes.requireLength(iv, cipher.ivLength(), "ESP IV");
    Bytes.requireNonNull(ciphertextAndIcv, "ciphertext");
    int icvLen = icvLength();
    if (ciphertextAndIcv.length < icvLen) {
      return Optional.empty();
    }
    int ctLen = ciphertextAndIcv.length - icvLen;
    Bytes.requireBlockMultiple(ctLen, cipher.blockSize(), "ciphertext");
    if (!cipher.isAead()) {
      byte[] ct = Arrays.copyOf(ciphertextAndIcv, ctLen);
      byte[] icv = Arrays.copyOfRange(ciphertextAndIcv, ctLen, ciphertextAndIcv.length);
      if (!verifyIcv(Bytes.concat(espHeader, iv, ct), icv)) {
        return Optional.empty();
      }
      return Optional.of(decrypt(iv, ct));
    }
    return aeadOpen(espHeader, iv, ciphertextAndIcv);
  }

  /**
   * AES-GCM into the caller's buffer, the data path's form of {@link #seal}: the ESP header at
   * {@code buf[off..off+8)} is the additional data, the explicit IV follows it at {@code off + 8},
   * and the padded plaintext {@code in[inOff..inOff+len)} is encrypted to {@code off + 8 + iv},
   * followed by the tag. Same bytes as {@link #seal}; nothing is allocated but the nonce's spec.
   */
  public void aeadSeal(byte[] buf, int off, byte[] in, int inOff, int len) {
    requireAead();
    Bytes.requireBlockMultiple(len, cipher.blockSize(), "plaintext");
    int ivLen = cipher.ivLength();
    if (nonce == null) {
      nonce = new byte[salt.length + ivLen];
      System.arraycopy(salt, 0, nonce, 0, salt.length);
    }
    System.arraycopy(buf, off + ESP_HEADER, nonce, salt.length, ivLen);
    try {
      encryptor.init(
          Cipher.ENCRYPT_MODE, encKey, new GCMParameterSpec(8 * cipher.icvLength(), nonce));
      encryptor.updateAAD(buf, off, ESP_HEADER);
      encryptor.doFinal(in, inOff, len, buf, off + ESP_HEADER + ivLen);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("ESP " + cipher + " failed: " + e.getMessage(), e);
    }
  }

  private GCMParameterSpec gcmSpec(byte[] iv) {
    return new GCMParameterSpec(8 * cipher.icvLength(), Bytes.concat(salt, iv));
  }

  /** CBC-encrypts already padded plaintext (a multiple of the block size) with the given IV. */
  public byte[] encrypt(byte[] iv, byte[] paddedPlaintext) {
    return run(encryptor, Cipher.ENCRYPT_MODE, iv, paddedPlaintext, "plaintext");
  }

  /** CBC-decrypts ciphertext (a multiple of the block size); the result still carries padding. */
  public byte[] decrypt(byte[] iv, byte[] ciphertext) {
    return run(decryptor, Cipher.DECRYPT_MODE, iv, ciphertext, "ciphertext");
  }

  /**
   * AES-CBC encrypts {@code len} bytes of already padded plaintext from {@code in} into {@code out}
   * at {@code outOff}, with the IV at {@code ivOff} of {@code ivBuf}, without initialising a Cipher
   * per packet: CBC under IV v equals CBC under the zero IV of the same plaintext with v XORed into
   * its first block, so one Cipher initialised once with the zero IV serves every packet (it
   * returns to that IV after each doFinal). Same bytes as {@link #encrypt(byte[], byte[])}; nothing
   * is allocated for the result. {@code out} must not overlap {@code in}.
   */
  public void encrypt(
      byte[] ivBuf, int ivOff, byte[] in, int inOff, int len, byte[] out, int outOff) {
    requireCbc();
    Bytes.requireNonNull(in, "plaintext");
    Bytes.requireBlockMultiple(len, cipher.blockSize(), "plaintext");
    int block = cipher.blockSize();
    if (len == 0) {
      return;
    }
    try {
      if (zeroIvEncryptor == null) {
        zeroIvEncryptor = Cipher.getInstance(encKey.getAlgorithm() + "/CBC/NoPadding");
        zeroIvEncryptor.init(
            Cipher.ENCRYPT_MODE, encKey, new IvParameterSpec(new byte[cipher.ivLength()]));
        firstBlock = new byte[block];
      }
      for (int i = 0; i < block; i++) {
        firstBlock[i] = (byte) (in[inOff + i] ^ ivBuf[ivOff + i]);
      }
      zeroIvEncryptor.update(firstBlock, 0, block, out, outOff);
      zeroIvEncryptor.doFinal(in, inOff + block, len - block, out, outOff + block);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("ESP " + cipher + " failed: " + e.getMessage(), e);
    }
  }

  private byte[] run(Cipher c, int mode, byte[] iv, byte[] data, String what) {
    requireCbc();
    Bytes.requireLength(iv, cipher.ivLength(), "ESP IV");
    Bytes.requireNonNull(data, what);
    Bytes.requireBlockMultiple(data.length, cipher.blockSize(), what);
    try {
      // Re-initialising with the same key object keeps the JDK's expanded key schedule.
      c.init(mode, encKey, new IvParameterSpec(iv));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("ESP " + cipher + " failed: " + e.getMessage(), e);
    }
  }

  private void requireAead() {
    if (!cipher.isAead()) {
      throw new CryptoException(cipher + " is not a combined mode");
    }
  }

  private void requireCbc() {
    if (cipher.isAead()) {
      throw new CryptoException(cipher + " is a combined mode: use seal/open");
    }
  }

  /**
   * The truncated HMAC over {@code authenticatedBytes} ({@link EspIntegrity#icvLength()} bytes).
   */
  public byte[] icv(byte[] authenticatedBytes) {
    Bytes.requireNonNull(authenticatedBytes, "authenticated bytes");
    return icv(authenticatedBytes, 0, authenticatedBytes.length);
  }

  /** The truncated HMAC over {@code len} bytes of {@code buf} starting at {@code off}. */
  public byte[] icv(byte[] buf, int off, int len) {
    requireCbc();
    Bytes.requireNonNull(buf, "authenticated bytes");
    if (off < 0 || len < 0 || off > buf.length - len) {
      throw new CryptoException(
          "range " + off + "+" + len + " lies outside the " + buf.length + "-byte buffer");
    }
    mac.update(buf, off, len);
    try {
      mac.doFinal(macOut, 0);
    } catch (ShortBufferException e) {
      throw new CryptoException("ICV buffer too short", e);
    }
    return Bytes.prefix(macOut, integrity.icvLength());
  }

  /**
   * Writes the truncated HMAC over {@code len} bytes of {@code buf} from {@code off} into {@code
   * out} at {@code outOff} ({@link EspIntegrity#icvLength()} bytes).
   */
  public void icv(byte[] buf, int off, int len, byte[] out, int outOff) {
    Bytes.requireNonNull(buf, "authenticated bytes");
    if (off < 0 || len < 0 || off > buf.length - len) {
      throw new CryptoException(
          "range " + off + "+" + len + " lies outside the " + buf.length + "-byte buffer");
    }
    mac.update(buf, off, len);
    try {
      mac.doFinal(macOut, 0);
    } catch (ShortBufferException e) {
      throw new CryptoException("ICV buffer too short", e);
    }
    System.arraycopy(macOut, 0, out, outOff, integrity.icvLength());
  }

  /**
   * Checks an ICV in constant time. Returns false (never throws) for a wrong-length ICV.
   *
   * @param authenticatedBytes ESP header | IV | ciphertext (everything before the ICV)
   */
  public boolean verifyIcv(byte[] authenticatedBytes, byte[] icv) {
    Bytes.requireNonNull(icv, "ICV");
    byte[] expected = icv(authenticatedBytes);
    return icv.length == expected.length && MessageDigest.isEqual(expected, icv);
  }

  @Override
  public String toString() {
    return "EspCrypto[" + cipher + ", " + integrity + "]";
  }
}
