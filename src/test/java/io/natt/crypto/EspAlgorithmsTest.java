package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Known answers for the ESP algorithms beyond AES-CBC with SHA1/SHA-256: AES-GCM-16 (the GCM
 * specification's test cases 4, 10 and 16 by McGrew and Viega, the vectors NIST SP 800-38D
 * publishes), 3DES-CBC (NIST CAVP TCBCMMT3.rsp), AES-192-CBC (NIST SP 800-38A F.2.3) and the RFC
 * 4868 §2.7.2 authenticator test cases AUTH384-1/2 and AUTH512-1. The vectors were read from copies
 * of those documents through the project's search tool. Then the ESP framing: salt | IV as the GCM
 * nonce, SPI | sequence as the AAD, KEYMAT lengths, tampering.
 */
public class EspAlgorithmsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  private static byte[] fill(int value, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static final String GCM_PLAIN =
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
  private static final String GCM_AAD = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

  @DataProvider
  public Object[][] gcmVectors() {
    // GCM spec test cases with a 96-bit IV cafebabe facedbaddecaf888: the first four bytes are the
    // ESP salt (the end of the KEYMAT part), the last eight the explicit IV of the ESP packet.
    return new Object[][] {
      {
        "test case 4",
        EspCipher.AES_GCM16_128,
        "feffe9928665731c6d6a8f9467308308",
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
            + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
        "5bc94fbc3221a5db94fae95ae7121a47"
      },
      {
        "test case 10",
        EspCipher.AES_GCM16_192,
        "feffe9928665731c6d6a8f9467308308feffe9928665731c",
        "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
            + "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
        "2519498e80f1478f37ba55bd6d27618c"
      },
      {
        "test case 16",
        EspCipher.AES_GCM16_256,
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
        "76fc6ece0f4e1768cddf8853bb2d551b"
      },
    };
  }

  @Test(dataProvider = "gcmVectors")
  public void aesGcmKnownAnswers(String name, EspCipher c, String key, String ct, String tag) {
    byte[] keymat = hex(key + "cafebabe");
    byte[] iv = hex("facedbaddecaf888");
    EspCrypto enc = new EspCrypto(c, keymat, EspIntegrity.NONE, new byte[0]);
    byte[] sealed = enc.aeadSeal(hex(GCM_AAD), iv, hex(GCM_PLAIN));
    assertEquals(sealed, hex(ct + tag), name);
    EspCrypto dec = new EspCrypto(c, keymat, EspIntegrity.NONE, new byte[0]);
    assertEquals(dec.aeadOpen(hex(GCM_AAD), iv, hex(ct + tag)).orElseThrow(), hex(GCM_PLAIN));
    // any flipped bit of ciphertext, tag or AAD is refused
    byte[] badCt = hex(ct + tag);
    badCt[3] ^= 1;
    assertFalse(dec.aeadOpen(hex(GCM_AAD), iv, badCt).isPresent());
    byte[] badTag = hex(ct + tag);
    badTag[badTag.length - 1] ^= (byte) 0x80;
    assertFalse(dec.aeadOpen(hex(GCM_AAD), iv, badTag).isPresent());
    byte[] badAad = hex(GCM_AAD);
    badAad[0] ^= 1;
    assertFalse(dec.aeadOpen(badAad, iv, hex(ct + tag)).isPresent());
    // the salt is part of the nonce: another salt gives another ciphertext
    byte[] otherSalt = hex(key + "cafebabf");
    EspCrypto other = new EspCrypto(c, otherSalt, EspIntegrity.NONE, new byte[0]);
    assertNotEquals(other.aeadSeal(hex(GCM_AAD), iv, hex(GCM_PLAIN)), sealed);
  }

  @Test
  public void gcmEspPacketAuthenticatesSpiAndSequence() {
    byte[] keymat = new byte[20];
    new SecureRandom().nextBytes(keymat);
    EspCrypto out = EspCrypto.fromKeymat(EspCipher.AES_GCM16_128, EspIntegrity.NONE, keymat);
    EspCrypto in = EspCrypto.fromKeymat(EspCipher.AES_GCM16_128, EspIntegrity.NONE, keymat);
    byte[] header = hex("c0ffee01 00000007");
    byte[] iv = hex("0001020304050607");
    // 4 bytes of data, 2 bytes of padding, pad length, next header
    byte[] padded8 = Arrays.copyOf("ping".getBytes(StandardCharsets.US_ASCII), 8);
    byte[] sealed = out.seal(header, iv, padded8);
    assertEquals(sealed.length, 8 + 16);
    assertEquals(out.icvLength(), 16);
    assertEquals(in.open(header, iv, sealed).orElseThrow(), padded8);
    byte[] otherSeq = hex("c0ffee01 00000008");
    assertFalse(in.open(otherSeq, iv, sealed).isPresent(), "the sequence number is in the AAD");
    byte[] otherSpi = hex("c0ffee02 00000007");
    assertFalse(in.open(otherSpi, iv, sealed).isPresent(), "the SPI is in the AAD");
    assertFalse(in.open(header, hex("0001020304050608"), sealed).isPresent());
    // GCM aligns the ESP payload to 4 bytes, not to the AES block
    CryptoException e =
        expectThrows(CryptoException.class, () -> out.seal(header, iv, new byte[6]));
    assertEquals(e.getMessage(), "plaintext length 6 is not a multiple of the block size 4");
    // the CBC primitives are refused for a combined mode
    assertThrows(CryptoException.class, () -> out.encrypt(iv, padded8));
    assertThrows(CryptoException.class, () -> out.icv(padded8));
  }

  @Test
  public void gcmKeymatIsKeyThenSaltWithoutIntegrityKey() {
    assertEquals(EspCrypto.keymatLength(EspCipher.AES_GCM16_128, EspIntegrity.NONE), 20);
    assertEquals(EspCrypto.keymatLength(EspCipher.AES_GCM16_192, EspIntegrity.NONE), 28);
    assertEquals(EspCrypto.keymatLength(EspCipher.AES_GCM16_256, EspIntegrity.NONE), 36);
    assertEquals(EspCrypto.keymatLength(EspCipher.DES3_CBC, EspIntegrity.HMAC_SHA1_96), 44);
    assertEquals(EspCrypto.keymatLength(EspCipher.AES_CBC_192, EspIntegrity.HMAC_SHA2_384_192), 72);
    assertEquals(EspCrypto.keymatLength(EspCipher.AES_CBC_256, EspIntegrity.HMAC_SHA2_512_256), 96);
    // the first 16 bytes of KEYMAT are the key, the next 4 the salt (test case 4 again)
    byte[] keymat = hex("feffe9928665731c6d6a8f9467308308 cafebabe 99999999");
    EspCrypto esp = EspCrypto.fromKeymat(EspCipher.AES_GCM16_128, EspIntegrity.NONE, keymat);
    byte[] sealed = esp.aeadSeal(hex(GCM_AAD), hex("facedbaddecaf888"), hex(GCM_PLAIN));
    assertEquals(
        Arrays.copyOfRange(sealed, sealed.length - 16, sealed.length),
        hex("5bc94fbc3221a5db94fae95ae7121a47"));
  }

  @Test
  public void cipherAndIntegrityMustFit() {
    CryptoException e =
        expectThrows(
            CryptoException.class,
            () ->
                new EspCrypto(
                    EspCipher.AES_GCM16_128,
                    new byte[20],
                    EspIntegrity.HMAC_SHA1_96,
                    new byte[20]));
    assertEquals(
        e.getMessage(),
        "AES_GCM16_128 is a combined mode and takes no integrity algorithm, not HMAC_SHA1_96");
    e =
        expectThrows(
            CryptoException.class,
            () ->
                new EspCrypto(EspCipher.AES_CBC_128, new byte[16], EspIntegrity.NONE, new byte[0]));
    assertEquals(e.getMessage(), "AES_CBC_128 needs an integrity algorithm");
    e =
        expectThrows(
            CryptoException.class,
            () ->
                new EspCrypto(
                    EspCipher.AES_GCM16_256, new byte[32], EspIntegrity.NONE, new byte[0]));
    assertEquals(e.getMessage(), "AES_GCM16_256 key length 32 is not the required 36");
    // IKEv1 transform attributes: GCM without AUTH_ALGORITHM, CBC with it
    assertEquals(EspIntegrity.forTransform(EspCipher.AES_GCM16_256, -1), EspIntegrity.NONE);
    assertThrows(
        CryptoException.class, () -> EspIntegrity.forTransform(EspCipher.AES_GCM16_256, 2));
    assertThrows(CryptoException.class, () -> EspIntegrity.forTransform(EspCipher.AES_CBC_128, -1));
    assertEquals(EspIntegrity.forTransform(EspCipher.DES3_CBC, 7), EspIntegrity.HMAC_SHA2_512_256);
  }

  @Test
  public void transformIdsAndAttributes() {
    // RFC 4106 §8.1: ESP_AES-GCM with a 16-octet ICV is transform 20 and takes a Key Length
    assertEquals(EspCipher.from(20, 128), EspCipher.AES_GCM16_128);
    assertEquals(EspCipher.from(20, 192), EspCipher.AES_GCM16_192);
    assertEquals(EspCipher.from(20, 256), EspCipher.AES_GCM16_256);
    assertThrows(CryptoException.class, () -> EspCipher.from(20, 0));
    assertEquals(EspCipher.from(12, 192), EspCipher.AES_CBC_192);
    assertEquals(EspCipher.from(3, 0), EspCipher.DES3_CBC);
    assertEquals(EspCipher.from(3, 192), EspCipher.DES3_CBC);
    assertThrows(CryptoException.class, () -> EspCipher.from(3, 128));
    assertEquals(EspCipher.DES3_CBC.keyLengthBits(), 0);
    assertEquals(EspCipher.DES3_CBC.ivLength(), 8);
    assertEquals(EspCipher.DES3_CBC.blockSize(), 8);
    assertEquals(EspCipher.AES_GCM16_256.keyLength(), 32);
    assertEquals(EspCipher.AES_GCM16_256.saltLength(), 4);
    assertEquals(EspCipher.AES_GCM16_256.ivLength(), 8);
    assertEquals(EspCipher.AES_GCM16_256.blockSize(), 4);
    assertTrue(EspCipher.AES_GCM16_128.isAead());
    assertFalse(EspCipher.AES_CBC_128.isAead());
    // RFC 4868 §2 / IANA IPsec DOI: IKEv1 Authentication Algorithm 5, 6, 7
    assertEquals(EspIntegrity.fromAttribute(6), EspIntegrity.HMAC_SHA2_384_192);
    assertEquals(EspIntegrity.fromAttribute(7), EspIntegrity.HMAC_SHA2_512_256);
    assertEquals(EspIntegrity.HMAC_SHA2_384_192.keyLength(), 48);
    assertEquals(EspIntegrity.HMAC_SHA2_384_192.icvLength(), 24);
    assertEquals(EspIntegrity.HMAC_SHA2_512_256.keyLength(), 64);
    assertEquals(EspIntegrity.HMAC_SHA2_512_256.icvLength(), 32);
  }

  @Test
  public void hmacSha384And512Rfc4868() {
    byte[] hiThere = "Hi There".getBytes(StandardCharsets.US_ASCII);
    // RFC 4868 §2.7.2.2 Test Case AUTH384-1: key 0x0b x 48, "Hi There"
    EspCrypto esp384 =
        new EspCrypto(
            EspCipher.AES_CBC_128, new byte[16], EspIntegrity.HMAC_SHA2_384_192, fill(0x0b, 48));
    assertEquals(esp384.icv(hiThere), hex("b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973"));
    // Test Case AUTH384-2: key "Jefe" x 12, "what do ya want for nothing?"
    EspCrypto jefe =
        new EspCrypto(
            EspCipher.AES_CBC_128,
            new byte[16],
            EspIntegrity.HMAC_SHA2_384_192,
            "JefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefe".getBytes(StandardCharsets.US_ASCII));
    assertEquals(
        jefe.icv("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)),
        hex("2c7353974f1842fd66d53c452ca42122b28c0b594cfb184d"));
    // RFC 4868 §2.7.2.3 Test Case AUTH512-1: key 0x0b x 64, "Hi There"
    EspCrypto esp512 =
        new EspCrypto(
            EspCipher.AES_CBC_128, new byte[16], EspIntegrity.HMAC_SHA2_512_256, fill(0x0b, 64));
    byte[] icv = esp512.icv(hiThere);
    assertEquals(icv, hex("637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"));
    assertTrue(esp512.verifyIcv(hiThere, icv));
    assertFalse(esp512.verifyIcv(hiThere, Arrays.copyOf(icv, 16)));
  }

  @Test
  public void tripleDesAndAes192Cbc() {
    // CAVP TCBCMMT3.rsp [ENCRYPT] COUNT = 2 through the ESP path (JCE DESede)
    EspCrypto des =
        new EspCrypto(
            EspCipher.DES3_CBC,
            hex("1a5d4c0825072a15 a8ad9dfdaeda8c04 8adffb85bc4fced0"),
            EspIntegrity.HMAC_SHA1_96,
            new byte[20]);
    assertEquals(
        des.encrypt(
            hex("7fcfa736f7548b6f"), hex("983c3edacd939406010e1bc6ff9e12320ac5008117fa8f84")),
        hex("d84fa24f38cf451ca2c9adc960120bd8ff9871584fe31cee"));
    // SP 800-38A F.2.3 CBC-AES192.Encrypt, first block
    EspCrypto aes192 =
        new EspCrypto(
            EspCipher.AES_CBC_192,
            hex("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b"),
            EspIntegrity.HMAC_SHA2_256_128,
            new byte[32]);
    assertEquals(
        aes192.encrypt(
            hex("000102030405060708090a0b0c0d0e0f"), hex("6bc1bee22e409f96e93d7e117393172a")),
        hex("4f021db243bc633d7178183a9fa071e8"));
  }

  @Test
  public void cbcSealIsCiphertextThenHmacOverHeaderIvCiphertext() {
    byte[] enc = hex("1a5d4c0825072a15 a8ad9dfdaeda8c04 8adffb85bc4fced0");
    byte[] auth = fill(0x0b, 64);
    EspCrypto esp = new EspCrypto(EspCipher.DES3_CBC, enc, EspIntegrity.HMAC_SHA2_512_256, auth);
    byte[] header = hex("00000101 00000001");
    byte[] iv = hex("7fcfa736f7548b6f");
    byte[] plain = hex("983c3edacd939406010e1bc6ff9e12320ac5008117fa8f84");
    byte[] sealed = esp.seal(header, iv, plain);
    byte[] ct = hex("d84fa24f38cf451ca2c9adc960120bd8ff9871584fe31cee");
    assertEquals(Arrays.copyOf(sealed, 24), ct);
    byte[] mac = Prf.HMAC_SHA2_512.apply(auth, header, iv, ct); // full HMAC, truncated to 256 bits
    assertEquals(Arrays.copyOfRange(sealed, 24, sealed.length), Arrays.copyOf(mac, 32));
    assertEquals(esp.open(header, iv, sealed).orElseThrow(), plain);
    sealed[30] ^= 4;
    assertFalse(esp.open(header, iv, sealed).isPresent());
  }
}
