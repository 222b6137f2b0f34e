package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * ECP groups 19 and 20 against the test vectors of RFC 5903 §8.1 and §8.2 (read from copies of the
 * RFC text through the project's search tool): the KE payload of private value i is gix | giy (no
 * 0x04 prefix), and the shared secret is girx, the x coordinate alone (RFC 5903 §7).
 */
public class EcpGroupTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  private final SecureRandom random = new SecureRandom();

  @DataProvider
  public Object[][] rfc5903() {
    return new Object[][] {
      // §8.1 256-bit Random ECP Group
      {
        DhGroup.ECP_256,
        19,
        32,
        "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
        "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
        "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
        "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
        "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
        "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
        "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE"
      },
      // §8.2 384-bit Random ECP Group
      {
        DhGroup.ECP_384,
        20,
        48,
        "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
            + "E35B5380 41E649EE 3FAEF896 783AB194",
        "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
            + "DE3AC808 ACB4BDB4 C88732AE E95F41AA",
        "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
            + "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
        "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
            + "E0308312 916B8ED2 960E4BD5 5A7448FC",
        "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
            + "0D1AC43A 0336DEF9 6FDA41D0 774A3571",
        "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
            + "F83FA401 42209DFF 5EAAD96D B9E6386C",
        "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
            + "D6031355 69B9E9D0 9CF5D4A2 70F59746"
      },
    };
  }

  @Test(dataProvider = "rfc5903")
  public void rfc5903Vectors(
      DhGroup g,
      int id,
      int len,
      String i,
      String gix,
      String giy,
      String r,
      String grx,
      String gry,
      String girx) {
    assertTrue(g.isEcp());
    assertEquals(g.id(), id);
    assertEquals(DhGroup.byId(id), g);
    assertEquals(g.length(), len);
    assertEquals(g.publicValueLength(), 2 * len);
    DhKeyPair initiator = g.keyPair(new BigInteger(1, hex(i)));
    DhKeyPair responder = g.keyPair(new BigInteger(1, hex(r)));
    // KEi and KEr payload data: x | y
    assertEquals(initiator.publicValue(), hex(gix + giy));
    assertEquals(responder.publicValue(), hex(grx + gry));
    // both sides get girx, the x coordinate only
    assertEquals(g.sharedSecret(initiator, hex(grx + gry)), hex(girx));
    assertEquals(g.sharedSecret(responder, hex(gix + giy)), hex(girx));
  }

  @Test(dataProvider = "rfc5903")
  public void freshKeyPairsAgree(DhGroup g, int id, int len, String... rest) {
    DhKeyPair a = g.generate(random);
    DhKeyPair b = g.generate(random);
    assertEquals(a.publicValue().length, 2 * len);
    assertNotEquals(a.publicValue(), b.publicValue());
    byte[] ab = g.sharedSecret(a, b.publicValue());
    assertEquals(ab, g.sharedSecret(b, a.publicValue()));
    assertEquals(ab.length, len);
    assertEquals(g.keyPair(a.privateKey()), a);
  }

  @Test(dataProvider = "rfc5903")
  public void rejectsWhatIsNotAPointOfTheCurve(
      DhGroup g, int id, int len, String i, String gix, String giy, String... rest) {
    DhKeyPair own = g.generate(random);
    byte[] good = hex(gix + giy);
    byte[] offCurve = good.clone();
    offCurve[offCurve.length - 1] ^= 1;
    CryptoException e = expectThrows(CryptoException.class, () -> g.sharedSecret(own, offCurve));
    assertEquals(e.getMessage(), "ECP public value is not a point of " + g);
    // the SEC 1 form with its 0x04 prefix is one byte too long
    byte[] sec1 = new byte[good.length + 1];
    sec1[0] = 4;
    System.arraycopy(good, 0, sec1, 1, good.length);
    e = expectThrows(CryptoException.class, () -> g.sharedSecret(own, sec1));
    assertEquals(
        e.getMessage(),
        "DH public value length "
            + sec1.length
            + " is not the "
            + 2 * len
            + " bytes of group "
            + id);
    assertThrows(CryptoException.class, () -> g.sharedSecret(own, new byte[2 * len]));
    byte[] big = new byte[2 * len];
    Arrays.fill(big, (byte) 0xff);
    e = expectThrows(CryptoException.class, () -> g.sharedSecret(own, big));
    assertEquals(e.getMessage(), "ECP public value: a coordinate is not below the field prime");
    assertThrows(CryptoException.class, () -> g.checkPublicValue(good));
    assertThrows(CryptoException.class, g::generator);
    assertThrows(CryptoException.class, () -> g.keyPair(BigInteger.ZERO));
    // a key pair of another group
    DhGroup other = g == DhGroup.ECP_256 ? DhGroup.ECP_384 : DhGroup.ECP_256;
    assertThrows(CryptoException.class, () -> g.sharedSecret(other.generate(random), good));
  }

  @Test
  public void modpKeyPairFromAKnownExponent() {
    DhKeyPair kp = DhGroup.MODP_1024.keyPair(BigInteger.valueOf(3));
    byte[] expected = new byte[128];
    expected[127] = 8; // 2^3
    assertEquals(kp.publicValue(), expected);
  }
}
