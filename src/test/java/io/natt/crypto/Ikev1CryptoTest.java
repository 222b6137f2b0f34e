package io.natt.crypto;

import static io.natt.crypto.Ikev1KeysTest.concat;
import static io.natt.crypto.Ikev1KeysTest.hmac;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.expectThrows;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.testng.annotations.Test;

/**
 * IKEv1 hashes, IVs, KEYMAT and NAT-D, each checked against a direct computation with the JDK's
 * MessageDigest / Mac written from the RFC formula.
 */
public class Ikev1CryptoTest {
  private static final HexFormat HEX = HexFormat.of();

  private static final byte[] CKY_I = HEX.parseHex("0123456789abcdef");
  private static final byte[] CKY_R = HEX.parseHex("fedcba9876543210");
  private static final byte[] GXI = bytes(128, 1);
  private static final byte[] GXR = bytes(128, 2);
  private static final byte[] SAI_B = bytes(52, 3);
  private static final byte[] ID_B = HEX.parseHex("01000000c0a80001");
  private static final byte[] NI_B = bytes(32, 4);
  private static final byte[] NR_B = bytes(20, 5);
  private static final byte[] SKEYID = bytes(20, 6);
  private static final byte[] SKEYID_32 = bytes(32, 7);

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed * 17 + 1);
    }
    return b;
  }

  private static byte[] sha(String alg, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance(alg);
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  public void phase1Iv() {
    assertEquals(
        Ikev1Crypto.phase1Iv(HashAlg.SHA1, GXI, GXR, 16),
        Arrays.copyOf(sha("SHA-1", GXI, GXR), 16));
    assertEquals(
        Ikev1Crypto.phase1Iv(HashAlg.SHA2_256, GXI, GXR, 8),
        Arrays.copyOf(sha("SHA-256", GXI, GXR), 8));
  }

  @Test
  public void quickModeIv() {
    byte[] last = bytes(16, 8);
    long mid = 0x8badf00dL;
    byte[] midBytes = HEX.parseHex("8badf00d");
    assertEquals(
        Ikev1Crypto.quickModeIv(HashAlg.SHA1, last, mid, 16),
        Arrays.copyOf(sha("SHA-1", last, midBytes), 16));
    assertEquals(
        Ikev1Crypto.quickModeIv(HashAlg.SHA2_256, last, 1, 16),
        Arrays.copyOf(sha("SHA-256", last, HEX.parseHex("00000001")), 16));
  }

  @Test
  public void hashIAndHashR() {
    assertEquals(
        Ikev1Crypto.hashI(Prf.HMAC_SHA1, SKEYID, GXI, GXR, CKY_I, CKY_R, SAI_B, ID_B),
        hmac("HmacSHA1", SKEYID, concat(GXI, GXR, CKY_I, CKY_R, SAI_B, ID_B)));
    assertEquals(
        Ikev1Crypto.hashR(Prf.HMAC_SHA1, SKEYID, GXI, GXR, CKY_I, CKY_R, SAI_B, ID_B),
        hmac("HmacSHA1", SKEYID, concat(GXR, GXI, CKY_R, CKY_I, SAI_B, ID_B)));
    assertEquals(
        Ikev1Crypto.hashR(Prf.HMAC_SHA2_256, SKEYID_32, GXI, GXR, CKY_I, CKY_R, SAI_B, ID_B),
        hmac("HmacSHA256", SKEYID_32, concat(GXR, GXI, CKY_R, CKY_I, SAI_B, ID_B)));
    assertNotEquals(
        Ikev1Crypto.hashI(Prf.HMAC_SHA1, SKEYID, GXI, GXR, CKY_I, CKY_R, SAI_B, ID_B),
        Ikev1Crypto.hashR(Prf.HMAC_SHA1, SKEYID, GXI, GXR, CKY_I, CKY_R, SAI_B, ID_B));
  }

  @Test
  public void quickModeAndInformationalHashes() {
    byte[] rest = bytes(100, 9);
    long mid = 0xdeadbeefL;
    byte[] m = HEX.parseHex("deadbeef");
    assertEquals(
        Ikev1Crypto.quickModeHash1(Prf.HMAC_SHA1, SKEYID, mid, rest),
        hmac("HmacSHA1", SKEYID, concat(m, rest)));
    assertEquals(
        Ikev1Crypto.quickModeHash2(Prf.HMAC_SHA1, SKEYID, mid, NI_B, rest),
        hmac("HmacSHA1", SKEYID, concat(m, NI_B, rest)));
    assertEquals(
        Ikev1Crypto.quickModeHash3(Prf.HMAC_SHA2_256, SKEYID_32, mid, NI_B, NR_B),
        hmac("HmacSHA256", SKEYID_32, concat(new byte[] {0}, m, NI_B, NR_B)));
    assertEquals(
        Ikev1Crypto.informationalHash(Prf.HMAC_SHA2_256, SKEYID_32, 7, rest),
        hmac("HmacSHA256", SKEYID_32, concat(HEX.parseHex("00000007"), rest)));
  }

  /** KEYMAT from the RFC 2409 §5.5 formula, computed directly. */
  private static byte[] keymatReference(
      String alg, byte[] skeyidD, byte[] gxy, int protocol, byte[] spi, int len) {
    byte[] seed =
        concat(gxy == null ? new byte[0] : gxy, new byte[] {(byte) protocol}, spi, NI_B, NR_B);
    byte[] k1 = hmac(alg, skeyidD, seed);
    byte[] k2 = hmac(alg, skeyidD, concat(k1, seed));
    byte[] k3 = hmac(alg, skeyidD, concat(k2, seed));
    return Arrays.copyOf(concat(k1, k2, k3), len);
  }

  @Test
  public void keymat36ForAes128AndSha1() {
    byte[] spi = HEX.parseHex("c0ffee01");
    byte[] km = Ikev1Crypto.keymat(Prf.HMAC_SHA1, SKEYID, null, 3, spi, NI_B, NR_B, 36);
    assertEquals(km.length, 36);
    assertEquals(km, keymatReference("HmacSHA1", SKEYID, null, 3, spi, 36));
    // with PFS
    byte[] gqm = bytes(256, 10);
    assertEquals(
        Ikev1Crypto.keymat(Prf.HMAC_SHA1, SKEYID, gqm, 3, spi, NI_B, NR_B, 36),
        keymatReference("HmacSHA1", SKEYID, gqm, 3, spi, 36));
  }

  @Test
  public void keymat48ForAes128AndSha256() {
    byte[] spi = HEX.parseHex("0000a1b2");
    byte[] km = Ikev1Crypto.keymat(Prf.HMAC_SHA2_256, SKEYID_32, null, 3, spi, NI_B, NR_B, 48);
    assertEquals(km.length, 48);
    assertEquals(km, keymatReference("HmacSHA256", SKEYID_32, null, 3, spi, 48));
    // with HMAC-SHA1 as the PRF (3 blocks)
    assertEquals(
        Ikev1Crypto.keymat(Prf.HMAC_SHA1, SKEYID, null, 3, spi, NI_B, NR_B, 48),
        keymatReference("HmacSHA1", SKEYID, null, 3, spi, 48));
    // shorter output is a prefix
    assertEquals(
        Ikev1Crypto.keymat(Prf.HMAC_SHA2_256, SKEYID_32, null, 3, spi, NI_B, NR_B, 20),
        Arrays.copyOf(km, 20));
  }

  @Test
  public void natDetectionHash() {
    byte[] ip4 = {(byte) 192, (byte) 168, 1, 10};
    assertEquals(
        Ikev1Crypto.natDetectionHash(HashAlg.SHA1, CKY_I, CKY_R, ip4, 500),
        sha("SHA-1", CKY_I, CKY_R, ip4, new byte[] {0x01, (byte) 0xf4}));
    assertEquals(
        Ikev1Crypto.natDetectionHash(HashAlg.SHA2_256, CKY_I, CKY_R, ip4, 4500),
        sha("SHA-256", CKY_I, CKY_R, ip4, new byte[] {0x11, (byte) 0x94}));
    byte[] ip6 = HEX.parseHex("20010db8000000000000000000000001");
    assertEquals(
        Ikev1Crypto.natDetectionHash(HashAlg.SHA1, CKY_I, CKY_R, ip6, 65535),
        sha("SHA-1", CKY_I, CKY_R, ip6, new byte[] {(byte) 0xff, (byte) 0xff}));
    // hand-checked: SHA-1 over 0123456789abcdef fedcba9876543210 c0a8010a 01f4
    assertEquals(
        HEX.formatHex(Ikev1Crypto.natDetectionHash(HashAlg.SHA1, CKY_I, CKY_R, ip4, 500)),
        HEX.formatHex(sha("SHA-1", HEX.parseHex("0123456789abcdeffedcba9876543210c0a8010a01f4"))));
  }

  @Test
  public void badInput() {
    CryptoException e =
        expectThrows(
            CryptoException.class,
            () -> Ikev1Crypto.natDetectionHash(HashAlg.SHA1, CKY_I, CKY_R, new byte[5], 500));
    assertEquals(e.getMessage(), "IP address length 5 is neither 4 nor 16");
    assertThrows(
        CryptoException.class,
        () -> Ikev1Crypto.natDetectionHash(HashAlg.SHA1, CKY_I, CKY_R, new byte[4], 70000));
    e =
        expectThrows(
            CryptoException.class,
            () -> Ikev1Crypto.quickModeHash1(Prf.HMAC_SHA1, SKEYID, 1L << 32, new byte[0]));
    assertEquals(e.getMessage(), "message ID 4294967296 does not fit in 32 bits");
    e = expectThrows(CryptoException.class, () -> Ikev1Crypto.phase1Iv(HashAlg.SHA1, GXI, GXR, 32));
    assertEquals(e.getMessage(), "block size 32 out of range 1..20 for the hash");
    assertThrows(
        CryptoException.class,
        () -> Ikev1Crypto.keymat(Prf.HMAC_SHA1, SKEYID, null, 256, new byte[4], NI_B, NR_B, 36));
    assertThrows(
        CryptoException.class,
        () -> Ikev1Crypto.keymat(Prf.HMAC_SHA1, SKEYID, null, 3, new byte[4], NI_B, NR_B, -1));
    assertThrows(
        CryptoException.class,
        () -> Ikev1Crypto.hashI(Prf.HMAC_SHA1, SKEYID, GXI, GXR, new byte[7], CKY_R, SAI_B, ID_B));
  }
}
