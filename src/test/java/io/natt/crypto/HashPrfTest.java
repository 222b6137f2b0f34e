package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.expectThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** Known-answer tests for the hashes (FIPS 180) and HMAC PRFs (RFC 2202, RFC 4231). */
public class HashPrfTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] fill(int value, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  public void sha1AndSha256OfAbc() {
    // FIPS 180-2 Appendix A.1 / B.1 one-block message "abc", fed in two parts.
    assertEquals(
        HashAlg.SHA1.digest(ascii("a"), ascii("bc")),
        hex("a9993e364706816aba3e25717850c26c9cd0d89d"));
    assertEquals(
        HashAlg.SHA2_256.digest(ascii("ab"), ascii("c")),
        hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  }

  @Test
  public void hashAttributesAndLengths() {
    assertEquals(HashAlg.SHA1.ikeAttributeValue(), 2);
    assertEquals(HashAlg.SHA2_256.ikeAttributeValue(), 4);
    assertEquals(HashAlg.SHA1.length(), 20);
    assertEquals(HashAlg.SHA2_256.length(), 32);
    assertEquals(HashAlg.fromAttribute(2), HashAlg.SHA1);
    assertEquals(HashAlg.fromAttribute(4), HashAlg.SHA2_256);
    CryptoException e = expectThrows(CryptoException.class, () -> HashAlg.fromAttribute(1));
    assertEquals(e.getMessage(), "unsupported IKEv1 hash algorithm attribute 1");
  }

  @DataProvider
  public Object[][] hmacVectors() {
    String bigKeyText = "Test Using Larger Than Block-Size Key - Hash Key First";
    return new Object[][] {
      // RFC 2202 §3 test cases 1, 2, 3, 6
      {
        Prf.HMAC_SHA1, fill(0x0b, 20), ascii("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"
      },
      {
        Prf.HMAC_SHA1,
        ascii("Jefe"),
        ascii("what do ya want for nothing?"),
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
      },
      {Prf.HMAC_SHA1, fill(0xaa, 20), fill(0xdd, 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
      {
        Prf.HMAC_SHA1, fill(0xaa, 80), ascii(bigKeyText), "aa4ae5e15272d00e95705637ce8a3b55ed402112"
      },
      // RFC 4231 §4 test cases 1, 2, 6
      {
        Prf.HMAC_SHA2_256,
        fill(0x0b, 20),
        ascii("Hi There"),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
      },
      {
        Prf.HMAC_SHA2_256,
        ascii("Jefe"),
        ascii("what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
      },
      {
        Prf.HMAC_SHA2_256,
        fill(0xaa, 131),
        ascii(bigKeyText),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
      },
    };
  }

  @Test(dataProvider = "hmacVectors")
  public void hmacKnownAnswers(Prf prf, byte[] key, byte[] data, String expected) {
    assertEquals(prf.apply(key, data), hex(expected));
    // the same data split over several parts gives the same MAC (HMAC over the concatenation)
    int cut = data.length / 3;
    byte[] a = Arrays.copyOfRange(data, 0, cut);
    byte[] b = Arrays.copyOfRange(data, cut, data.length);
    assertEquals(prf.apply(key, a, new byte[0], b), hex(expected));
    assertEquals(prf.length(), hex(expected).length);
  }

  @Test
  public void prfForHash() {
    assertEquals(Prf.forHash(HashAlg.SHA1), Prf.HMAC_SHA1);
    assertEquals(Prf.forHash(HashAlg.SHA2_256), Prf.HMAC_SHA2_256);
    assertEquals(Prf.HMAC_SHA1.hash(), HashAlg.SHA1);
    assertEquals(Prf.HMAC_SHA2_256.hash(), HashAlg.SHA2_256);
  }

  @Test
  public void nullInputsAreRejected() {
    assertThrows(CryptoException.class, () -> Prf.HMAC_SHA1.apply(null, new byte[1]));
    assertThrows(CryptoException.class, () -> Prf.HMAC_SHA1.apply(new byte[1], (byte[]) null));
    assertThrows(CryptoException.class, () -> HashAlg.SHA1.digest((byte[]) null));
  }
}
