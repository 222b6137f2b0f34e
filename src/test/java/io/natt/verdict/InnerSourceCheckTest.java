package io.natt.verdict;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.wire.Datagram;
import io.natt.wire.EspPacket;
import io.natt.wire.EthernetFrame;
import io.natt.wire.ExchangeType;
import io.natt.wire.IcmpMessage;
import io.natt.wire.IdPayload;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.IsakmpHeader;
import io.natt.wire.PacketView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * 3948-3.1.1-inner-source on hand-made traces: the policy comes from the harness's Quick Mode, a
 * spoofed request answered through the tunnel or in the clear fails, silence passes only when an
 * in-policy request was answered.
 */
public class InnerSourceCheckTest {
  static final Requirement R =
      Catalog.load(Path.of("testsuites/requirements.yaml"))
          .get("3948-3.1.1-inner-source")
          .orElseThrow();
  static final byte[] INNER = {10, 0, 1, 2};
  static final byte[] SPOOFED = {(byte) 198, 51, 100, 1};
  static final byte[] PROTECTED = {10, 9, 0, 1};
  static final InetSocketAddress HARNESS = sock("10.0.1.2", 4500);
  static final InetSocketAddress IUT = sock("198.51.100.2", 4500);

  static InetSocketAddress sock(String a, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(a), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private long t = 1_000;

  private Datagram dg(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    return new Datagram(from, to, payload, Instant.now(), t += 1_000);
  }

  private void quickMode(Trace tr) {
    tr.context(
        new io.natt.trace.TraceContext(
            (java.net.Inet4Address) IUT.getAddress(),
            (java.net.Inet4Address) HARNESS.getAddress(),
            1,
            "nat-public",
            java.util.Set.of(),
            List.of(Trace.PEER, "nat-public")));
    IsakmpHeader h =
        new IsakmpHeader(new byte[8], new byte[8], 8, 1, 0, ExchangeType.QUICK.code(), 1, 7, 0);
    List<io.natt.wire.Payload> ids =
        List.of(
            IdPayload.ipv4(INNER),
            IdPayload.ipv4Subnet(
                new byte[] {10, 9, 0, 0}, new byte[] {(byte) 255, (byte) 255, (byte) 255, 0}));
    tr.record(
        Direction.SENT, dg(HARNESS, IUT, new byte[32]), new PacketView.Ike(true, h, ids, true));
  }

  private void esp(Trace tr, Direction d, byte[] src, byte[] dst, int type, int seq) {
    IcmpMessage m =
        type == IcmpMessage.ECHO_REQUEST
            ? IcmpMessage.echoRequest(77, seq, new byte[4])
            : IcmpMessage.echoReply(77, seq, new byte[4]);
    byte[] ip = Ipv4Packet.of(src, dst, Ipv4Packet.ICMP, m.encode()).encode();
    byte[] bytes = new byte[24];
    bytes[3] = 1;
    Datagram g = d == Direction.SENT ? dg(HARNESS, IUT, bytes) : dg(IUT, HARNESS, bytes);
    tr.record(d, g, new PacketView.Esp(EspPacket.decode(bytes), Optional.of(ip)));
  }

  private Judgement judge(Trace tr) {
    return Checks.innerSource(tr, R);
  }

  @Test
  public void noSpoofedRequestIsNotApplicable() {
    Trace tr = new Trace();
    quickMode(tr);
    esp(tr, Direction.SENT, INNER, PROTECTED, IcmpMessage.ECHO_REQUEST, 1);
    esp(tr, Direction.RECEIVED, PROTECTED, INNER, IcmpMessage.ECHO_REPLY, 1);
    assertEquals(judge(tr).verdict(), Verdict.NOT_APPLICABLE);
  }

  @Test
  public void silenceToTheSpoofedPassesOnlyWhenTheLegitimateWasAnswered() {
    Trace tr = new Trace();
    quickMode(tr);
    esp(tr, Direction.SENT, SPOOFED, PROTECTED, IcmpMessage.ECHO_REQUEST, 2);
    assertEquals(judge(tr).verdict(), Verdict.INCONCLUSIVE, judge(tr).reason());
    esp(tr, Direction.SENT, INNER, PROTECTED, IcmpMessage.ECHO_REQUEST, 3);
    esp(tr, Direction.RECEIVED, PROTECTED, INNER, IcmpMessage.ECHO_REPLY, 3);
    assertEquals(judge(tr).verdict(), Verdict.PASS, judge(tr).reason());
  }

  @Test
  public void anAnswerThroughTheTunnelFails() {
    Trace tr = new Trace();
    quickMode(tr);
    esp(tr, Direction.SENT, SPOOFED, PROTECTED, IcmpMessage.ECHO_REQUEST, 2);
    esp(tr, Direction.RECEIVED, PROTECTED, SPOOFED, IcmpMessage.ECHO_REPLY, 2);
    Judgement j = judge(tr);
    assertEquals(j.verdict(), Verdict.FAIL, j.reason());
    assertTrue(
        j.evidence().get(0).toString().contains("through the tunnel"), j.evidence().toString());
  }

  @Test
  public void anAnswerInTheClearFails() {
    Trace tr = new Trace();
    quickMode(tr);
    esp(tr, Direction.SENT, SPOOFED, PROTECTED, IcmpMessage.ECHO_REQUEST, 2);
    byte[] reply =
        Ipv4Packet.of(
                PROTECTED,
                SPOOFED,
                Ipv4Packet.ICMP,
                IcmpMessage.echoReply(77, 2, new byte[4]).encode())
            .encode();
    byte[] frame =
        new EthernetFrame(new byte[6], new byte[6], EthernetFrame.ETHERTYPE_IPV4, reply).encode();
    tr.observe("nat-public", Instant.now(), t += 1_000, frame);
    Judgement j = judge(tr);
    assertEquals(j.verdict(), Verdict.FAIL, j.reason());
    assertTrue(j.evidence().get(0).toString().contains("in the clear"), j.evidence().toString());
  }

  @Test
  public void aSubnetPolicyCoversItsAddresses() {
    assertTrue(Checks.inPolicy(new int[] {0x0a000100, 24}, new byte[] {10, 0, 1, 99}));
    assertTrue(!Checks.inPolicy(new int[] {0x0a000100, 24}, new byte[] {10, 0, 2, 1}));
    assertTrue(Checks.inPolicy(new int[] {0x0a000102, 32}, INNER));
    assertTrue(!Checks.inPolicy(new int[] {0x0a000102, 32}, SPOOFED));
  }
}
