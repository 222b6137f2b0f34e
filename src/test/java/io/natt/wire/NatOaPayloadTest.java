package io.natt.wire;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.testng.annotations.Test;

/**
 * NAT-OA (RFC 3947 section 5.2) built and parsed byte for byte: ID type, three reserved bytes, the
 * address; the draft payload type 131; wrong forms kept on decode for the checks.
 */
public class NatOaPayloadTest {

  private static byte[] chain(Payload... ps) {
    return Payloads.encodeChain(List.of(ps));
  }

  @Test
  public void ipv4NatOaEncodesAsTheRfcDrawsIt() {
    byte[] b = chain(NatOaPayload.of(new byte[] {10, 0, 1, 2}));
    // generic header: next 0, reserved, length 12; ID_IPV4_ADDR, reserved 0 0 0, 10.0.1.2
    assertEquals(Hex.hex(b), "0000000c010000000a000102");
  }

  @Test
  public void natOaiThenNatOarRoundTrip() {
    NatOaPayload i = NatOaPayload.of(new byte[] {10, 0, 1, 2});
    NatOaPayload r = NatOaPayload.of(new byte[] {(byte) 198, 51, 100, 2});
    List<Payload> back =
        Payloads.decodeChain(PayloadType.NAT_OA.code(), new WireReader(chain(i, r)));
    assertEquals(back, List.of(i, r));
    assertTrue(((NatOaPayload) back.get(0)).addressLengthValid());
    assertTrue(((NatOaPayload) back.get(0)).reservedZero());
  }

  @Test
  public void ipv6AndDraftType() {
    byte[] v6 = new byte[16];
    v6[0] = (byte) 0xfd;
    v6[15] = 1;
    NatOaPayload p = NatOaPayload.draft(v6);
    assertEquals(p.type(), 131);
    assertEquals(p.idType(), IdPayload.ID_IPV6_ADDR);
    byte[] b = chain(p);
    assertEquals(b.length, 4 + 4 + 16);
    NatOaPayload back = (NatOaPayload) Payloads.decodeChain(131, new WireReader(b)).get(0);
    assertEquals(back, p);
    assertTrue(back.addressLengthValid());
  }

  @Test
  public void wrongFormsAreBuiltAndKeptForTheCheck() {
    NatOaPayload bad = new NatOaPayload(21, IdPayload.ID_FQDN, 0x010203, new byte[] {1, 2, 3, 4});
    byte[] b = chain(bad);
    assertEquals(Hex.hex(Arrays.copyOfRange(b, 4, 8)), "02010203");
    NatOaPayload back = (NatOaPayload) Payloads.decodeChain(21, new WireReader(b)).get(0);
    assertEquals(back.reserved(), 0x010203);
    assertFalse(back.reservedZero());
    assertFalse(back.addressLengthValid());
    NatOaPayload shortV4 = new NatOaPayload(21, IdPayload.ID_IPV4_ADDR, new byte[16]);
    assertFalse(shortV4.addressLengthValid());
  }

  @Test
  public void microsoftVendorIdsAreTheMd5OfTheirStrings() throws Exception {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    byte[] nt5 =
        md5.digest("MS NT5 ISAKMPOAKLEY".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(Arrays.copyOf(VendorIds.MS_NT5_ISAKMPOAKLEY_V4, 16), nt5, "MD5 then the version");
    assertEquals(
        Arrays.copyOfRange(VendorIds.MS_NT5_ISAKMPOAKLEY_V4, 16, 20), new byte[] {0, 0, 0, 4});
    assertEquals(
        VendorIds.FRAGMENTATION,
        md5.digest("FRAGMENTATION".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }
}
