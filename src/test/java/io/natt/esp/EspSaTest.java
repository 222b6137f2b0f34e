package io.natt.esp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * {@link EspSa#seal} against an independent construction written from RFC 4303 and RFC 3602 with
 * javax.crypto directly (same IV from an identically seeded random), and {@link EspSa#open} of what
 * seal made: the bytes of the data path stay what they were whatever the implementation does
 * inside.
 */
public class EspSaTest {
  private static final long SPI = 0xc0ffee01L;

  private static SecureRandom seeded(long seed) throws Exception {
    SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(seed);
    return r;
  }

  @DataProvider
  public Object[][] transforms() {
    return new Object[][] {
      {EspCipher.AES_CBC_128, EspIntegrity.HMAC_SHA2_256_128, "HmacSHA256"},
      {EspCipher.AES_CBC_128, EspIntegrity.HMAC_SHA1_96, "HmacSHA1"},
      {EspCipher.AES_CBC_256, EspIntegrity.HMAC_SHA2_256_128, "HmacSHA256"},
    };
  }

  /** RFC 4303: SPI | seq | IV | AES-CBC(payload | 1,2,3.. | pad length | 4) | truncated HMAC. */
  private static byte[] reference(
      byte[] encKey, byte[] authKey, String mac, int icvLen, long seq, byte[] iv, byte[] inner)
      throws Exception {
    int padLen = (16 - (inner.length + 2) % 16) % 16;
    byte[] plain = new byte[inner.length + padLen + 2];
    System.arraycopy(inner, 0, plain, 0, inner.length);
    for (int i = 0; i < padLen; i++) {
      plain[inner.length + i] = (byte) (i + 1);
    }
    plain[plain.length - 2] = (byte) padLen;
    plain[plain.length - 1] = 4;
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encKey, "AES"), new IvParameterSpec(iv));
    byte[] ct = c.doFinal(plain);
    byte[] auth =
        ByteBuffer.allocate(8 + iv.length + ct.length)
            .putInt((int) SPI)
            .putInt((int) seq)
            .put(iv)
            .put(ct)
            .array();
    Mac m = Mac.getInstance(mac);
    m.init(new SecretKeySpec(authKey, mac));
    byte[] icv = Arrays.copyOf(m.doFinal(auth), icvLen);
    return ByteBuffer.allocate(auth.length + icvLen).put(auth).put(icv).array();
  }

  @Test(dataProvider = "transforms")
  public void sealMatchesTheRfcConstructionAtEverySize(
      EspCipher cipher, EspIntegrity integrity, String mac) throws Exception {
    SecureRandom keys = seeded(7);
    byte[] encKey = new byte[cipher.keyLength()];
    byte[] authKey = new byte[integrity.keyLength()];
    keys.nextBytes(encKey);
    keys.nextBytes(authKey);
    EspSa out = new EspSa(SPI, cipher, encKey, integrity, authKey);
    EspSa in = new EspSa(SPI, cipher, encKey, integrity, authKey);
    SecureRandom sealRandom = seeded(42);
    SecureRandom refRandom = seeded(42);
    long seq = 0;
    // every padding length (0..15), small and large packets, and a shorter one after a longer one
    int[] sizes = {28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 1400, 1500, 60};
    for (int size : sizes) {
      byte[] inner = new byte[size];
      keys.nextBytes(inner);
      byte[] sealed = out.seal(inner, sealRandom);
      byte[] iv = new byte[16];
      refRandom.nextBytes(iv);
      seq++;
      assertEquals(
          sealed,
          reference(encKey, authKey, mac, integrity.icvLength(), seq, iv, inner),
          "size " + size);
      EspSa.Opened o = in.open(sealed);
      assertEquals(o.inner(), inner, "size " + size);
      assertEquals(o.sequence(), seq);
      assertEquals(o.nextHeader(), EspSa.NEXT_HEADER_IPV4);
    }
  }

  @Test
  public void openRefusesATamperedPacketAndAReplay() throws Exception {
    byte[] encKey = new byte[16];
    byte[] authKey = new byte[32];
    EspSa out =
        new EspSa(SPI, EspCipher.AES_CBC_128, encKey, EspIntegrity.HMAC_SHA2_256_128, authKey);
    EspSa in =
        new EspSa(SPI, EspCipher.AES_CBC_128, encKey, EspIntegrity.HMAC_SHA2_256_128, authKey);
    SecureRandom rnd = seeded(1);
    byte[] sealed = out.seal(new byte[100], rnd);
    byte[] tampered = sealed.clone();
    tampered[40] ^= 1;
    expectThrows(EspException.class, () -> in.open(tampered));
    in.open(sealed);
    EspException replay = expectThrows(EspException.class, () -> in.open(sealed));
    assertEquals(replay.getMessage(), "sequence number 1 replayed or too old");
  }

  /**
   * RFC 4106: SPI | seq | IV | AES-GCM(payload | 1,2,3.. | pad length | 4, aligned to 4) | 16-byte
   * tag, nonce salt | IV, additional data SPI | seq; the salt is the last 4 bytes of the key.
   */
  @Test
  public void gcmSealMatchesTheRfcConstructionAtEverySize() throws Exception {
    EspCipher cipher = EspCipher.AES_GCM16_128;
    SecureRandom keys = seeded(9);
    byte[] keymat = new byte[cipher.keymatLength()];
    keys.nextBytes(keymat);
    EspSa out = new EspSa(SPI, cipher, keymat, EspIntegrity.NONE, new byte[0]);
    EspSa in = new EspSa(SPI, cipher, keymat, EspIntegrity.NONE, new byte[0]);
    SecureRandom sealRandom = seeded(43);
    long seq = 0;
    for (int size : new int[] {28, 29, 30, 31, 32, 1400, 1500, 60}) {
      byte[] inner = new byte[size];
      keys.nextBytes(inner);
      byte[] sealed = out.seal(inner, sealRandom);
      seq++;
      byte[] iv = ByteBuffer.allocate(8).putLong(seq).array(); // RFC 4106: a counter IV
      int padLen = (4 - (inner.length + 2) % 4) % 4;
      byte[] plain = new byte[inner.length + padLen + 2];
      System.arraycopy(inner, 0, plain, 0, inner.length);
      for (int k = 0; k < padLen; k++) {
        plain[inner.length + k] = (byte) (k + 1);
      }
      plain[plain.length - 2] = (byte) padLen;
      plain[plain.length - 1] = 4;
      byte[] header = ByteBuffer.allocate(8).putInt((int) SPI).putInt((int) seq).array();
      byte[] nonce = ByteBuffer.allocate(12).put(keymat, 16, 4).put(iv).array();
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(keymat, 0, 16, "AES"),
          new javax.crypto.spec.GCMParameterSpec(128, nonce));
      c.updateAAD(header);
      byte[] ct = c.doFinal(plain);
      byte[] expected = ByteBuffer.allocate(8 + 8 + ct.length).put(header).put(iv).put(ct).array();
      assertEquals(sealed, expected, "size " + size);
      assertEquals(in.open(sealed).inner(), inner, "size " + size);
    }
  }
}
