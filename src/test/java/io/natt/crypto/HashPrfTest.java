package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.expectThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Known-answer tests for the hashes (RFC 1321 MD5 test suite, FIPS 180 "abc") and the HMAC PRFs
 * (RFC 2202 HMAC-MD5 and HMAC-SHA-1, RFC 4231 HMAC-SHA-256/384/512). The vectors were read from
 * copies of those documents through the project's search tool, not written from memory.
 */
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
  public void md5Rfc1321TestSuite() {
    // RFC 1321 Appendix A.5 "MD5 test suite"
    assertEquals(HashAlg.MD5.digest(ascii("")), hex("d41d8cd98f00b204e9800998ecf8427e"));
    assertEquals(
        HashAlg.MD5.digest(ascii("a"), ascii("bc")), hex("900150983cd24fb0d6963f7d28e17f72"));
    assertEquals(
        HashAlg.MD5.digest(ascii("message digest")), hex("f96b697d7cb7938d525a2f31aaf161d0"));
    assertEquals(
        HashAlg.MD5.digest(
            ascii(
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890")),
        hex("57edf4a22be3c955ac49da2e2107b67a"));
  }

  @Test
  public void sha384AndSha512OfAbc() {
    // FIPS 180-2 Appendix D.1 / C.1 one-block message "abc" (also RFC 6234 §8.5)
    assertEquals(
        HashAlg.SHA2_384.digest(ascii("a"), ascii("bc")),
        hex(
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                + "8086072ba1e7cc2358baeca134c825a7"));
    assertEquals(
        HashAlg.SHA2_512.digest(ascii("ab"), ascii("c")),
        hex(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
  }

  @Test
  public void hashAttributesAndLengths() {
    assertEquals(HashAlg.SHA1.ikeAttributeValue(), 2);
    assertEquals(HashAlg.SHA2_256.ikeAttributeValue(), 4);
    assertEquals(HashAlg.SHA1.length(), 20);
    assertEquals(HashAlg.SHA2_256.length(), 32);
    assertEquals(HashAlg.fromAttribute(2), HashAlg.SHA1);
    assertEquals(HashAlg.fromAttribute(4), HashAlg.SHA2_256);
    // RFC 2409 Appendix A: 1 = MD5; IANA IKE attributes: 5 = SHA2-384, 6 = SHA2-512
    assertEquals(HashAlg.fromAttribute(1), HashAlg.MD5);
    assertEquals(HashAlg.fromAttribute(5), HashAlg.SHA2_384);
    assertEquals(HashAlg.fromAttribute(6), HashAlg.SHA2_512);
    assertEquals(HashAlg.MD5.length(), 16);
    assertEquals(HashAlg.SHA2_384.length(), 48);
    assertEquals(HashAlg.SHA2_512.length(), 64);
    CryptoException e = expectThrows(CryptoException.class, () -> HashAlg.fromAttribute(3));
    assertEquals(e.getMessage(), "unsupported IKEv1 hash algorithm attribute 3");
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
      // RFC 2202 §2 HMAC-MD5 test cases 1, 2, 6
      {Prf.HMAC_MD5, fill(0x0b, 16), ascii("Hi There"), "9294727a3638bb1c13f48ef8158bfc9d"},
      {
        Prf.HMAC_MD5,
        ascii("Jefe"),
        ascii("what do ya want for nothing?"),
        "750c783e6ab0b503eaa86e310a5db738"
      },
      {Prf.HMAC_MD5, fill(0xaa, 80), ascii(bigKeyText), "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
      // RFC 4231 §4.2, 4.4, 4.7 test cases 1, 3, 6 (HMAC-SHA-384 and HMAC-SHA-512)
      {
        Prf.HMAC_SHA2_384,
        fill(0x0b, 20),
        ascii("Hi There"),
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
            + "faea9ea9076ede7f4af152e8b2fa9cb6"
      },
      {
        Prf.HMAC_SHA2_384,
        fill(0xaa, 20),
        fill(0xdd, 50),
        "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
            + "2a5ab39dc13814b94e3ab6e101a34f27"
      },
      {
        Prf.HMAC_SHA2_384,
        fill(0xaa, 131),
        ascii(bigKeyText),
        "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
            + "0c2ef6ab4030fe8296248df163f44952"
      },
      {
        Prf.HMAC_SHA2_512,
        fill(0x0b, 20),
        ascii("Hi There"),
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
      },
      {
        Prf.HMAC_SHA2_512,
        fill(0xaa, 20),
        fill(0xdd, 50),
        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
            + "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"
      },
      {
        Prf.HMAC_SHA2_512,
        fill(0xaa, 131),
        ascii(bigKeyText),
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
            + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"
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
    for (HashAlg h : HashAlg.values()) {
      assertEquals(Prf.forHash(h).hash(), h);
      assertEquals(Prf.forHash(h).length(), h.length());
    }
  }

  @Test
  public void nullInputsAreRejected() {
    assertThrows(CryptoException.class, () -> Prf.HMAC_SHA1.apply(null, new byte[1]));
    assertThrows(CryptoException.class, () -> Prf.HMAC_SHA1.apply(new byte[1], (byte[]) null));
    assertThrows(CryptoException.class, () -> HashAlg.SHA1.digest((byte[]) null));
  }
}
