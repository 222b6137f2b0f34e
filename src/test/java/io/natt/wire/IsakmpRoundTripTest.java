package io.natt.wire;

import static io.natt.wire.Vectors.b;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.testng.annotations.Test;

public class IsakmpRoundTripTest {

  private static IsakmpHeader header(String rcookie, int exchange, int flags, long mid) {
    return IsakmpHeader.of(b(Vectors.ICOOKIE), b(rcookie), exchange, flags, mid);
  }

  @Test
  public void mainMode1DecodesAndRoundTrips() {
    byte[] wire = b(Vectors.MM1);
    IsakmpMessage m = IsakmpMessage.decode(wire);
    IsakmpHeader h = m.header();
    assertEquals(h.initiatorCookie(), b(Vectors.ICOOKIE));
    assertEquals(h.responderCookie(), new byte[8]);
    assertEquals(h.nextPayload(), PayloadType.SA.code());
    assertEquals(h.majorVersion(), 1);
    assertEquals(h.minorVersion(), 0);
    assertEquals(h.exchangeType(), ExchangeType.IDENTITY_PROTECTION.code());
    assertEquals(h.length(), 148);
    assertFalse(h.encrypted());
    assertFalse(m.isEncrypted());
    assertEquals(m.encryptedBody().length, 0);
    assertEquals(m.payloads().size(), 4);

    SaPayload sa = (SaPayload) m.payloads().get(0);
    assertEquals(sa.doi(), IpsecAttr.DOI_IPSEC);
    assertEquals(sa.situation(), IpsecAttr.SIT_IDENTITY_ONLY);
    Proposal p = sa.proposals().get(0);
    assertEquals(p.protocolId(), IpsecAttr.PROTO_ISAKMP);
    assertEquals(p.spi().length, 0);
    Transform t = p.transforms().get(0);
    assertEquals(t.transformId(), IpsecAttr.KEY_IKE);
    assertEquals(t.attributes().size(), 7);
    assertEquals(
        t.attribute(Ike1Attr.ENCRYPTION_ALGORITHM).get().longValue(), Ike1Attr.ENC_AES_CBC);
    assertEquals(t.attribute(Ike1Attr.KEY_LENGTH).get().longValue(), 128);
    assertEquals(t.attribute(Ike1Attr.GROUP_DESCRIPTION).get().longValue(), 14);
    Attribute life = t.attribute(Ike1Attr.LIFE_DURATION).get();
    assertFalse(life.tv());
    assertEquals(life.longValue(), 28800);

    assertEquals(
        ((VendorIdPayload) m.payloads().get(1)).data(),
        VendorIds.RFC_3947,
        "first VID is RFC 3947");
    assertEquals(
        VendorIds.name(((VendorIdPayload) m.payloads().get(2)).data()),
        "draft-ietf-ipsec-nat-t-ike-03");
    assertEquals(((VendorIdPayload) m.payloads().get(3)).vendorName(), "DPD (RFC 3706)");

    assertEquals(Hex.hex(m.encode()), Hex.hex(wire));
  }

  @Test
  public void mainMode1BuiltFromObjectsMatchesVector() {
    Transform t =
        Transform.of(
            1,
            IpsecAttr.KEY_IKE,
            Attribute.basic(Ike1Attr.ENCRYPTION_ALGORITHM, Ike1Attr.ENC_AES_CBC),
            Attribute.basic(Ike1Attr.KEY_LENGTH, 128),
            Attribute.basic(Ike1Attr.HASH_ALGORITHM, Ike1Attr.HASH_SHA2_256),
            Attribute.basic(Ike1Attr.AUTH_METHOD, Ike1Attr.AUTH_PSK),
            Attribute.basic(Ike1Attr.GROUP_DESCRIPTION, Ike1Attr.GROUP_MODP2048),
            Attribute.basic(Ike1Attr.LIFE_TYPE, Ike1Attr.LIFE_SECONDS),
            Attribute.variable32(Ike1Attr.LIFE_DURATION, 28800));
    List<Payload> ps =
        List.of(
            SaPayload.ipsec(Proposal.of(1, IpsecAttr.PROTO_ISAKMP, new byte[0], t)),
            new VendorIdPayload(VendorIds.RFC_3947),
            new VendorIdPayload(VendorIds.DRAFT_NAT_T_03),
            new VendorIdPayload(VendorIds.DPD));
    IsakmpMessage m =
        IsakmpMessage.plain(header("0000000000000000", ExchangeType.MAIN.code(), 0, 0), ps);
    assertEquals(Hex.hex(m.encode()), Hex.hex(b(Vectors.MM1)));
    assertEquals(IsakmpMessage.decode(m.encode()).payloads(), ps);
  }

  @Test
  public void mainMode3DecodesBuildsAndRoundTrips() {
    byte[] wire = b(Vectors.MM3);
    IsakmpMessage m = IsakmpMessage.decode(wire);
    assertEquals(m.payloads().size(), 4);
    KePayload ke = (KePayload) m.payloads().get(0);
    assertEquals(ke.data(), b(Vectors.KE256));
    NoncePayload n = (NoncePayload) m.payloads().get(1);
    assertEquals(n.data().length, 32);
    NatDPayload d1 = (NatDPayload) m.payloads().get(2);
    NatDPayload d2 = (NatDPayload) m.payloads().get(3);
    assertEquals(d1.type(), 20);
    assertEquals(d1.hash(), b("1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"));
    assertEquals(d2.hash(), b("99887766554433221100ffeeddccbbaa99887766"));
    assertEquals(Hex.hex(m.encode()), Hex.hex(wire));

    List<Payload> ps =
        List.of(
            new KePayload(b(Vectors.KE256)),
            new NoncePayload(b("f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff")),
            NatDPayload.rfc(b("1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d")),
            NatDPayload.rfc(b("99887766554433221100ffeeddccbbaa99887766")));
    IsakmpMessage built =
        IsakmpMessage.plain(header(Vectors.RCOOKIE, ExchangeType.MAIN.code(), 0, 0), ps);
    assertEquals(Hex.hex(built.encode()), Hex.hex(wire));
    assertEquals(IsakmpMessage.decode(built.encode()), m);
  }

  @Test
  public void quickModeChainDecodesBuildsAndRoundTrips() {
    byte[] wire = b(Vectors.QM1_CHAIN);
    WireReader r = new WireReader(wire);
    List<Payload> ps = Payloads.decodeChain(PayloadType.HASH.code(), r);
    assertEquals(r.remaining(), 0);
    assertEquals(ps.size(), 7);
    SaPayload sa = (SaPayload) ps.get(1);
    Proposal p = sa.proposals().get(0);
    assertEquals(p.protocolId(), IpsecAttr.PROTO_IPSEC_ESP);
    assertEquals(p.spi(), b("c1a2b3d4"));
    Transform t = p.transforms().get(0);
    assertEquals(t.transformId(), IpsecAttr.ESP_AES);
    assertEquals(t.attribute(IpsecAttr.ENCAPSULATION_MODE).get().longValue(), IpsecAttr.UDP_TUNNEL);
    assertEquals(t.attribute(IpsecAttr.SA_LIFE_DURATION).get().longValue(), 3600);
    IdPayload idci = (IdPayload) ps.get(3);
    assertEquals(idci.idType(), IdPayload.ID_IPV4_ADDR_SUBNET);
    assertEquals(idci.identity(), "10.1.0.0/255.255.255.0");
    assertTrue(idci.toString().contains("ID_IPV4_ADDR_SUBNET 10.1.0.0/255.255.255.0"));
    IdPayload idcr = (IdPayload) ps.get(4);
    assertEquals(idcr.identity(), "192.168.1.100");
    NatOaPayload oai = (NatOaPayload) ps.get(5);
    NatOaPayload oar = (NatOaPayload) ps.get(6);
    assertEquals(oai.type(), 21);
    assertEquals(oai.address(), b("c0a80164"));
    assertTrue(oar.addressLengthValid());
    assertTrue(oar.toString().contains("203.0.113.5"), oar.toString());
    assertEquals(Hex.hex(Payloads.encodeChain(ps)), Hex.hex(wire));

    Transform bt =
        Transform.of(
            1,
            IpsecAttr.ESP_AES,
            Attribute.basic(IpsecAttr.SA_LIFE_TYPE, IpsecAttr.LIFE_SECONDS),
            Attribute.variable32(IpsecAttr.SA_LIFE_DURATION, 3600),
            Attribute.basic(IpsecAttr.ENCAPSULATION_MODE, IpsecAttr.UDP_TUNNEL),
            Attribute.basic(IpsecAttr.AUTH_ALGORITHM, IpsecAttr.HMAC_SHA2_256),
            Attribute.basic(IpsecAttr.KEY_LENGTH, 128));
    List<Payload> built =
        List.of(
            new HashPayload(b("0123456789abcdef0123456789abcdef01234567")),
            SaPayload.ipsec(Proposal.of(1, IpsecAttr.PROTO_IPSEC_ESP, b("c1a2b3d4"), bt)),
            new NoncePayload(b("00112233445566778899aabbccddeeff")),
            IdPayload.ipv4Subnet(b("0a010000"), b("ffffff00")),
            IdPayload.ipv4(b("c0a80164")),
            NatOaPayload.of(b("c0a80164")),
            NatOaPayload.of(b("cb007105")));
    assertEquals(Hex.hex(Payloads.encodeChain(built)), Hex.hex(wire));
    assertEquals(built, ps);
    assertEquals(Payloads.firstType(built), 8);
    // SA body (without generic header) as used in HASH computations
    assertEquals(Hex.hex(Payloads.body(sa)), Hex.hex(Arrays.copyOfRange(wire, 28, 80)));
  }

  @Test
  public void chainLeavesTrailingPaddingUnread() {
    byte[] wire = b(Vectors.QM1_CHAIN + "00000000000007");
    WireReader r = new WireReader(wire);
    List<Payload> ps = Payloads.decodeChain(8, r);
    assertEquals(ps.size(), 7);
    assertEquals(r.remaining(), 7);
    assertEquals(r.position(), 152);
  }

  @Test
  public void deleteChainRoundTrips() {
    byte[] wire = b(Vectors.DELETE_CHAIN);
    List<Payload> ps = Payloads.decodeChain(8, new WireReader(wire));
    DeletePayload d = (DeletePayload) ps.get(1);
    assertEquals(d.doi(), 1);
    assertEquals(d.protocolId(), IpsecAttr.PROTO_IPSEC_ESP);
    assertEquals(d.spiSize(), 4);
    assertEquals(d.spis().size(), 2);
    assertEquals(d.spis().get(1), b("0badcafe"));
    assertEquals(Hex.hex(Payloads.encodeChain(ps)), Hex.hex(wire));
    List<Payload> built =
        List.of(
            new HashPayload(b("0123456789abcdef0123456789abcdef01234567")),
            DeletePayload.of(IpsecAttr.PROTO_IPSEC_ESP, b("c1a2b3d4"), b("0badcafe")));
    assertEquals(Hex.hex(Payloads.encodeChain(built)), Hex.hex(wire));
    assertEquals(built, ps);
    assertTrue(d.toString().contains("0badcafe"));
  }

  @Test
  public void informationalNotificationsRoundTrip() {
    byte[] wire = b(Vectors.INFO_NOTIFY);
    IsakmpMessage m = IsakmpMessage.decode(wire);
    assertEquals(m.header().exchangeType(), ExchangeType.INFORMATIONAL.code());
    assertEquals(m.header().messageId(), 0x1a2b3c4dL);
    NotificationPayload ic = (NotificationPayload) m.payloads().get(0);
    NotificationPayload dpd = (NotificationPayload) m.payloads().get(1);
    assertEquals(ic.notifyTypeValue(), NotifyType.INITIAL_CONTACT);
    assertEquals(ic.spi(), b(Vectors.ICOOKIE + Vectors.RCOOKIE));
    assertEquals(ic.data().length, 0);
    assertEquals(dpd.notifyType(), NotifyType.R_U_THERE.code());
    assertEquals(dpd.data(), b("0000002a"));
    assertTrue(dpd.toString().contains("R_U_THERE"));
    assertEquals(Hex.hex(m.encode()), Hex.hex(wire));

    byte[] cookies = b(Vectors.ICOOKIE + Vectors.RCOOKIE);
    IsakmpMessage built =
        IsakmpMessage.plain(
            header(Vectors.RCOOKIE, ExchangeType.INFORMATIONAL.code(), 0, 0x1a2b3c4dL),
            List.of(
                NotificationPayload.of(
                    IpsecAttr.PROTO_ISAKMP, NotifyType.INITIAL_CONTACT.code(), cookies),
                new NotificationPayload(
                    1, 1, NotifyType.R_U_THERE.code(), cookies, b("0000002a"))));
    assertEquals(Hex.hex(built.encode()), Hex.hex(wire));
  }

  @Test
  public void encryptedMessageRoundTrips() {
    byte[] wire = b(Vectors.ENCRYPTED);
    IsakmpMessage m = IsakmpMessage.decode(wire);
    assertTrue(m.header().encrypted());
    assertTrue(m.isEncrypted());
    assertTrue(m.payloads().isEmpty());
    assertEquals(m.header().nextPayload(), PayloadType.HASH.code());
    assertEquals(m.encryptedBody().length, 32);
    assertEquals(Hex.hex(m.encode()), Hex.hex(wire));

    IsakmpMessage built =
        IsakmpMessage.encrypted(
            header(Vectors.RCOOKIE, ExchangeType.INFORMATIONAL.code(), 0, 0x5e6f7081L),
            PayloadType.HASH.code(),
            Arrays.copyOfRange(wire, 28, 60));
    assertEquals(Hex.hex(built.encode()), Hex.hex(wire));
  }

  @Test
  public void datagramBytesAfterHeaderLengthAreIgnored() {
    byte[] wire = b(Vectors.ENCRYPTED + "deadbeef");
    IsakmpMessage m = IsakmpMessage.decode(wire);
    assertEquals(m.encryptedBody().length, 32);
    assertEquals(m.encode(), Arrays.copyOf(wire, 60));
  }

  @Test
  public void deliberatelyWrongLengths() {
    IsakmpMessage m = IsakmpMessage.decode(b(Vectors.ENCRYPTED));
    byte[] wrong = m.encode(1000);
    assertEquals(Hex.hex(Arrays.copyOfRange(wrong, 24, 28)), "000003e8");
    assertEquals(wrong.length, 60);
    byte[] verbatim =
        IsakmpMessage.plain(m.header().withLength(7).withNextPayload(99), List.of())
            .encodeVerbatim();
    assertEquals(Hex.hex(Arrays.copyOfRange(verbatim, 16, 28)), "631005015e6f708100000007");

    byte[] chain =
        Payloads.encodeChain(
            List.of(new NoncePayload(b("0102")), new HashPayload(b("03"))),
            new int[] {-1, 77},
            new int[] {3});
    assertEquals(Hex.hex(chain), "0800000301024d00000503");
  }

  @Test
  public void genericPayloadKeepsUnknownTypes() {
    byte[] chain = b("07 00 0008 01020304" + "00 00 0006 aabb");
    List<Payload> ps = Payloads.decodeChain(200, new WireReader(chain));
    assertEquals(ps.get(0), new GenericPayload(200, b("01020304")));
    assertEquals(ps.get(1), new GenericPayload(PayloadType.CERTREQ.code(), b("aabb")));
    assertEquals(ps.get(0).payloadType().name(), "UNKNOWN(200)");
    assertEquals(Payloads.encodeChain(ps), chain);
  }

  @Test
  public void attributesKeepTlvFormatAndLength() {
    // key length 128 sent as TLV with 2-byte value; life duration as TLV with 8 bytes
    Attribute a = Attribute.variable(14, b("0080"));
    Attribute l = Attribute.variable(12, b("0000000000007080"));
    SaPayload sa = SaPayload.ipsec(Proposal.of(1, 1, new byte[0], Transform.of(1, 1, a, l)));
    byte[] body = Payloads.body(sa);
    SaPayload back = (SaPayload) Payloads.decodeBody(1, body);
    assertEquals(back, sa);
    assertEquals(Payloads.body(back), body);
    assertEquals(
        back.proposals().get(0).transforms().get(0).attributes().get(1).longValue(), 28800);
  }

  @Test
  public void registries() {
    assertEquals(PayloadType.valueOf(20), PayloadType.NAT_D);
    assertEquals(PayloadType.valueOf(131).name(), "NAT_OA_DRAFT");
    assertEquals(PayloadType.valueOf(99).name(), "UNKNOWN(99)");
    assertEquals(PayloadType.valueOf(99).code(), 99);
    assertEquals(PayloadType.valueOf(99), PayloadType.valueOf(99));
    assertFalse(PayloadType.valueOf(99).isKnown());
    assertEquals(ExchangeType.valueOf(32), ExchangeType.QUICK);
    assertEquals(ExchangeType.MAIN.code(), 2);
    assertEquals(NotifyType.valueOf(14).name(), "NO_PROPOSAL_CHOSEN");
    assertEquals(NotifyType.valueOf(24).name(), "AUTHENTICATION_FAILED");
    assertEquals(NotifyType.valueOf(36137), NotifyType.R_U_THERE_ACK);
    assertEquals(NotifyType.valueOf(40000).toString(), "UNKNOWN(40000)");
  }

  @Test
  public void toStringsAreReadable() {
    IsakmpMessage m = IsakmpMessage.decode(b(Vectors.MM1));
    String s = m.toString();
    assertTrue(s.contains("8b1d2c3a4f5e6d70"), s);
    assertTrue(s.contains("IDENTITY_PROTECTION"), s);
    assertTrue(s.contains("RFC 3947"), s);
    assertTrue(IdPayload.fqdn("vpn.example.org").toString().contains("ID_FQDN vpn.example.org"));
    assertTrue(new KePayload(b("0a0b")).toString().contains("0a0b"));
  }
}
