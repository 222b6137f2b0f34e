package io.natt.wire;

import static io.natt.wire.Vectors.b;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import org.testng.annotations.Test;

public class Ikev2MessageTest {
  @Test
  public void saInitDecodesWithNamesAndRoundTrips() {
    byte[] bytes = b(Vectors.IKEV2_SA_INIT);
    Ikev2Message m = Ikev2Message.decode(bytes);
    assertEquals(m.header().majorVersion(), 2);
    assertEquals(m.exchangeName(), "IKE_SA_INIT");
    assertFalse(m.response());
    assertEquals(m.payloads().size(), 5);
    assertEquals(m.payloads().get(3).notifyType(), Ikev2Names.NAT_DETECTION_SOURCE_IP);
    assertEquals(m.payloads().get(0).notifyType(), -1);
    assertEquals(
        m.summary(),
        "IKEv2 IKE_SA_INIT request mid=0 [SA, KE, Nonce, N(NAT_DETECTION_SOURCE_IP),"
            + " N(NAT_DETECTION_DESTINATION_IP)]");
    assertEquals(m.encode(), bytes);
  }

  @Test
  public void skPayloadEndsTheChainAndNamesTheFirstInnerPayload() {
    byte[] bytes = b(Vectors.IKEV2_AUTH_SK);
    Ikev2Message m = Ikev2Message.decode(bytes);
    assertTrue(m.response());
    assertEquals(m.summary(), "IKEv2 IKE_AUTH response mid=1 [SK{IDr...}]");
    assertEquals(m.encode(), bytes);
  }

  @Test
  public void classifyNamesVersion2OnBothPortsAndNeverAsIsakmp() {
    byte[] bytes = b(Vectors.IKEV2_SA_INIT);
    PacketView v = PacketView.classify(500, 500, bytes);
    assertTrue(v instanceof PacketView.Ikev2, v.summary());
    assertTrue(v.summary().startsWith("IKEv2 IKE_SA_INIT request"), v.summary());
    byte[] marked = new byte[bytes.length + 4];
    System.arraycopy(bytes, 0, marked, 4, bytes.length);
    PacketView w = PacketView.classify(4500, 4500, marked);
    assertTrue(w instanceof PacketView.Ikev2 x && x.marker(), w.summary());
    assertTrue(w.summary().startsWith("marker+IKEv2 IKE_SA_INIT"), w.summary());
    // an IKEv1 message stays an ISAKMP view
    assertTrue(PacketView.classify(500, 500, b(Vectors.MM1)) instanceof PacketView.Ike);
  }

  @Test
  public void unknownCodesAreKept() {
    assertEquals(Ikev2Names.exchange(99), "UNKNOWN(99)");
    assertEquals(Ikev2Names.payload(200), "UNKNOWN(200)");
    assertEquals(Ikev2Names.notify(60000), "UNKNOWN(60000)");
  }

  private static MalformedException bad(String hex) {
    return expectThrows(MalformedException.class, () -> Ikev2Message.decode(b(hex)));
  }

  @Test
  public void malformedNamesFieldAndOffset() {
    String hdr = "8b1d2c3a4f5e6d70 0000000000000000";
    // version 1.0 is not IKEv2
    MalformedException e = bad(hdr + "00 10 22 08 00000000 0000001c");
    assertEquals(e.field(), "ikev2 version");
    assertEquals(e.offset(), 17);
    // length beyond the datagram
    e = bad(hdr + "00 20 22 08 00000000 00000040");
    assertEquals(e.field(), "ikev2 length");
    assertEquals(e.offset(), 24);
    // payload length 2 < 4
    e = bad(hdr + "21 20 22 08 00000000 00000020 00 00 0002");
    assertEquals(e.field(), "ikev2 payload length");
    assertEquals(e.offset(), 30);
    // payload longer than the message
    e = bad(hdr + "21 20 22 08 00000000 00000020 00 00 0010");
    assertEquals(e.field(), "ikev2 payload body");
    assertEquals(e.offset(), 32);
    // notify with an SPI size beyond its payload
    e = bad(hdr + "29 20 22 08 00000000 00000024 00 00 0008 03 08 0001");
    assertEquals(e.field(), "ikev2 notify spi");
    assertEquals(e.offset(), 36);
    // notify shorter than its fixed part
    e = bad(hdr + "29 20 22 08 00000000 00000022 00 00 0006 0300");
    assertEquals(e.field(), "ikev2 notify header");
    // bytes after the last payload
    e = bad(hdr + "21 20 22 08 00000000 00000022 00 00 0004 ffff");
    assertEquals(e.field(), "ikev2 payload chain end");
    assertEquals(e.offset(), 32);
    // a truncated header
    e = bad("8b1d2c3a");
    assertTrue(e.field().startsWith("isakmp"), e.field());
  }
}
