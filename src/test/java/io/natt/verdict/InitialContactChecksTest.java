package io.natt.verdict;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceContext;
import io.natt.wire.Datagram;
import io.natt.wire.DeletePayload;
import io.natt.wire.EspPacket;
import io.natt.wire.ExchangeType;
import io.natt.wire.HashPayload;
import io.natt.wire.IdPayload;
import io.natt.wire.IpsecAttr;
import io.natt.wire.IsakmpHeader;
import io.natt.wire.NotificationPayload;
import io.natt.wire.NotifyType;
import io.natt.wire.PacketView;
import io.natt.wire.Payload;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.testng.annotations.Test;

/**
 * The decision table of RFC 3947 section 6's two checks on hand-built two-client traces: what makes
 * them FAIL, PASS, NOT_APPLICABLE and, wherever the trace cannot decide, INCONCLUSIVE.
 */
public class InitialContactChecksTest {
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));
  static final Requirement MUST =
      CATALOG.get("3947-6-initial-contact-not-by-address").orElseThrow();
  static final Requirement SHOULD = CATALOG.get("3947-6-initial-contact-same-id").orElseThrow();
  static final String C2 = "client-2";

  /** A timeline under construction: each add is 10 ms after the one before. */
  static final class Timeline {
    final Trace trace = new Trace();
    long t = 1_000_000_000L;

    Timeline(int nats) {
      trace.context(
          new TraceContext(
              ip("198.51.100.2"),
              ip("10.0.1.2"),
              nats,
              "nat-public",
              Set.of("ikev1"),
              List.of("harness", "nat-public", C2)));
    }

    void add(String point, Direction dir, PacketView view) {
      t += 10_000_000L;
      InetSocketAddress a = new InetSocketAddress(ip("10.0.1.2"), 4500);
      InetSocketAddress b = new InetSocketAddress(ip("198.51.100.2"), 4500);
      Datagram d =
          dir == Direction.SENT
              ? new Datagram(a, b, new byte[1], Instant.EPOCH, t)
              : new Datagram(b, a, new byte[1], Instant.EPOCH, t);
      trace.restore(point, dir, d, view);
    }

    /**
     * Main Mode message 5 of a client (its ID, HASH_I and, if asked, INITIAL-CONTACT) and the IUT's
     * message 6 that accepts it.
     */
    void phase1(String point, int cookie, String id, boolean initialContact) {
      message5(point, cookie, id, initialContact);
      add(
          point,
          Direction.RECEIVED,
          ike(
              cookie,
              ExchangeType.IDENTITY_PROTECTION.code(),
              List.of(IdPayload.fqdn("iut.example.org"), new HashPayload(new byte[20]))));
    }

    void message5(String point, int cookie, String id, boolean initialContact) {
      List<Payload> ps =
          new ArrayList<>(List.of(IdPayload.fqdn(id), new HashPayload(new byte[20])));
      if (initialContact) {
        ps.add(
            NotificationPayload.of(
                IpsecAttr.PROTO_ISAKMP, NotifyType.INITIAL_CONTACT.code(), new byte[16]));
      }
      add(point, Direction.SENT, ike(cookie, ExchangeType.IDENTITY_PROTECTION.code(), ps));
    }

    /** An echo request through the tunnel and, if {@code answered}, its decrypted reply. */
    void ping(String point, boolean answered) {
      add(point, Direction.SENT, new PacketView.Esp(esp(), Optional.of(new byte[20])));
      if (answered) {
        add(point, Direction.RECEIVED, new PacketView.Esp(esp(), Optional.of(new byte[20])));
      }
    }

    void delete(String point, int cookie) {
      add(
          point,
          Direction.RECEIVED,
          ike(
              cookie,
              ExchangeType.INFORMATIONAL.code(),
              List.of(
                  new HashPayload(new byte[20]),
                  DeletePayload.of(IpsecAttr.PROTO_ISAKMP, new byte[16]))));
    }

    Verdict must() {
      return InitialContactChecks.notByAddress(trace, MUST).verdict();
    }

    Verdict should() {
      return InitialContactChecks.sameId(trace, SHOULD).verdict();
    }
  }

  static PacketView.Ike ike(int cookie, int exchange, List<Payload> ps) {
    byte[] ckyI = new byte[8];
    ckyI[7] = (byte) cookie;
    byte[] ckyR = new byte[8];
    ckyR[0] = 1;
    IsakmpHeader h =
        new IsakmpHeader(ckyI, ckyR, 0, 1, 0, exchange, IsakmpHeader.FLAG_ENCRYPTION, 0, 0);
    return new PacketView.Ike(true, h, ps, true);
  }

  static EspPacket esp() {
    return new EspPacket(0x1234, 1, new byte[32]);
  }

  static Inet4Address ip(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Client 1 (the harness) up and answered, then client 2 with {@code id2} and INITIAL-CONTACT. */
  static Timeline twoClients(String id2) {
    Timeline x = new Timeline(1);
    x.phase1(Trace.PEER, 1, "harness.example.org", false);
    x.ping(Trace.PEER, true);
    x.phase1(C2, 2, id2, true);
    x.ping(C2, true);
    return x;
  }

  @Test
  public void anotherIdsSasDeletedAfterTheContactFail() {
    Timeline x = twoClients("client-2.harness.example.org");
    x.delete(Trace.PEER, 1);
    assertEquals(x.must(), Verdict.FAIL);
    assertEquals(x.should(), Verdict.NOT_APPLICABLE, "no client shares the sender's ID");
  }

  @Test
  public void anotherIdsEspNoLongerAnsweredWhileTheOthersIsFails() {
    Timeline x = twoClients("client-2.harness.example.org");
    x.ping(Trace.PEER, false);
    x.ping(Trace.PEER, false);
    Judgement j = InitialContactChecks.notByAddress(x.trace, MUST);
    assertEquals(j.verdict(), Verdict.FAIL, j.reason());
    assertTrue(j.reason().contains("client-2 #"), j.reason());
  }

  @Test
  public void anotherIdsEspStillAnsweredPasses() {
    Timeline x = twoClients("client-2.harness.example.org");
    x.ping(Trace.PEER, true);
    assertEquals(x.must(), Verdict.PASS);
  }

  @Test
  public void theSameIdRemovedPassesTheShouldAndLeavesTheMustAside() {
    Timeline x = twoClients("harness.example.org");
    x.ping(Trace.PEER, false);
    assertEquals(x.must(), Verdict.NOT_APPLICABLE);
    assertEquals(x.should(), Verdict.PASS);
    Timeline deleted = twoClients("harness.example.org");
    deleted.delete(Trace.PEER, 1);
    assertEquals(deleted.must(), Verdict.NOT_APPLICABLE);
    assertEquals(deleted.should(), Verdict.PASS);
  }

  @Test
  public void theSameIdKeptFailsTheShould() {
    Timeline x = twoClients("harness.example.org");
    x.ping(Trace.PEER, true);
    assertEquals(x.should(), Verdict.FAIL);
  }

  @Test
  public void whatTheTraceCannotDecideIsInconclusive() {
    Timeline one = new Timeline(1);
    one.phase1(Trace.PEER, 1, "harness.example.org", true);
    one.ping(Trace.PEER, true);
    assertEquals(one.must(), Verdict.INCONCLUSIVE, "one client only");
    assertEquals(one.should(), Verdict.INCONCLUSIVE, "one client only");

    Timeline noContact = new Timeline(1);
    noContact.phase1(Trace.PEER, 1, "harness.example.org", false);
    noContact.phase1(C2, 2, "client-2.harness.example.org", false);
    noContact.ping(Trace.PEER, false);
    assertEquals(noContact.must(), Verdict.INCONCLUSIVE, "no INITIAL-CONTACT");

    Timeline noNat = new Timeline(0);
    noNat.phase1(Trace.PEER, 1, "harness.example.org", false);
    noNat.ping(Trace.PEER, true);
    noNat.phase1(C2, 2, "client-2.harness.example.org", true);
    noNat.ping(Trace.PEER, false);
    assertEquals(noNat.must(), Verdict.INCONCLUSIVE, "no NAT between");

    Timeline silent = twoClients("client-2.harness.example.org");
    assertEquals(silent.must(), Verdict.INCONCLUSIVE, "no ESP of client 1 afterwards");

    Timeline deadIut = new Timeline(1);
    deadIut.phase1(Trace.PEER, 1, "harness.example.org", false);
    deadIut.ping(Trace.PEER, true);
    deadIut.phase1(C2, 2, "client-2.harness.example.org", true);
    deadIut.ping(C2, false);
    deadIut.ping(Trace.PEER, false);
    assertEquals(deadIut.must(), Verdict.INCONCLUSIVE, "the IUT answered nobody afterwards");

    Timeline neverAnswered = new Timeline(1);
    neverAnswered.phase1(Trace.PEER, 1, "harness.example.org", false);
    neverAnswered.ping(Trace.PEER, false);
    neverAnswered.phase1(C2, 2, "client-2.harness.example.org", true);
    neverAnswered.ping(C2, true);
    neverAnswered.ping(Trace.PEER, false);
    assertEquals(neverAnswered.must(), Verdict.INCONCLUSIVE, "client 1 never answered before");
  }

  @Test
  public void aContactWhosePhase1TheIutRefusedCountsAsNone() {
    Timeline x = new Timeline(1);
    x.phase1(Trace.PEER, 1, "harness.example.org", false);
    x.ping(Trace.PEER, true);
    x.message5(C2, 2, "client-2.harness.example.org", true);
    x.add(
        C2,
        Direction.RECEIVED,
        ike(
            2,
            ExchangeType.INFORMATIONAL.code(),
            List.of(
                new HashPayload(new byte[20]),
                NotificationPayload.of(IpsecAttr.PROTO_ISAKMP, 24, new byte[16]))));
    x.ping(Trace.PEER, false);
    Judgement j = InitialContactChecks.notByAddress(x.trace, MUST);
    assertEquals(j.verdict(), Verdict.INCONCLUSIVE, j.reason());
    assertTrue(j.reason().contains("refused"), j.reason());
  }

  @Test
  public void aDeleteAfterTheOtherClientsOwnQuickModeOrLongAfterIsNoEvidence() {
    Timeline x = twoClients("client-2.harness.example.org");
    x.add(
        Trace.PEER,
        Direction.SENT,
        ike(1, ExchangeType.QUICK.code(), List.of(new HashPayload(new byte[20]))));
    x.delete(Trace.PEER, 1);
    assertEquals(x.must(), Verdict.INCONCLUSIVE, "a Delete after a Quick Mode of its own");

    Timeline late = twoClients("client-2.harness.example.org");
    late.t += InitialContactChecks.DELETE_WINDOW.toNanos();
    late.delete(Trace.PEER, 1);
    assertEquals(late.must(), Verdict.INCONCLUSIVE, "a Delete past the window");
  }
}
