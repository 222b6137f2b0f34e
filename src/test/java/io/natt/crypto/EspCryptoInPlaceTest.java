package io.natt.crypto;

import static org.testng.Assert.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import org.testng.annotations.Test;

/**
 * The data path's in-buffer methods of {@link EspCrypto} give the RFC 3602 known answers (the
 * zero-IV Cipher with the IV folded into the first block), at offsets, packet after packet, and
 * agree with the allocating methods.
 */
public class EspCryptoInPlaceTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  public void rfc3602Case4AtOffsetsRepeatedly() {
    // RFC 3602 section 4, case #4: 64 bytes (4 blocks) with a 128-bit key
    byte[] key = HEX.parseHex("56e47a38c5598974bc46903dba290349");
    byte[] iv = HEX.parseHex("8ce82eefbea0da3c44699ed7db51b7d9");
    byte[] plain =
        HEX.parseHex(
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                + "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
    byte[] cipher =
        HEX.parseHex(
            "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
                + "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55");
    EspCrypto esp =
        new EspCrypto(EspCipher.AES_CBC_128, key, EspIntegrity.HMAC_SHA2_256_128, new byte[32]);
    byte[] in = new byte[3 + plain.length];
    System.arraycopy(plain, 0, in, 3, plain.length);
    byte[] ivBuf = new byte[5 + 16];
    System.arraycopy(iv, 0, ivBuf, 5, 16);
    for (int i = 0; i < 3; i++) {
      byte[] out = new byte[7 + cipher.length];
      esp.encrypt(ivBuf, 5, in, 3, plain.length, out, 7);
      assertEquals(Arrays.copyOfRange(out, 7, out.length), cipher, "packet " + i);
      assertEquals(esp.encrypt(iv, plain), cipher);
    }
    byte[] auth = Arrays.copyOf(cipher, 40);
    byte[] icv = new byte[2 + 16];
    esp.icv(auth, 0, auth.length, icv, 2);
    assertEquals(Arrays.copyOfRange(icv, 2, 18), esp.icv(auth));
  }
}
