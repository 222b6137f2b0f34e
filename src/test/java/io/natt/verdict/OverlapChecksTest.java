package io.natt.verdict;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.wire.Datagram;
import io.natt.wire.EspPacket;
import io.natt.wire.ExchangeType;
import io.natt.wire.IcmpMessage;
import io.natt.wire.IdPayload;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.IsakmpHeader;
import io.natt.wire.NotificationPayload;
import io.natt.wire.PacketView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * 3948-5.1-overlapping-inner-address on hand-made traces of two clients with 10.0.1.2 (points peer
 * and client-2): the paths the mutant and its control do not take (an IUT that drops the first
 * client's replies, one that refuses the second Quick Mode, traces that cannot decide).
 */
public class OverlapChecksTest {
  static final Requirement R =
      Catalog.load(Path.of("testsuites/requirements.yaml"))
          .get("3948-5.1-overlapping-inner-address")
          .orElseThrow();
  static final byte[] INNER = {10, 0, 1, 2};
  static final byte[] OTHER_INNER = {10, 0, 1, 3};
  static final byte[] PROTECTED = {10, 9, 0, 1};
  static final String C2 = "client-2";
  static final InetSocketAddress CLIENT = sock("10.0.1.2", 4500);
  static final InetSocketAddress IUT = sock("198.51.100.2", 4500);

  static InetSocketAddress sock(String a, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(a), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private long t = 1_000;

  private Datagram dg(Direction d, byte[] payload) {
    t += 1_000;
    return d == Direction.SENT
        ? new Datagram(CLIENT, IUT, payload, Instant.now(), t)
        : new Datagram(IUT, CLIENT, payload, Instant.now(), t);
  }

  /** An echo request ({@code request}) or reply with id {@code id} at {@code point}. */
  private void echo(Trace tr, String point, boolean request, byte[] inner, int id, int seq) {
    IcmpMessage m =
        request
            ? IcmpMessage.echoRequest(id, seq, new byte[4])
            : IcmpMessage.echoReply(id, seq, new byte[4]);
    byte[] ip =
        request
            ? Ipv4Packet.of(inner, PROTECTED, Ipv4Packet.ICMP, m.encode()).encode()
            : Ipv4Packet.of(PROTECTED, inner, Ipv4Packet.ICMP, m.encode()).encode();
    byte[] bytes = new byte[24];
    bytes[3] = 1;
    Direction d = request ? Direction.SENT : Direction.RECEIVED;
    tr.restore(
        point, d, dg(d, bytes), new PacketView.Esp(EspPacket.decode(bytes), Optional.of(ip)));
  }

  /** A request at {@code point} and, with {@code answered}, its reply there. */
  private void ping(Trace tr, String point, int id, int seq, boolean answered) {
    echo(tr, point, true, INNER, id, seq);
    if (answered) {
      echo(tr, point, false, INNER, id, seq);
    }
  }

  private void quickMode(Trace tr, String point, byte[] inner) {
    IsakmpHeader h =
        new IsakmpHeader(new byte[8], new byte[8], 8, 1, 0, ExchangeType.QUICK.code(), 1, 7, 0);
    List<io.natt.wire.Payload> ids =
        List.of(
            IdPayload.ipv4(inner),
            IdPayload.ipv4Subnet(
                new byte[] {10, 9, 0, 0}, new byte[] {(byte) 255, (byte) 255, (byte) 255, 0}));
    tr.restore(
        point,
        Direction.SENT,
        dg(Direction.SENT, new byte[32]),
        new PacketView.Ike(true, h, ids, true));
  }

  private void notification(Trace tr, String point, int type) {
    IsakmpHeader h =
        new IsakmpHeader(
            new byte[8], new byte[8], 11, 1, 0, ExchangeType.INFORMATIONAL.code(), 1, 9, 0);
    tr.restore(
        point,
        Direction.RECEIVED,
        dg(Direction.RECEIVED, new byte[32]),
        new PacketView.Ike(
            true, h, List.of(new NotificationPayload(1, 3, type, new byte[0], new byte[0])), true));
  }

  private static Judgement judge(Trace tr) {
    return OverlapChecks.overlappingInnerAddress(tr, R);
  }

  @Test
  public void oneClientIsNotApplicable() {
    Trace tr = new Trace();
    ping(tr, Trace.PEER, 1, 1, true);
    assertEquals(judge(tr).verdict(), Verdict.NOT_APPLICABLE, judge(tr).reason());
  }

  @Test
  public void clientsWithAddressesOfTheirOwnCannotDecide() {
    Trace tr = new Trace();
    ping(tr, Trace.PEER, 1, 1, true);
    echo(tr, C2, true, OTHER_INNER, 2, 1);
    echo(tr, C2, false, OTHER_INNER, 2, 1);
    assertEquals(judge(tr).verdict(), Verdict.INCONCLUSIVE, judge(tr).reason());
  }

  @Test
  public void theFirstTunnelSilencedOnceTheSecondIsUpFails() {
    Trace tr = new Trace();
    ping(tr, Trace.PEER, 1, 1, true);
    ping(tr, C2, 2, 1, true);
    ping(tr, Trace.PEER, 3, 1, false);
    ping(tr, Trace.PEER, 3, 2, false);
    Judgement j = judge(tr);
    assertEquals(j.verdict(), Verdict.FAIL, j.reason());
    assertTrue(j.evidence().get(0).seen().contains("none of its 2 requests"), j.toString());
  }

  @Test
  public void aSilencedTunnelThatGotIkeCannotDecide() {
    Trace tr = new Trace();
    ping(tr, Trace.PEER, 1, 1, true);
    ping(tr, C2, 2, 1, true);
    notification(tr, Trace.PEER, 36136);
    ping(tr, Trace.PEER, 3, 1, false);
    ping(tr, Trace.PEER, 3, 2, false);
    Judgement j = judge(tr);
    assertEquals(j.verdict(), Verdict.INCONCLUSIVE, j.reason());
    assertTrue(j.reason().contains("replaced the first tunnel"), j.reason());
  }

  @Test
  public void oneLostReplyIsNoFailure() {
    Trace tr = new Trace();
    ping(tr, Trace.PEER, 1, 1, true);
    ping(tr, C2, 2, 1, true);
    ping(tr, Trace.PEER, 3, 1, false);
    ping(tr, Trace.PEER, 3, 2, true);
    ping(tr, C2, 2, 2, true);
    assertEquals(judge(tr).verdict(), Verdict.PASS, judge(tr).reason());
  }

  @Test
  public void aSingleUnansweredRequestCannotDecide() {
    Trace tr = new Trace();
    ping(tr, Trace.PEER, 1, 1, true);
    ping(tr, C2, 2, 1, true);
    ping(tr, Trace.PEER, 3, 1, false);
    assertEquals(judge(tr).verdict(), Verdict.INCONCLUSIVE, judge(tr).reason());
  }

  @Test
  public void aRefusedSecondQuickModePassesWithANote() {
    Trace tr = new Trace();
    quickMode(tr, Trace.PEER, INNER);
    ping(tr, Trace.PEER, 1, 1, true);
    quickMode(tr, C2, INNER);
    Judgement undecided = judge(tr);
    assertEquals(undecided.verdict(), Verdict.INCONCLUSIVE, undecided.reason());
    // a DPD R-U-THERE (a status type) is no refusal
    notification(tr, C2, 36136);
    assertEquals(judge(tr).verdict(), Verdict.INCONCLUSIVE, judge(tr).reason());
    notification(tr, C2, 18); // INVALID-ID-INFORMATION
    Judgement j = judge(tr);
    assertEquals(j.verdict(), Verdict.PASS, j.reason());
    assertTrue(j.reason().contains("refused the overlapping tunnel"), j.reason());
  }

  @Test
  public void aReplyToTheOtherClientFailsEvenWhenItsOwnWereAnswered() {
    Trace tr = new Trace();
    ping(tr, Trace.PEER, 1, 1, true);
    ping(tr, C2, 2, 1, true);
    echo(tr, Trace.PEER, true, INNER, 3, 1);
    echo(tr, C2, false, INNER, 3, 1);
    ping(tr, C2, 2, 2, true);
    Judgement j = judge(tr);
    assertEquals(j.verdict(), Verdict.FAIL, j.reason());
    assertEquals(j.evidence().size(), 1, j.toString());
  }
}
