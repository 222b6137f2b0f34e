package io.natt.wire;

import static io.natt.wire.Vectors.b;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import org.testng.annotations.Test;

public class FramingTest {

  @Test
  public void keepalive() {
    Udp4500 u = Udp4500.decode(b("ff"));
    assertTrue(u instanceof Udp4500.Keepalive);
    assertTrue(((Udp4500.Keepalive) u).isStandard());
    assertEquals(u.encode(), b("ff"));
    assertEquals(Udp4500.Keepalive.standard(), u);
    assertEquals(Udp4500.KEEPALIVE_BYTE, 0xFF);
  }

  @Test
  public void nonEspMarkerAndIke() {
    byte[] wire = b("00000000" + Vectors.ENCRYPTED);
    Udp4500 u = Udp4500.decode(wire);
    Udp4500.NonEsp n = (Udp4500.NonEsp) u;
    assertEquals(n.ike(), b(Vectors.ENCRYPTED));
    assertEquals(n.message().header().messageId(), 0x5e6f7081L);
    assertEquals(Hex.hex(u.encode()), Hex.hex(wire));
    assertEquals(Udp4500.NON_ESP_MARKER, new byte[4]);
    // marker with nothing after it is still non-ESP (the IKE layer judges the rest)
    assertEquals(((Udp4500.NonEsp) Udp4500.decode(new byte[4])).ike().length, 0);
  }

  @Test
  public void espInUdp() {
    byte[] wire = b(Vectors.ESP);
    Udp4500.EspInUdp e = (Udp4500.EspInUdp) Udp4500.decode(wire);
    assertEquals(e.esp().spi(), 0xc1a2b3d4L);
    assertEquals(e.esp().sequence(), 1);
    assertEquals(e.esp().payload().length, 48);
    assertEquals(Hex.hex(e.encode()), Hex.hex(wire));
    assertEquals(
        new Udp4500.EspInUdp(new EspPacket(0xc1a2b3d4L, 1, Arrays.copyOfRange(wire, 8, 56)))
            .encode(),
        wire);
    assertEquals(Udp4500.decode(b("c1a2b3d400000001")).encode(), b("c1a2b3d400000001"));
  }

  @Test
  public void espTrailer() {
    byte[] padded = EspTrailer.pad(b("4500aabbcc"), 4, 16);
    // 5 bytes inner + 9 pad + pad length + next header = 16
    assertEquals(Hex.hex(padded), "4500aabbcc" + "010203040506070809" + "09" + "04");
    EspTrailer.Stripped s = EspTrailer.strip(padded);
    assertEquals(s.payload(), b("4500aabbcc"));
    assertEquals(s.padLength(), 9);
    assertEquals(s.nextHeader(), 4);
    assertTrue(s.padOk());
    // block size 1 still aligns to 4
    assertEquals(Hex.hex(EspTrailer.pad(b("01"), 59, 1)), "01" + "01" + "01" + "3b");
    assertEquals(EspTrailer.pad(b("01020304050607080910111213141516"), 4, 16).length, 32);
    assertEquals(EspTrailer.pad(b("0102"), 4, 4), b("0102 00 04"));
    EspTrailer.Stripped bad = EspTrailer.strip(b("aa 0103 02 29"));
    assertFalse(bad.padOk());
    assertEquals(bad.payload(), b("aa"));
  }

  @Test
  public void ipv4UdpKnownChecksums() {
    byte[] wire = b(Vectors.IPV4_UDP);
    Ipv4Packet ip = Ipv4Packet.decode(wire);
    assertEquals(ip.headerChecksum(), 0xb861);
    assertEquals(ip.totalLength(), 115);
    assertEquals(ip.protocol(), Ipv4Packet.UDP);
    assertEquals(ip.flagsAndFragment(), Ipv4Packet.FLAG_DF);
    assertTrue(ip.headerChecksumValid());
    assertEquals(Hex.hex(ip.encode()), Hex.hex(wire));

    UdpDatagram udp = UdpDatagram.decode(ip.payload());
    assertEquals(udp.srcPort(), 4500);
    assertEquals(udp.length(), 95);
    assertEquals(udp.checksum(), 0xeeae);
    assertTrue(udp.checksumValid(ip.src(), ip.dst()));
    assertFalse(udp.checksumValid(ip.src(), b("c0a800c8")));
    assertEquals(udp.encode(ip.src(), ip.dst()), ip.payload());

    // built from scratch: checksums and lengths computed
    byte[] payload = Arrays.copyOfRange(wire, 28, 115);
    UdpDatagram u2 = UdpDatagram.of(4500, 4500, payload);
    byte[] udpBytes = u2.encode(b("c0a80001"), b("c0a800c7"));
    assertEquals(Hex.hex(Arrays.copyOf(udpBytes, 8)), "11941194005feeae");
    Ipv4Packet built =
        new Ipv4Packet(
            0,
            0,
            Ipv4Packet.FLAG_DF,
            64,
            Ipv4Packet.UDP,
            b("c0a80001"),
            b("c0a800c7"),
            new byte[0],
            udpBytes,
            -1,
            -1);
    assertEquals(Hex.hex(built.encode()), Hex.hex(wire));

    // broken on purpose
    Ipv4Packet wrong = ip.withHeaderChecksum(0x1234);
    assertFalse(Ipv4Packet.decode(wrong.encode()).headerChecksumValid());
    assertEquals(Ipv4Packet.decode(ip.withTotalLength(60).encode()).payload().length, 40);
    UdpDatagram noCks = udp.withChecksum(0);
    assertTrue(noCks.checksumValid(ip.src(), ip.dst()));
    assertEquals(Hex.hex(Arrays.copyOf(noCks.encode(ip.src(), ip.dst()), 8)), "11941194005f0000");
    assertFalse(udp.withChecksum(0xeeaf).checksumValid(ip.src(), ip.dst()));
  }

  @Test
  public void udpZeroChecksumIsSentAsFfff() {
    // find a payload whose checksum computes to zero: choose the last two bytes accordingly
    byte[] src = b("0a000001");
    byte[] dst = b("0a000002");
    UdpDatagram u = UdpDatagram.of(500, 500, new byte[2]);
    int c = u.effectiveChecksum(src, dst);
    // adding the complement of the sum-complement to the payload makes the sum 0xffff -> checksum 0
    byte[] pl = {(byte) (c >> 8), (byte) c};
    UdpDatagram z = UdpDatagram.of(500, 500, pl);
    assertEquals(z.effectiveChecksum(src, dst), 0xFFFF);
    assertTrue(UdpDatagram.decode(z.encode(src, dst)).checksumValid(src, dst));
  }

  @Test
  public void icmpEchoKnownChecksum() {
    byte[] wire = b(Vectors.ICMP_ECHO);
    IcmpMessage m = IcmpMessage.decode(wire);
    assertEquals(m.type(), IcmpMessage.ECHO_REQUEST);
    assertEquals(m.checksum(), 0x4d5a);
    assertTrue(m.checksumValid());
    assertEquals(m.echoId(), 1);
    assertEquals(m.echoSeq(), 1);
    assertEquals(
        new String(m.echoData(), java.nio.charset.StandardCharsets.US_ASCII),
        "abcdefghijklmnopqrstuvwabcdefghi");
    assertEquals(m.encode(), wire);
    IcmpMessage built =
        IcmpMessage.echoRequest(
            1,
            1,
            "abcdefghijklmnopqrstuvwabcdefghi"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(Hex.hex(built.encode()), Hex.hex(wire));
    IcmpMessage reply = IcmpMessage.echoReply(1, 1, m.echoData());
    assertTrue(IcmpMessage.decode(reply.encode()).checksumValid());
    assertEquals(IcmpMessage.decode(reply.encode()).checksum(), 0x555a);
    assertFalse(m.withChecksum(0x4d5b).checksumValid());
  }

  @Test
  public void ethernetFrameWithIpv4IcmpAndPadding() {
    byte[] wire = b(Vectors.ETH_ICMP);
    EthernetFrame f = EthernetFrame.decode(wire);
    assertEquals(f.etherType(), EthernetFrame.ETHERTYPE_IPV4);
    assertEquals(f.dst(), b("020000000002"));
    assertEquals(Hex.hex(f.encode()), Hex.hex(wire));
    Ipv4Packet ip = f.ipv4();
    assertEquals(ip.headerChecksum(), 0x0a79);
    assertTrue(ip.headerChecksumValid());
    assertEquals(IcmpMessage.decode(ip.payload()).checksum(), 0x4d5a);
    Ipv4Packet rebuilt =
        new Ipv4Packet(
            0,
            0x1c46,
            Ipv4Packet.FLAG_DF,
            64,
            Ipv4Packet.ICMP,
            b("0a000001"),
            b("0a000002"),
            new byte[0],
            b(Vectors.ICMP_ECHO),
            -1,
            -1);
    assertEquals(Hex.hex(rebuilt.encode()), Hex.hex(ip.encode()));

    // trailing Ethernet padding after the IPv4 total length is ignored
    byte[] padded = b(Vectors.ETH_ICMP + "000000000000");
    EthernetFrame pf = EthernetFrame.decode(padded);
    assertEquals(pf.encode(), padded);
    assertEquals(pf.ipv4(), ip);
  }

  @Test
  public void ipv4OptionsRoundTrip() {
    Ipv4Packet p =
        new Ipv4Packet(
            0x10,
            7,
            0,
            1,
            Ipv4Packet.ESP,
            b("01020304"),
            b("05060708"),
            b("94040000"),
            b("c1a2b3d4"),
            -1,
            -1);
    byte[] wire = p.encode();
    assertEquals(wire[0], 0x46);
    Ipv4Packet d = Ipv4Packet.decode(wire);
    assertTrue(d.headerChecksumValid());
    assertEquals(d.options(), b("94040000"));
    assertEquals(d.encode(), wire);
    assertEquals(d.recomputed().encode(), wire);
  }

  @Test
  public void checksumsRfc1071Example() {
    // RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 -> sum ddf2, checksum 220d
    byte[] d = b("0001f203f4f5f6f7");
    assertEquals(Checksums.foldSum(Checksums.sum(d, 0, d.length, 0)), 0xddf2);
    assertEquals(Checksums.internet(d), 0x220d);
  }

  @Test
  public void vendorIdsAreWhatTheyClaim() throws Exception {
    java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
    java.nio.charset.Charset a = java.nio.charset.StandardCharsets.US_ASCII;
    assertEquals(VendorIds.RFC_3947, md5.digest("RFC 3947".getBytes(a)));
    assertEquals(VendorIds.DRAFT_NAT_T_00, md5.digest("draft-ietf-ipsec-nat-t-ike-00".getBytes(a)));
    assertEquals(VendorIds.DRAFT_NAT_T_01, md5.digest("draft-ietf-ipsec-nat-t-ike-01".getBytes(a)));
    assertEquals(VendorIds.DRAFT_NAT_T_02, md5.digest("draft-ietf-ipsec-nat-t-ike-02".getBytes(a)));
    assertEquals(
        VendorIds.DRAFT_NAT_T_02_N, md5.digest("draft-ietf-ipsec-nat-t-ike-02\n".getBytes(a)));
    assertEquals(VendorIds.DRAFT_NAT_T_03, md5.digest("draft-ietf-ipsec-nat-t-ike-03".getBytes(a)));
    assertEquals(
        VendorIds.XAUTH,
        Arrays.copyOf(md5.digest("draft-ietf-ipsra-isakmp-xauth-06.txt".getBytes(a)), 8));
    byte[] unity = Arrays.copyOf(md5.digest("CISCO-UNITY".getBytes(a)), 16);
    unity[14] = 1;
    unity[15] = 0;
    assertEquals(VendorIds.CISCO_UNITY, unity);
    assertEquals(VendorIds.STRONGSWAN, md5.digest("strongSwan".getBytes(a)));
    assertEquals(VendorIds.DPD, b("afcad71368a1f1c96b8696fc77570100"));
    assertEquals(VendorIds.name(VendorIds.RFC_3947), "RFC 3947");
    assertTrue(VendorIds.isRfc3947(VendorIds.RFC_3947));
    assertTrue(VendorIds.isNatTDraft(VendorIds.DRAFT_NAT_T_02_N));
    assertFalse(VendorIds.isNatTDraft(VendorIds.RFC_3947));
    assertEquals(VendorIds.name(b("09002689dfd6b71280a224dec33b81e5")), "XAUTH+80a224dec33b81e5");
    assertEquals(VendorIds.name(b("0102")), "0102");
  }

  @Test
  public void hexParseAndFormat() {
    assertEquals(Hex.parse(" 0a Ff\n10\t"), new byte[] {0x0a, (byte) 0xff, 0x10});
    assertEquals(Hex.hex(new byte[] {0x0a, (byte) 0xff}), "0aff");
    org.testng.Assert.expectThrows(IllegalArgumentException.class, () -> Hex.parse("abc"));
    org.testng.Assert.expectThrows(IllegalArgumentException.class, () -> Hex.parse("zz"));
  }

  @Test
  public void writer() {
    WireWriter w = new WireWriter(1);
    w.u8(1).u16(0x0203).u32(0x04050607L).bytes(b("08"));
    w.patchU16(1, 0xaabb);
    assertEquals(w.position(), 8);
    assertEquals(Hex.hex(w.toByteArray()), "01aabb0405060708");
  }
}
