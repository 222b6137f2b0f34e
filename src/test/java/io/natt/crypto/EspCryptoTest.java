package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.testng.annotations.Test;

/**
 * ESP known-answer tests: RFC 3602 §4 AES-CBC cases through {@link EspCrypto}, RFC 2404 §3 / RFC
 * 2202 HMAC-SHA-1-96, and RFC 4868 §2.7.2.1 HMAC-SHA-256-128.
 */
public class EspCryptoTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  private static byte[] fill(int value, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static EspCrypto aes128(String key) {
    return new EspCrypto(EspCipher.AES_CBC_128, hex(key), EspIntegrity.HMAC_SHA1_96, new byte[20]);
  }

  @Test
  public void rfc3602Case1() {
    // Case #1: Encrypting 16 bytes (1 block) using AES-CBC with 128-bit key
    EspCrypto esp = aes128("06a9214036b8a15b512e03d534120006");
    byte[] iv = hex("3dafba429d9eb430b422da802c9fac41");
    byte[] plain = "Single block msg".getBytes(StandardCharsets.US_ASCII);
    byte[] cipher = hex("e353779c1079aeb82708942dbe77181a");
    assertEquals(esp.encrypt(iv, plain), cipher);
    assertEquals(esp.decrypt(iv, cipher), plain);
  }

  @Test
  public void rfc3602Case2() {
    // Case #2: Encrypting 32 bytes (2 blocks) using AES-CBC with 128-bit key
    EspCrypto esp = aes128("c286696d887c9aa0611bbb3e2025a45a");
    byte[] iv = hex("562e17996d093d28ddb3ba695a2e6f58");
    byte[] plain = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    byte[] cipher = hex("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1");
    // repeated use of the same instance (cached Cipher objects) keeps giving the right answer
    for (int i = 0; i < 3; i++) {
      assertEquals(esp.encrypt(iv, plain), cipher);
      assertEquals(esp.decrypt(iv, cipher), plain);
    }
  }

  @Test
  public void aes256MatchesSp80038a() {
    EspCrypto esp =
        new EspCrypto(
            EspCipher.AES_CBC_256,
            hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
            EspIntegrity.HMAC_SHA2_256_128,
            new byte[32]);
    assertEquals(
        esp.encrypt(
            hex("000102030405060708090a0b0c0d0e0f"), hex("6bc1bee22e409f96e93d7e117393172a")),
        hex("f58c4c04d6e5f1ba779eabfb5f7bfbd6"));
  }

  @Test
  public void hmacSha1_96() {
    // RFC 2404 §3 test case 1 (= RFC 2202 test case 1 truncated to 96 bits)
    EspCrypto esp =
        new EspCrypto(
            EspCipher.AES_CBC_128, new byte[16], EspIntegrity.HMAC_SHA1_96, fill(0x0b, 20));
    byte[] data = "Hi There".getBytes(StandardCharsets.US_ASCII);
    assertEquals(esp.icv(data), hex("b617318655057264e28bc0b6"));
    assertTrue(esp.verifyIcv(data, hex("b617318655057264e28bc0b6")));
  }

  @Test
  public void hmacSha256_128Rfc4868() {
    // RFC 4868 §2.7.2.1 Test Case AUTH256-1
    EspCrypto esp =
        new EspCrypto(
            EspCipher.AES_CBC_128, new byte[16], EspIntegrity.HMAC_SHA2_256_128, fill(0x0b, 32));
    byte[] data = "Hi There".getBytes(StandardCharsets.US_ASCII);
    assertEquals(esp.icv(data), hex("198a607eb44bfbc69903a0f1cf2bbdc5"));
    // Test Case AUTH256-2: key "JefeJefe..." (32 bytes)
    esp =
        new EspCrypto(
            EspCipher.AES_CBC_128,
            new byte[16],
            EspIntegrity.HMAC_SHA2_256_128,
            "JefeJefeJefeJefeJefeJefeJefeJefe".getBytes(StandardCharsets.US_ASCII));
    byte[] data2 = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
    assertEquals(esp.icv(data2), hex("167f928588c5cc2eef8e3093caa0e87c"));
    // the Mac is reused: a second computation over the same bytes is identical
    assertEquals(esp.icv(data2), hex("167f928588c5cc2eef8e3093caa0e87c"));
    // offset/length variant
    byte[] framed = new byte[data2.length + 7];
    System.arraycopy(data2, 0, framed, 3, data2.length);
    assertEquals(esp.icv(framed, 3, data2.length), hex("167f928588c5cc2eef8e3093caa0e87c"));
  }

  @Test
  public void verifyIcvRejectsTamperingAndWrongLength() {
    EspCrypto esp =
        new EspCrypto(
            EspCipher.AES_CBC_128, new byte[16], EspIntegrity.HMAC_SHA2_256_128, fill(0x0b, 32));
    byte[] data = "Hi There".getBytes(StandardCharsets.US_ASCII);
    byte[] icv = esp.icv(data);
    assertTrue(esp.verifyIcv(data, icv));
    byte[] bad = icv.clone();
    bad[15] ^= 1;
    assertFalse(esp.verifyIcv(data, bad));
    assertFalse(esp.verifyIcv(data, Arrays.copyOf(icv, 12)));
    byte[] tampered = data.clone();
    tampered[0] ^= 0x20;
    assertFalse(esp.verifyIcv(tampered, icv));
  }

  @Test
  public void keymatSplitIsEncryptionKeyThenIntegrityKey() {
    byte[] keymat = new byte[48];
    for (int i = 0; i < keymat.length; i++) {
      keymat[i] = (byte) i;
    }
    EspCrypto fromKeymat =
        EspCrypto.fromKeymat(EspCipher.AES_CBC_128, EspIntegrity.HMAC_SHA2_256_128, keymat);
    EspCrypto explicit =
        new EspCrypto(
            EspCipher.AES_CBC_128,
            Arrays.copyOfRange(keymat, 0, 16),
            EspIntegrity.HMAC_SHA2_256_128,
            Arrays.copyOfRange(keymat, 16, 48));
    byte[] iv = new byte[16];
    byte[] block = new byte[32];
    assertEquals(fromKeymat.encrypt(iv, block), explicit.encrypt(iv, block));
    assertEquals(fromKeymat.icv(block), explicit.icv(block));
    assertEquals(EspCrypto.keymatLength(EspCipher.AES_CBC_128, EspIntegrity.HMAC_SHA1_96), 36);
    CryptoException e =
        expectThrows(
            CryptoException.class,
            () ->
                EspCrypto.fromKeymat(
                    EspCipher.AES_CBC_256, EspIntegrity.HMAC_SHA2_256_128, new byte[60]));
    assertEquals(e.getMessage(), "KEYMAT length 60 is shorter than the 64 bytes needed");
  }

  @Test
  public void attributes() {
    assertEquals(EspCipher.AES_CBC_128.transformId(), 12);
    assertEquals(EspCipher.AES_CBC_256.transformId(), 12);
    assertEquals(EspCipher.AES_CBC_128.keyLengthBits(), 128);
    assertEquals(EspCipher.AES_CBC_256.keyLengthBits(), 256);
    assertEquals(EspCipher.AES_CBC_128.keyLength(), 16);
    assertEquals(EspCipher.AES_CBC_256.keyLength(), 32);
    assertEquals(EspCipher.AES_CBC_256.blockSize(), 16);
    assertEquals(EspCipher.AES_CBC_256.ivLength(), 16);
    assertEquals(EspCipher.from(12, 256), EspCipher.AES_CBC_256);
    assertEquals(EspCipher.from(3, 0), EspCipher.DES3_CBC);
    assertThrows(CryptoException.class, () -> EspCipher.from(2, 0));
    assertEquals(EspIntegrity.HMAC_SHA1_96.authAlgorithmAttribute(), 2);
    assertEquals(EspIntegrity.HMAC_SHA2_256_128.authAlgorithmAttribute(), 5);
    assertEquals(EspIntegrity.HMAC_SHA1_96.keyLength(), 20);
    assertEquals(EspIntegrity.HMAC_SHA2_256_128.keyLength(), 32);
    assertEquals(EspIntegrity.HMAC_SHA1_96.icvLength(), 12);
    assertEquals(EspIntegrity.HMAC_SHA2_256_128.icvLength(), 16);
    assertEquals(EspIntegrity.fromAttribute(5), EspIntegrity.HMAC_SHA2_256_128);
    assertThrows(CryptoException.class, () -> EspIntegrity.fromAttribute(1));
    assertThrows(CryptoException.class, () -> EspIntegrity.fromAttribute(0));
  }

  @Test
  public void badInput() {
    EspCrypto esp = aes128("06a9214036b8a15b512e03d534120006");
    CryptoException e =
        expectThrows(CryptoException.class, () -> esp.decrypt(new byte[16], new byte[37]));
    assertEquals(e.getMessage(), "ciphertext length 37 is not a multiple of the block size 16");
    e = expectThrows(CryptoException.class, () -> esp.encrypt(new byte[16], new byte[15]));
    assertEquals(e.getMessage(), "plaintext length 15 is not a multiple of the block size 16");
    e = expectThrows(CryptoException.class, () -> esp.encrypt(new byte[8], new byte[16]));
    assertEquals(e.getMessage(), "ESP IV length 8 is not the required 16");
    e =
        expectThrows(
            CryptoException.class,
            () ->
                new EspCrypto(
                    EspCipher.AES_CBC_256, new byte[16], EspIntegrity.HMAC_SHA1_96, new byte[20]));
    assertEquals(e.getMessage(), "AES_CBC_256 key length 16 is not the required 32");
    e =
        expectThrows(
            CryptoException.class,
            () ->
                new EspCrypto(
                    EspCipher.AES_CBC_128, new byte[16], EspIntegrity.HMAC_SHA1_96, new byte[32]));
    assertEquals(e.getMessage(), "HMAC_SHA1_96 key length 32 is not the required 20");
    assertThrows(CryptoException.class, () -> esp.icv(new byte[4], 2, 3));
  }
}
