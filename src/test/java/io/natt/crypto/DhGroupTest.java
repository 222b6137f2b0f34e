package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Diffie-Hellman groups: MODP primes against the RFC 2409 / RFC 3526 text (read from a copy of RFC
 * 3526 through the project's search tool) and against their defining formula, agreement, rejection.
 */
public class DhGroupTest {

  /** RFC 2409 §6.2 Second Oakley Group. */
  private static final String RFC2409_GROUP2 =
      "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
          + "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
          + "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
          + "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
          + "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE65381"
          + "FFFFFFFF FFFFFFFF";

  /** RFC 3526 §2 1536-bit MODP Group. */
  private static final String RFC3526_GROUP5 =
      "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
          + "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
          + "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
          + "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
          + "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
          + "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
          + "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
          + "670C354E 4ABC9804 F1746C08 CA237327 FFFFFFFF FFFFFFFF";

  /** RFC 3526 §3 2048-bit MODP Group. */
  private static final String RFC3526_GROUP14 =
      "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
          + "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
          + "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
          + "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
          + "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
          + "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
          + "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
          + "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
          + "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
          + "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
          + "15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";

  /** RFC 3526 §4 3072-bit MODP Group. */
  private static final String RFC3526_GROUP15 =
      "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
          + "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
          + "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
          + "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
          + "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
          + "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
          + "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
          + "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
          + "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
          + "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
          + "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
          + "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
          + "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
          + "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
          + "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
          + "43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF";

  /** RFC 3526 §5 4096-bit MODP Group. */
  private static final String RFC3526_GROUP16 =
      "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
          + "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
          + "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
          + "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
          + "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
          + "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
          + "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
          + "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
          + "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
          + "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
          + "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
          + "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
          + "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
          + "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
          + "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
          + "43DB5BFC E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7"
          + "88719A10 BDBA5B26 99C32718 6AF4E23C 1A946834 B6150BDA"
          + "2583E9CA 2AD44CE8 DBBBC2DB 04DE8EF9 2E8EFC14 1FBECAA6"
          + "287C5947 4E6BC05D 99B2964F A090C3A2 233BA186 515BE7ED"
          + "1F612970 CEE2D7AF B81BDD76 2170481C D0069127 D5B05AA9"
          + "93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34063199"
          + "FFFFFFFF FFFFFFFF";

  private final SecureRandom random = new SecureRandom();

  @DataProvider
  public Object[][] groups() {
    return new Object[][] {
      // group, id, bytes, RFC hex, the "+ c" constant of p = 2^n - 2^(n-64) - 1 + 2^64 ([2^(n-130)
      // pi] + c)
      {DhGroup.MODP_1024, 2, 128, RFC2409_GROUP2, 129093},
      {DhGroup.MODP_1536, 5, 192, RFC3526_GROUP5, 741804},
      {DhGroup.MODP_2048, 14, 256, RFC3526_GROUP14, 124476},
      {DhGroup.MODP_3072, 15, 384, RFC3526_GROUP15, 1690314},
      {DhGroup.MODP_4096, 16, 512, RFC3526_GROUP16, 240904},
    };
  }

  @Test(dataProvider = "groups")
  public void primeMatchesRfc(DhGroup g, int id, int bytes, String rfcHex, int c) {
    BigInteger rfc = new BigInteger(rfcHex.replace(" ", ""), 16);
    assertEquals(g.prime(), rfc);
    assertEquals(g.generator(), BigInteger.TWO);
    assertEquals(g.id(), id);
    assertEquals(g.length(), bytes);
    assertEquals(DhGroup.byId(id), g);
    // independently, from the defining formula with pi computed here
    int n = bytes * 8;
    BigInteger formula =
        BigInteger.ONE
            .shiftLeft(n)
            .subtract(BigInteger.ONE.shiftLeft(n - 64))
            .subtract(BigInteger.ONE)
            .add(floorPiTimesPowerOfTwo(n - 130).add(BigInteger.valueOf(c)).shiftLeft(64));
    assertEquals(rfc, formula);
  }

  /** floor(2^k * pi) by Machin's formula in fixed point with 64 guard bits. */
  private static BigInteger floorPiTimesPowerOfTwo(int k) {
    int scale = k + 64;
    BigInteger one = BigInteger.ONE.shiftLeft(scale);
    BigInteger pi =
        arctanInverse(5, one)
            .multiply(BigInteger.valueOf(16))
            .subtract(arctanInverse(239, one).multiply(BigInteger.valueOf(4)));
    return pi.shiftRight(64);
  }

  private static BigInteger arctanInverse(int x, BigInteger one) {
    BigInteger xx = BigInteger.valueOf((long) x * x);
    BigInteger power = one.divide(BigInteger.valueOf(x));
    BigInteger sum = power;
    for (int i = 1; power.signum() != 0; i++) {
      power = power.divide(xx);
      BigInteger term = power.divide(BigInteger.valueOf(2L * i + 1));
      sum = (i % 2 == 1) ? sum.subtract(term) : sum.add(term);
    }
    return sum;
  }

  @Test(dataProvider = "groups")
  public void twoKeyPairsAgree(DhGroup g, int id, int bytes, String rfcHex, int c) {
    DhKeyPair a = g.generate(random);
    DhKeyPair b = g.generate(random);
    assertEquals(a.publicValue().length, bytes);
    assertEquals(a.group(), g);
    assertTrue(
        a.privateKey().bitLength() >= 2 * 112 && a.privateKey().bitLength() <= g.exponentBits());
    assertEquals(g.publicValueLength(), bytes);
    assertFalse(g.isEcp());
    assertEquals(
        new BigInteger(1, a.publicValue()), BigInteger.TWO.modPow(a.privateKey(), g.prime()));
    byte[] ab = g.sharedSecret(a, b.publicValue());
    byte[] ba = g.sharedSecret(b, a.publicValue());
    assertEquals(ab, ba);
    assertEquals(ab.length, bytes);
    assertEquals(
        new BigInteger(1, ab),
        new BigInteger(1, b.publicValue()).modPow(a.privateKey(), g.prime()));
    assertNotEquals(a.publicValue(), b.publicValue());
  }

  @Test
  public void smallPeerValuesArePaddedAndAccepted() {
    DhGroup g = DhGroup.MODP_1024;
    DhKeyPair a = g.generate(random);
    byte[] peer = new byte[g.length()];
    peer[g.length() - 1] = 2; // y = 2 = g
    byte[] z = g.sharedSecret(a, peer);
    assertEquals(z.length, g.length());
    assertEquals(new BigInteger(1, z), new BigInteger(1, a.publicValue()));
  }

  @Test(dataProvider = "groups")
  public void rejectsOutOfRangePeerValues(DhGroup g, int id, int bytes, String rfcHex, int c) {
    DhKeyPair own = g.generate(random);
    BigInteger p = g.prime();
    for (BigInteger bad :
        new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p}) {
      byte[] value = toFixed(bad, bytes);
      CryptoException e = expectThrows(CryptoException.class, () -> g.sharedSecret(own, value));
      assertEquals(e.getMessage(), "DH public value out of range (must be 1 < y < p-1)");
    }
    byte[] allOnes = new byte[bytes];
    Arrays.fill(allOnes, (byte) 0xff);
    assertThrows(CryptoException.class, () -> g.sharedSecret(own, allOnes));
  }

  @Test
  public void rejectsWrongLengths() {
    DhGroup g = DhGroup.MODP_2048;
    DhKeyPair own = g.generate(random);
    byte[] shortValue = Arrays.copyOfRange(own.publicValue(), 1, 256);
    CryptoException e = expectThrows(CryptoException.class, () -> g.sharedSecret(own, shortValue));
    assertEquals(e.getMessage(), "DH public value length 255 is not the 256 bytes of group 14");
    byte[] longValue = new byte[257];
    System.arraycopy(own.publicValue(), 0, longValue, 1, 256);
    assertThrows(CryptoException.class, () -> g.sharedSecret(own, longValue));
    assertThrows(CryptoException.class, () -> g.sharedSecret(own, null));
    // a key pair from another group
    DhKeyPair other = DhGroup.MODP_1024.generate(random);
    assertThrows(CryptoException.class, () -> g.sharedSecret(other, own.publicValue()));
    assertThrows(CryptoException.class, () -> DhGroup.byId(1));
  }

  @Test
  public void keyPairDoesNotPrintThePrivateKey() {
    DhKeyPair kp = DhGroup.MODP_1024.generate(random);
    String s = kp.toString();
    assertFalse(s.contains(kp.privateKey().toString()));
    assertFalse(s.contains(kp.privateKey().toString(16)));
    assertEquals(s, "DhKeyPair[group=MODP_1024, publicValue=128 bytes]");
    DhKeyPair copy = new DhKeyPair(kp.group(), kp.privateKey(), kp.publicValue());
    assertEquals(copy, kp);
    assertEquals(copy.hashCode(), kp.hashCode());
  }

  private static byte[] toFixed(BigInteger v, int len) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[len];
    int n = Math.min(raw.length, len);
    System.arraycopy(raw, raw.length - n, out, len - n, n);
    return out;
  }
}
