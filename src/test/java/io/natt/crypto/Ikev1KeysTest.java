package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.expectThrows;

import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.testng.annotations.Test;

/**
 * IKEv1 phase-1 key derivation (RFC 2409 §5 and Appendix B).
 *
 * <p>Vectors: the NIST CAVP SP 800-135 IKEv1 KDF sample vectors as carried in NSS's
 * gtests/common/testvectors/ike-sha1-vectors.h and ike-sha256-vectors.h (cases 1-5 there, marked
 * "from this NIST samples"): SKEYID for pre-shared keys, and SKEYID_d/_a/_e from a given SKEYID.
 * One complete PSK case (tcId 100 of libreswan's programs/cavp/test.acvp.ikev1_psk.run, an ACVP
 * SHA-1 request answered by libreswan/NSS) checks the whole chain in one call. The Appendix B
 * expansion is checked against an independent javax.crypto.Mac computation.
 */
public class Ikev1KeysTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  // ---- NIST CAVP samples (via NSS), SHA-1 ----

  @Test
  public void nistSha1PskSkeyid() {
    // SKEYID = prf(psk, Ni | Nr)
    Ikev1Keys k =
        Ikev1Keys.derivePsk(
            Prf.HMAC_SHA1,
            hex("c0"),
            hex("03a6f25a83c8c2a3"),
            hex("9d958a6618f77e7f"),
            new byte[32],
            new byte[8],
            new byte[8],
            Ike1Cipher.AES_CBC_128);
    assertEquals(k.skeyid(), hex("ab3be41bc62f2ef0c41a3076d58768be77fadd2e"));
  }

  @Test
  public void nistSha1SkeyidDae() {
    Ikev1Keys k =
        Ikev1Keys.deriveFromSkeyid(
            Prf.HMAC_SHA1,
            hex("707197817fb2d90cf54d1842606bdea59b9f4823"),
            hex("8ba4cbc73c0187301dc19a975823854dbd641c597f637f8d053a83b9514673eb"),
            hex("8c3bcd3a69831d7f"),
            hex("d2d9a7ff4fbe95a7"),
            Ike1Cipher.AES_CBC_128);
    assertEquals(k.skeyidD(), hex("384be709a8a5e63c3ed160cfe3921c4b37d5b32d"));
    assertEquals(k.skeyidA(), hex("48b327575abe3adba0f279849e289022a13e2b47"));
    assertEquals(k.skeyidE(), hex("a4a415c8e0c38c0da847c356cc61c24df8025560"));
    assertEquals(k.encryptionKey(), hex("a4a415c8e0c38c0da847c356cc61c24d"));
  }

  // ---- NIST CAVP samples (via NSS), SHA-256 ----

  @Test
  public void nistSha256PskSkeyid() {
    Ikev1Keys k =
        Ikev1Keys.derivePsk(
            Prf.HMAC_SHA2_256,
            hex("a0"),
            hex("ead9ced494868f41"),
            hex("f1aff4f425a94f18"),
            new byte[32],
            new byte[8],
            new byte[8],
            Ike1Cipher.AES_CBC_256);
    assertEquals(
        k.skeyid(), hex("558a99b299773d267cf7c8ef073bf3b7af362c206c75a538403c5ef884d4cace"));
  }

  @Test
  public void nistSha256SkeyidDae() {
    Ikev1Keys k =
        Ikev1Keys.deriveFromSkeyid(
            Prf.HMAC_SHA2_256,
            hex("750c5c94b9c2ec20b68033e024dadf0fa87e8b48c6561b21c72478451a06583d"),
            hex("a1ff3dc6cf9b4c04709943cb4ca1f1789bcf360b03f1d027de3ae8ee039e9155"),
            hex("6c6beb72631ddc3d"),
            hex("b84e24b22cffbd14"),
            Ike1Cipher.AES_CBC_256);
    assertEquals(
        k.skeyidD(), hex("a4f7ca7de913814813e3312099e7c943bd293483f387532330237f1b20957310"));
    assertEquals(
        k.skeyidA(), hex("1d4b705746c43b0a6fcbb8db33983c0f24ff6f8b6543e3779fed227c6067f004"));
    assertEquals(
        k.skeyidE(), hex("03e6f16cd9ce9f64b5cdc5b34cca7163483ba5389a30afebef3d14640b0a815e"));
    // SKEYID_e is exactly 32 bytes: used as is for AES-256
    assertEquals(k.encryptionKey(), k.skeyidE());
  }

  // ---- complete PSK chain (ACVP request, libreswan answer) ----

  @Test
  public void fullPskChainSha1() {
    Ikev1Keys k =
        Ikev1Keys.derivePsk(
            Prf.HMAC_SHA1,
            hex("75"),
            hex("b9a2d0e922dc66dd"),
            hex("2130166863b5ddef"),
            hex("739003ba2c11c982946c65e26acf661fbf8ebb78011a9fead79efa12fe3e71cc"),
            hex("83d374c30b3b5082"),
            hex("5afc0da06c728029"),
            Ike1Cipher.DES3_CBC);
    assertEquals(k.skeyid(), hex("62b04d112877e442fc3282fc37c076997718a0b9"));
    assertEquals(k.skeyidD(), hex("369e5aad1bdb5faf6a3d929d500cdc236710a9ab"));
    assertEquals(k.skeyidA(), hex("588e957d8d790d093b3a39f121473473af78e9bb"));
    assertEquals(k.skeyidE(), hex("cd74b0c048219db81384d3fda8f6cda51e398a2b"));
    // 3DES needs 24 bytes > 20: K1 | K2 prefix, parity untouched
    byte[] k1 = hmac("HmacSHA1", k.skeyidE(), new byte[] {0});
    byte[] k2 = hmac("HmacSHA1", k.skeyidE(), k1);
    assertEquals(k.encryptionKey(), Arrays.copyOf(concat(k1, k2), 24));
  }

  // ---- independent re-computation with javax.crypto.Mac ----

  @Test
  public void derivationMatchesIndependentComputationAndAes256ExtendsSha1() {
    byte[] psk = "conformance-psk".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] ni = hex("0102030405060708090a0b0c0d0e0f101112131415161718");
    byte[] nr = hex("f1f2f3f4f5f6f7f8f9fafbfcfdfeff00");
    byte[] gxy = new byte[128];
    for (int i = 0; i < gxy.length; i++) {
      gxy[i] = (byte) (i * 7 + 3);
    }
    byte[] ckyI = hex("1122334455667788");
    byte[] ckyR = hex("99aabbccddeeff00");

    for (String alg : new String[] {"HmacSHA1", "HmacSHA256"}) {
      Prf prf = alg.equals("HmacSHA1") ? Prf.HMAC_SHA1 : Prf.HMAC_SHA2_256;
      byte[] skeyid = hmac(alg, psk, concat(ni, nr));
      byte[] d = hmac(alg, skeyid, concat(gxy, ckyI, ckyR, new byte[] {0}));
      byte[] a = hmac(alg, skeyid, concat(d, gxy, ckyI, ckyR, new byte[] {1}));
      byte[] e = hmac(alg, skeyid, concat(a, gxy, ckyI, ckyR, new byte[] {2}));
      Ikev1Keys k = Ikev1Keys.derivePsk(prf, psk, ni, nr, gxy, ckyI, ckyR, Ike1Cipher.AES_CBC_256);
      assertEquals(k.skeyid(), skeyid);
      assertEquals(k.skeyidD(), d);
      assertEquals(k.skeyidA(), a);
      assertEquals(k.skeyidE(), e);
      if (prf == Prf.HMAC_SHA1) {
        // 20-byte SKEYID_e, 32-byte key: Ka = K1 | K2, K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e,
        // K1)
        byte[] k1 = hmac(alg, e, new byte[] {0});
        byte[] k2 = hmac(alg, e, k1);
        assertEquals(k.encryptionKey(), Arrays.copyOf(concat(k1, k2), 32));
        assertNotEquals(Arrays.copyOf(k.encryptionKey(), 20), e);
      } else {
        assertEquals(k.encryptionKey(), e);
      }
      Ikev1Keys k128 =
          Ikev1Keys.derivePsk(prf, psk, ni, nr, gxy, ckyI, ckyR, Ike1Cipher.AES_CBC_128);
      assertEquals(k128.encryptionKey(), Arrays.copyOf(e, 16));
    }
  }

  @Test
  public void appendixBExpansion() {
    // NSS self-generated Appendix B vectors (ike-sha1-vectors.h #12, ike-sha256-vectors.h #11)
    assertEquals(
        Ikev1Keys.encryptionKey(Prf.HMAC_SHA1, hex("63e81194946ebd05df7df5ebf5d8750056bf1f1d"), 40),
        hex("933347a07de5782247dd36d1562ffe0eecade1eb4134165257e3af1000af8ae3f165063828cbb60d"));
    assertEquals(
        Ikev1Keys.encryptionKey(
            Prf.HMAC_SHA2_256,
            hex("5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe"),
            132),
        hex(
            "b10fff32cbeaa1e7afe6ab0b191e0bd63cd524849a4b56019146d232a24cf9af6b89494d2"
                + "a360b06825db8bb0324c15cecf47fc0bc99e39bf1171a7f4bf1733dc49ef64c642e73b054"
                + "b2e82456e34fa3c822da475e27e403b3da3929da50e6aa9e7f9252c68fa069b4b0edd374e"
                + "80d35378c4f5e8ec285a1b169c92bbb5353d05ba94165"));
    // long enough: plain prefix
    assertEquals(
        Ikev1Keys.encryptionKey(Prf.HMAC_SHA1, hex("63e81194946ebd05df7df5ebf5d8750056bf1f1d"), 15),
        hex("63e81194946ebd05df7df5ebf5d875"));
  }

  @Test
  public void keysNeverPrintSecrets() {
    Ikev1Keys k =
        Ikev1Keys.deriveFromSkeyid(
            Prf.HMAC_SHA1,
            hex("707197817fb2d90cf54d1842606bdea59b9f4823"),
            hex("8ba4cbc73c0187301dc19a975823854dbd641c597f637f8d053a83b9514673eb"),
            hex("8c3bcd3a69831d7f"),
            hex("d2d9a7ff4fbe95a7"),
            Ike1Cipher.AES_CBC_256);
    String s = k.toString();
    assertEquals(
        s,
        "Ikev1Keys[skeyid=20 bytes, skeyidD=20 bytes, skeyidA=20 bytes, skeyidE=20 bytes,"
            + " encryptionKey=32 bytes]");
    for (byte[] secret : new byte[][] {k.skeyid(), k.skeyidD(), k.skeyidA(), k.skeyidE()}) {
      assertFalse(s.toLowerCase().contains(HEX.formatHex(secret).substring(0, 8)));
    }
    Ikev1Keys same =
        new Ikev1Keys(k.skeyid(), k.skeyidD(), k.skeyidA(), k.skeyidE(), k.encryptionKey());
    assertEquals(same, k);
    assertEquals(same.hashCode(), k.hashCode());
    byte[] e = k.skeyidE();
    e[0] ^= 1;
    assertNotEquals(new Ikev1Keys(k.skeyid(), k.skeyidD(), k.skeyidA(), e, k.encryptionKey()), k);
    // accessors hand out copies
    k.skeyid()[0] ^= 1;
    assertEquals(k.skeyid(), hex("707197817fb2d90cf54d1842606bdea59b9f4823"));
  }

  @Test
  public void badInput() {
    CryptoException e =
        expectThrows(
            CryptoException.class,
            () ->
                Ikev1Keys.derivePsk(
                    Prf.HMAC_SHA1,
                    new byte[4],
                    new byte[16],
                    new byte[16],
                    new byte[128],
                    new byte[4],
                    new byte[8],
                    Ike1Cipher.AES_CBC_128));
    assertEquals(e.getMessage(), "CKY-I length 4 is not the required 8");
    assertThrows(
        CryptoException.class,
        () ->
            Ikev1Keys.derivePsk(
                Prf.HMAC_SHA1,
                null,
                new byte[16],
                new byte[16],
                new byte[128],
                new byte[8],
                new byte[8],
                Ike1Cipher.AES_CBC_128));
    assertThrows(
        CryptoException.class,
        () ->
            Ikev1Keys.derivePsk(
                Prf.HMAC_SHA1,
                new byte[4],
                new byte[16],
                new byte[16],
                new byte[128],
                new byte[8],
                new byte[8],
                null));
  }

  static byte[] hmac(String alg, byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(alg);
      mac.init(new SecretKeySpec(key, alg));
      return mac.doFinal(data);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
