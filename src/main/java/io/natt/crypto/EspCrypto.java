package io.natt.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-packet ESP cryptography for one SA direction: AES-CBC (RFC 3602) and a truncated HMAC ICV, on
 * the JDK's own JCE provider (AES-NI accelerated).
 *
 * <p>The Cipher, Mac and key objects are created once and reused for every packet, so an instance
 * is <b>not thread-safe</b>: use it from one thread at a time (or one instance per thread).
 *
 * <p>ESP padding, SPI/sequence handling and ICV placement are the caller's business: {@link
 * #encrypt} takes already-padded plaintext, {@link #icv} takes the bytes to authenticate (ESP
 * header | IV | ciphertext).
 */
public final class EspCrypto {
  private final EspCipher cipher;
  private final EspIntegrity integrity;
  private final SecretKeySpec encKey;
  private final Cipher encryptor;
  private final Cipher decryptor;
  private final Mac mac;
  private final byte[] macOut;
  // for encrypt(byte[], int, byte[], int, int, byte[], int): made on first use
  private Cipher zeroIvEncryptor;
  private byte[] firstBlock;

  /**
   * @param c the encryption transform
   * @param encKey its key ({@link EspCipher#keyLength()} bytes)
   * @param i the integrity algorithm
   * @param authKey its key ({@link EspIntegrity#keyLength()} bytes)
   */
  public EspCrypto(EspCipher c, byte[] encKey, EspIntegrity i, byte[] authKey) {
    if (c == null || i == null) {
      throw new CryptoException("ESP cipher and integrity algorithm must not be null");
    }
    Bytes.requireLength(encKey, c.keyLength(), c + " key");
    Bytes.requireLength(authKey, i.keyLength(), i + " key");
    this.cipher = c;
    this.integrity = i;
    this.encKey = new SecretKeySpec(encKey, "AES");
    try {
      this.encryptor = Cipher.getInstance("AES/CBC/NoPadding");
      this.decryptor = Cipher.getInstance("AES/CBC/NoPadding");
      this.mac = Mac.getInstance(i.jceName());
      this.mac.init(new SecretKeySpec(authKey, i.jceName()));
    } catch (GeneralSecurityException e) {
      throw new CryptoException("JCE cannot provide " + c + "/" + i + ": " + e.getMessage(), e);
    }
    this.macOut = new byte[mac.getMacLength()];
  }

  /**
   * Builds the SA from Quick Mode KEYMAT split as strongSwan does (RFC 2409 §5.5 with RFC 4303):
   * the encryption key first, then the integrity key.
   *
   * @param keymat at least {@code c.keyLength() + i.keyLength()} bytes
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
    byte[] enc = Bytes.prefix(keymat, c.keyLength());
    byte[] auth = new byte[i.keyLength()];
    System.arraycopy(keymat, c.keyLength(), auth, 0, auth.length);
    return new EspCrypto(c, enc, i, auth);
  }

  /** KEYMAT bytes needed for this cipher and integrity algorithm. */
  public static int keymatLength(EspCipher c, EspIntegrity i) {
    return c.keyLength() + i.keyLength();
  }

  public EspCipher cipher() {
    return cipher;
  }

  public EspIntegrity integrity() {
    return integrity;
  }

  /** AES-CBC encrypts already padded plaintext (a multiple of 16 bytes) with the given IV. */
  public byte[] encrypt(byte[] iv, byte[] paddedPlaintext) {
    return run(encryptor, Cipher.ENCRYPT_MODE, iv, paddedPlaintext, "plaintext");
  }

  /** AES-CBC decrypts ciphertext (a multiple of 16 bytes); the result still carries ESP padding. */
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
    Bytes.requireNonNull(in, "plaintext");
    Bytes.requireBlockMultiple(len, cipher.blockSize(), "plaintext");
    int block = cipher.blockSize();
    if (len == 0) {
      return;
    }
    try {
      if (zeroIvEncryptor == null) {
        zeroIvEncryptor = Cipher.getInstance("AES/CBC/NoPadding");
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
    Bytes.requireLength(iv, cipher.ivLength(), "ESP IV");
    Bytes.requireNonNull(data, what);
    Bytes.requireBlockMultiple(data.length, cipher.blockSize(), what);
    try {
      // Re-initialising with the same key object keeps the JDK's expanded AES key schedule.
      c.init(mode, encKey, new IvParameterSpec(iv));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("ESP " + cipher + " failed: " + e.getMessage(), e);
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
