package io.natt.wire;

import static io.natt.wire.Vectors.b;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.Arrays;
import org.testng.annotations.Test;

/**
 * Offsets in MM1: header 0-27 (length 24-27); SA at 28 (reserved 29, length 30-31); DOI 32; SIT 36;
 * proposal at 40 (length 42, number 44, protocol 45, spi size 46, count 47); transform at 48
 * (length 50, reserved 54-55); attributes 56-87 (TLV life at 80: length 82, value 84); VIDs at 88,
 * 108, 128 (length fields 90, 110, 130).
 */
public class MalformedTest {

  private static MalformedException isakmp(byte[] d) {
    return expectThrows(MalformedException.class, () -> IsakmpMessage.decode(d));
  }

  private static byte[] mm1(int offset, int... values) {
    byte[] d = b(Vectors.MM1);
    for (int i = 0; i < values.length; i++) {
      d[offset + i] = (byte) values[i];
    }
    return d;
  }

  private static void assertMalformed(MalformedException e, String field, int offset) {
    assertEquals(e.field(), field, e.getMessage());
    assertEquals(e.offset(), offset, e.getMessage());
    assertEquals(e.getMessage(), field + " at offset " + offset + ": " + e.reason());
  }

  @Test
  public void truncatedHeader() {
    byte[] d = Arrays.copyOf(b(Vectors.MM1), 20);
    MalformedException e = isakmp(d);
    assertMalformed(e, "isakmp message id", 20);
    assertEquals(e.raw(), d);
    assertMalformed(isakmp(new byte[0]), "isakmp initiator cookie", 0);
  }

  @Test
  public void headerLengthLargerThanDatagram() {
    assertMalformed(isakmp(mm1(24, 0, 0, 0, 0x95)), "isakmp length", 24);
  }

  @Test
  public void headerLengthSmallerThanHeader() {
    assertMalformed(isakmp(mm1(24, 0, 0, 0, 27)), "isakmp length", 24);
  }

  @Test
  public void payloadLengthPastEnd() {
    MalformedException e = isakmp(mm1(110, 0x00, 0x40));
    assertMalformed(e, "payload[2] VENDOR_ID length", 110);
    assertTrue(e.reason().contains("past the end"), e.reason());
  }

  @Test
  public void payloadLengthBelowFour() {
    assertMalformed(isakmp(mm1(130, 0x00, 0x03)), "payload[3] VENDOR_ID length", 130);
  }

  @Test
  public void truncatedPayloadHeaderInChain() {
    // NONCE: next payload 5 (ID) but nothing follows
    byte[] chain = b("05 00 0006 0102 0000");
    MalformedException e =
        expectThrows(
            MalformedException.class, () -> Payloads.decodeChain(10, new WireReader(chain)));
    assertMalformed(e, "payload[1] ID length", 8);
  }

  @Test
  public void nonzeroReservedByte() {
    assertMalformed(isakmp(mm1(29, 1)), "payload[0] SA reserved", 29);
  }

  @Test
  public void transformCountInconsistent() {
    MalformedException two = isakmp(mm1(47, 2));
    assertMalformed(two, "payload[0] SA proposal[0] transform count", 47);
    MalformedException zero = isakmp(mm1(47, 0));
    assertMalformed(zero, "payload[0] SA proposal[0] transform count", 47);
    assertTrue(zero.reason().contains("bytes left"), zero.reason());
  }

  @Test
  public void transformNextPayloadWrong() {
    assertMalformed(isakmp(mm1(48, 9)), "payload[0] SA proposal[0] transform[0] next payload", 48);
  }

  @Test
  public void proposalSpiSizePastEnd() {
    MalformedException e = isakmp(mm1(46, 0x40));
    assertMalformed(e, "payload[0] SA proposal[0] spi", 48);
    assertTrue(e.reason().contains("needs 64 bytes"), e.reason());
  }

  @Test
  public void proposalLengthPastSa() {
    assertMalformed(isakmp(mm1(42, 0x00, 0x40)), "payload[0] SA proposal[0] length", 42);
    assertMalformed(isakmp(mm1(42, 0x00, 0x07)), "payload[0] SA proposal[0] length", 42);
  }

  @Test
  public void attributeLengthPastTransform() {
    assertMalformed(
        isakmp(mm1(82, 0x00, 0x10)),
        "payload[0] SA proposal[0] transform[0] attribute[6] value",
        84);
  }

  @Test
  public void trailingBytesInsidePlaintextMessage() {
    byte[] d = Arrays.copyOf(b(Vectors.MM1), 152);
    d[27] = (byte) 152;
    assertMalformed(isakmp(d), "isakmp payload chain end", 148);
  }

  @Test
  public void deleteSpiCountPastEnd() {
    byte[] chain = b("00 00 0010 00000001 03 04 0002 c1a2b3d4");
    MalformedException e =
        expectThrows(
            MalformedException.class, () -> Payloads.decodeChain(12, new WireReader(chain)));
    assertMalformed(e, "payload[0] DELETE spi[1]", 16);
  }

  @Test
  public void natOaReservedNonzeroIsKeptForTheCheck() {
    // RFC 3947 5.2 says the reserved bytes must be zero; the decoder keeps them so that
    // 3947-5.2-nat-oa-format can judge them (NatOaPayloadTest covers the rest)
    byte[] chain = b("00 00 000c 01 000100 c0a80164");
    NatOaPayload p = (NatOaPayload) Payloads.decodeChain(21, new WireReader(chain)).get(0);
    org.testng.Assert.assertEquals(p.reserved(), 0x100);
    org.testng.Assert.assertFalse(p.reservedZero());
  }

  @Test
  public void notificationSpiPastEnd() {
    byte[] chain = b("00 00 000c 00000001 01 10 6002");
    MalformedException e =
        expectThrows(
            MalformedException.class, () -> Payloads.decodeChain(11, new WireReader(chain)));
    assertMalformed(e, "payload[0] NOTIFICATION spi", 12);
  }

  @Test
  public void udp4500Classification() {
    assertMalformed(
        expectThrows(MalformedException.class, () -> Udp4500.decode(new byte[0])),
        "udp 4500 payload",
        0);
    MalformedException two =
        expectThrows(MalformedException.class, () -> Udp4500.decode(b("ffff")));
    assertMalformed(two, "udp 4500 payload", 0);
    assertTrue(two.reason().contains("too short for marker or ESP header"));
    expectThrows(MalformedException.class, () -> Udp4500.decode(b("000000")));
    assertMalformed(
        expectThrows(MalformedException.class, () -> Udp4500.decode(b("c1a2b3d4 0001"))),
        "esp sequence number",
        4);
    Udp4500.Keepalive k = (Udp4500.Keepalive) Udp4500.decode(b("00"));
    assertFalse(k.isStandard());
    assertEquals(k.bytes(), b("00"));
  }

  @Test
  public void badIpVersionAndLengths() {
    byte[] ip = b(Vectors.IPV4_UDP);
    ip[0] = 0x65;
    assertMalformed(
        expectThrows(MalformedException.class, () -> Ipv4Packet.decode(ip)), "ipv4 version", 0);
    ip[0] = 0x44;
    assertMalformed(
        expectThrows(MalformedException.class, () -> Ipv4Packet.decode(ip)), "ipv4 ihl", 0);
    ip[0] = 0x45;
    ip[3] = (byte) 0x74;
    assertMalformed(
        expectThrows(MalformedException.class, () -> Ipv4Packet.decode(ip)),
        "ipv4 total length",
        2);
    ip[2] = 0;
    ip[3] = 19;
    assertMalformed(
        expectThrows(MalformedException.class, () -> Ipv4Packet.decode(ip)),
        "ipv4 total length",
        2);
    ip[0] = 0x4f; // IHL 15 = 60 bytes header, options run into the payload: fine structurally
    ip[3] = 0x73;
    Ipv4Packet.decode(ip);
    assertMalformed(
        expectThrows(MalformedException.class, () -> Ipv4Packet.decode(Arrays.copyOf(ip, 30))),
        "ipv4 options",
        20);
  }

  @Test
  public void udpLengthWrong() {
    assertMalformed(
        expectThrows(MalformedException.class, () -> UdpDatagram.decode(b("1194 1194 0007 0000"))),
        "udp length",
        4);
    assertMalformed(
        expectThrows(
            MalformedException.class, () -> UdpDatagram.decode(b("1194 1194 000a 0000 ff"))),
        "udp length",
        4);
    assertMalformed(
        expectThrows(MalformedException.class, () -> UdpDatagram.decode(b("1194 1194 00"))),
        "udp length",
        4);
  }

  @Test
  public void espPadLengthTooLarge() {
    assertMalformed(
        expectThrows(MalformedException.class, () -> EspTrailer.strip(b("0102 05 04"))),
        "esp pad length",
        2);
    assertMalformed(
        expectThrows(MalformedException.class, () -> EspTrailer.strip(b("04"))), "esp trailer", 0);
  }

  @Test
  public void readerNeverThrowsOtherExceptions() {
    WireReader r = new WireReader(b("0102030405"));
    WireReader s = r.slice(3, "slice");
    assertEquals(s.position(), 0);
    assertEquals(r.position(), 3);
    s.u16("a");
    assertMalformed(expectThrows(MalformedException.class, () -> s.u16("b")), "b", 2);
    assertMalformed(expectThrows(MalformedException.class, () -> r.bytes(-1, "neg")), "neg", 3);
    assertMalformed(
        expectThrows(MalformedException.class, () -> r.slice(3, "big slice")), "big slice", 3);
    assertEquals(r.rest(), b("0405"));
  }
}
