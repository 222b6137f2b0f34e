package io.natt.bench;

import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.esp.EspSa;
import io.natt.wire.EspTrailer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An ESP transform the benchmark measures twice: through the harness's own data path ({@link
 * EspSa#seal}, exactly what the harness's peer calls before it sends ESP on UDP 4500) and through a
 * bare JCE loop that does the same cryptographic work with everything prepared once.
 *
 * <p>To measure another transform, add an entry to {@link #ALL} with the SA constructor and a bare
 * loop for it.
 */
record Transform(String name, HarnessFactory harness, BareFactory bare) {
  /** An arbitrary SPI for the benchmark's SAs (never sent anywhere but the bench's receiver). */
  static final long SPI = 0xbe4c0001L;

  /** The transforms measured, in order; the first one is also used for encrypt plus send. */
  static final List<Transform> ALL =
      List.of(
          new Transform(
              "aes128-cbc/hmac-sha2-256-128",
              rnd -> cbcHmacSa(EspCipher.AES_CBC_128, EspIntegrity.HMAC_SHA2_256_128, rnd),
              (inner, rnd) -> new BareCbcHmac(inner, 16, "HmacSHA256", 32, 16, rnd)),
          new Transform(
              "aes128-gcm-16",
              rnd ->
                  new EspSa(
                      SPI,
                      EspCipher.AES_GCM16_128,
                      random(rnd, EspCipher.AES_GCM16_128.keymatLength()),
                      EspIntegrity.NONE,
                      new byte[0]),
              (inner, rnd) -> new BareGcm(inner, rnd)));

  /** Builds the harness's SA for this transform with fresh random keys. */
  @FunctionalInterface
  interface HarnessFactory {
    EspSa sa(SecureRandom rnd);
  }

  /** Builds the bare JCE loop for this transform, sealing {@code inner} on every step. */
  @FunctionalInterface
  interface BareFactory {
    Meter.Op loop(byte[] inner, SecureRandom rnd) throws GeneralSecurityException;
  }

  private static EspSa cbcHmacSa(EspCipher c, EspIntegrity i, SecureRandom rnd) {
    return new EspSa(SPI, c, random(rnd, c.keyLength()), i, random(rnd, i.keyLength()));
  }

  static byte[] random(SecureRandom rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /**
   * AES-CBC then HMAC over ESP header, IV and ciphertext, into one preallocated buffer: keys,
   * Cipher, Mac, IV and padding are set up once, so each step is one CBC pass and one HMAC pass
   * with no allocation. The lower bound of what the harness's path could cost.
   */
  static final class BareCbcHmac implements Meter.Op {
    private final Cipher cipher;
    private final Mac mac;
    private final byte[] padded;
    private final byte[] out;
    private final int authLen;

    BareCbcHmac(
        byte[] inner,
        int aesKeyBytes,
        String macName,
        int macKeyBytes,
        int icvBytes,
        SecureRandom rnd)
        throws GeneralSecurityException {
      this.padded = EspTrailer.pad(inner, EspSa.NEXT_HEADER_IPV4, 16);
      byte[] iv = random(rnd, 16);
      this.cipher = Cipher.getInstance("AES/CBC/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(random(rnd, aesKeyBytes), "AES"),
          new IvParameterSpec(iv));
      this.mac = Mac.getInstance(macName);
      mac.init(new SecretKeySpec(random(rnd, macKeyBytes), macName));
      this.authLen = 8 + iv.length + padded.length;
      // room for the full MAC output; the ICV on the wire is its first icvBytes bytes
      this.out = new byte[authLen + Math.max(icvBytes, mac.getMacLength())];
      out[0] = (byte) (SPI >>> 24);
      out[1] = (byte) (SPI >>> 16);
      out[2] = (byte) (SPI >>> 8);
      out[3] = (byte) SPI;
      out[7] = 1;
      System.arraycopy(iv, 0, out, 8, iv.length);
    }

    @Override
    public int run() throws GeneralSecurityException {
      cipher.doFinal(padded, 0, padded.length, out, 8 + 16);
      mac.update(out, 0, authLen);
      mac.doFinal(out, authLen);
      return 1;
    }
  }

  /**
   * AES-GCM-16 (RFC 4106) in one preallocated buffer: key and padding prepared once; each step is
   * one Cipher.init with the next nonce (salt | 8-byte counter IV: GCM refuses a repeated nonce),
   * the ESP header as additional data, and one doFinal into the buffer.
   */
  static final class BareGcm implements Meter.Op {
    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] padded;
    private final byte[] nonce = new byte[12];
    private final byte[] out;
    private long counter;

    BareGcm(byte[] inner, SecureRandom rnd) throws GeneralSecurityException {
      this.padded = EspTrailer.pad(inner, EspSa.NEXT_HEADER_IPV4, 4);
      this.key = new SecretKeySpec(random(rnd, 16), "AES");
      System.arraycopy(random(rnd, 4), 0, nonce, 0, 4);
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
      this.out = new byte[8 + 8 + padded.length + 16];
      out[0] = (byte) (SPI >>> 24);
      out[1] = (byte) (SPI >>> 16);
      out[2] = (byte) (SPI >>> 8);
      out[3] = (byte) SPI;
      out[7] = 1;
    }

    @Override
    public int run() throws GeneralSecurityException {
      long c = ++counter;
      for (int k = 0; k < 8; k++) {
        nonce[4 + k] = (byte) (c >>> (56 - 8 * k));
      }
      System.arraycopy(nonce, 4, out, 8, 8);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(out, 0, 8);
      cipher.doFinal(padded, 0, padded.length, out, 16);
      return 1;
    }
  }
}
