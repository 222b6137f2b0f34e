package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.expectThrows;

import java.util.HexFormat;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Known-answer tests for the phase-1 ciphers: NIST SP 800-38A F.2 (AES-CBC) and NIST CAVP TDES
 * Multi-block Message Test TCBCMMT3.rsp (3DES-CBC, three independent keys).
 */
public class Ike1CipherTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  private static final String SP800_38A_IV = "000102030405060708090a0b0c0d0e0f";
  private static final String SP800_38A_PLAIN =
      "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
          + "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

  @DataProvider
  public Object[][] vectors() {
    return new Object[][] {
      // SP 800-38A F.2.1 CBC-AES128.Encrypt / F.2.2 CBC-AES128.Decrypt
      {
        Ike1Cipher.AES_CBC_128,
        "2b7e151628aed2a6abf7158809cf4f3c",
        SP800_38A_IV,
        SP800_38A_PLAIN,
        "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2"
            + "73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7"
      },
      // SP 800-38A F.2.5 CBC-AES256.Encrypt / F.2.6 CBC-AES256.Decrypt
      {
        Ike1Cipher.AES_CBC_256,
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        SP800_38A_IV,
        SP800_38A_PLAIN,
        "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d"
            + "39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b"
      },
      // SP 800-38A F.2.3 CBC-AES192.Encrypt / F.2.4 CBC-AES192.Decrypt
      {
        Ike1Cipher.AES_CBC_192,
        "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
        SP800_38A_IV,
        SP800_38A_PLAIN,
        "4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a"
            + "571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd"
      },
      // CAVP TCBCMMT3.rsp [ENCRYPT] COUNT = 2
      {
        Ike1Cipher.DES3_CBC,
        "1a5d4c0825072a15 a8ad9dfdaeda8c04 8adffb85bc4fced0",
        "7fcfa736f7548b6f",
        "983c3edacd939406010e1bc6ff9e12320ac5008117fa8f84",
        "d84fa24f38cf451ca2c9adc960120bd8ff9871584fe31cee"
      },
      // CAVP TCBCMMT3.rsp [DECRYPT] COUNT = 3
      {
        Ike1Cipher.DES3_CBC,
        "86838c6815c25b97 5bdc10f4b95145e6 49fdefdcf4754ab9",
        "4b1992ad38b4d6dd",
        "f5f94e406cec1b85e9a7c076b95456b6a439921591abbfc381d0bbf363ff5c04",
        "cb78b6deaca11379094341f5c2cfb977bba8259482341f0a32323cae974e49a6"
      },
    };
  }

  @Test(dataProvider = "vectors")
  public void knownAnswers(Ike1Cipher c, String key, String iv, String plain, String cipher) {
    assertEquals(c.encrypt(hex(key), hex(iv), hex(plain)), hex(cipher));
    assertEquals(c.decrypt(hex(key), hex(iv), hex(cipher)), hex(plain));
  }

  @Test
  public void attributes() {
    assertEquals(Ike1Cipher.AES_CBC_128.attributeValue(), 7);
    assertEquals(Ike1Cipher.AES_CBC_256.attributeValue(), 7);
    assertEquals(Ike1Cipher.DES3_CBC.attributeValue(), 5);
    assertEquals(Ike1Cipher.AES_CBC_128.keyLengthAttribute(), 128);
    assertEquals(Ike1Cipher.AES_CBC_256.keyLengthAttribute(), 256);
    assertEquals(Ike1Cipher.DES3_CBC.keyLengthAttribute(), 0);
    assertEquals(Ike1Cipher.AES_CBC_128.keyLength(), 16);
    assertEquals(Ike1Cipher.AES_CBC_256.keyLength(), 32);
    assertEquals(Ike1Cipher.DES3_CBC.keyLength(), 24);
    assertEquals(Ike1Cipher.AES_CBC_128.blockSize(), 16);
    assertEquals(Ike1Cipher.DES3_CBC.blockSize(), 8);
    assertEquals(Ike1Cipher.from(7, 128), Ike1Cipher.AES_CBC_128);
    assertEquals(Ike1Cipher.from(7, 256), Ike1Cipher.AES_CBC_256);
    assertEquals(Ike1Cipher.from(5, 0), Ike1Cipher.DES3_CBC);
    assertEquals(Ike1Cipher.from(7, 192), Ike1Cipher.AES_CBC_192);
    assertEquals(Ike1Cipher.AES_CBC_192.keyLength(), 24);
    assertEquals(Ike1Cipher.AES_CBC_192.keyLengthAttribute(), 192);
    assertThrows(CryptoException.class, () -> Ike1Cipher.from(7, 512));
    assertThrows(CryptoException.class, () -> Ike1Cipher.from(7, 0));
    assertThrows(CryptoException.class, () -> Ike1Cipher.from(1, 0));
  }

  @Test
  public void rejectsDataNotAMultipleOfTheBlockSize() {
    CryptoException e =
        expectThrows(
            CryptoException.class,
            () -> Ike1Cipher.AES_CBC_128.decrypt(new byte[16], new byte[16], new byte[37]));
    assertEquals(e.getMessage(), "ciphertext length 37 is not a multiple of the block size 16");
    e =
        expectThrows(
            CryptoException.class,
            () -> Ike1Cipher.DES3_CBC.encrypt(new byte[24], new byte[8], new byte[12]));
    assertEquals(e.getMessage(), "plaintext length 12 is not a multiple of the block size 8");
  }

  @Test
  public void rejectsWrongKeyAndIvLengths() {
    CryptoException e =
        expectThrows(
            CryptoException.class,
            () -> Ike1Cipher.AES_CBC_256.encrypt(new byte[16], new byte[16], new byte[16]));
    assertEquals(e.getMessage(), "AES_CBC_256 key length 16 is not the required 32");
    e =
        expectThrows(
            CryptoException.class,
            () -> Ike1Cipher.AES_CBC_128.encrypt(new byte[16], new byte[8], new byte[16]));
    assertEquals(e.getMessage(), "AES_CBC_128 IV length 8 is not the required 16");
    assertThrows(
        CryptoException.class,
        () -> Ike1Cipher.DES3_CBC.encrypt(new byte[16], new byte[8], new byte[8]));
  }

  @Test
  public void emptyDataIsAllowed() {
    assertEquals(Ike1Cipher.AES_CBC_128.encrypt(new byte[16], new byte[16], new byte[0]).length, 0);
  }
}
