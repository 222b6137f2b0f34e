package io.natt.ike;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.natt.crypto.DhGroup;
import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.crypto.HashAlg;
import io.natt.crypto.Ike1Cipher;
import io.natt.esp.EspSa;
import io.natt.wire.Datagram;
import io.natt.wire.DeletePayload;
import io.natt.wire.ExchangeType;
import io.natt.wire.HashPayload;
import io.natt.wire.IdPayload;
import io.natt.wire.IpsecAttr;
import io.natt.wire.IsakmpHeader;
import io.natt.wire.IsakmpMessage;
import io.natt.wire.KePayload;
import io.natt.wire.NatDPayload;
import io.natt.wire.PacketView;
import io.natt.wire.PayloadType;
import io.natt.wire.SaPayload;
import io.natt.wire.Transform;
import io.natt.wire.VendorIdPayload;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * The harness's initiator against its own responder over an in-memory wire, optionally through a
 * tiny port-randomising NAT in front of the initiator.
 */
public class Ikev1ResponderTest {
  private static final Inet4Address PRIVATE = ip("10.0.1.2");
  private static final Inet4Address DIRECT = ip("198.51.100.3");
  private static final Inet4Address NAT_PUBLIC = ip("198.51.100.1");
  private static final Inet4Address RESPONDER = ip("198.51.100.2");
  private static final byte[] PSK = "unit-test-psk-0123456789".getBytes();

  private final SecureRandom rnd = new SecureRandom();

  // ------------------------------------------------------------------ the in-memory wire

  /** Two queues and, when {@code nat}, a NAT rewriting the initiator's source address and port. */
  static final class Wire {
    final BlockingQueue<Datagram> toInitiator = new LinkedBlockingQueue<>();
    final BlockingQueue<Datagram> toResponder = new LinkedBlockingQueue<>();
    final boolean nat;
    final Inet4Address initiatorAddress;
    final Map<Integer, Integer> outbound = new HashMap<>();
    final Map<Integer, Integer> inbound = new HashMap<>();

    Wire(boolean nat, SecureRandom rnd) {
      this.nat = nat;
      this.initiatorAddress = nat ? PRIVATE : DIRECT;
      for (int port : List.of(500, 4500)) {
        int mapped;
        do {
          mapped = 1024 + rnd.nextInt(60000);
        } while (inbound.containsKey(mapped));
        outbound.put(port, mapped);
        inbound.put(mapped, port);
      }
    }

    InetSocketAddress publicOf(int port) {
      return nat
          ? new InetSocketAddress(NAT_PUBLIC, outbound.get(port))
          : new InetSocketAddress(DIRECT, port);
    }

    final Channel initiatorSide =
        new Channel() {
          @Override
          public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
            Datagram sent =
                Datagram.now(new InetSocketAddress(initiatorAddress, localPort), to, payload);
            toResponder.add(nat ? Datagram.now(publicOf(localPort), to, payload) : sent);
            return sent;
          }

          @Override
          public Optional<Datagram> receive(Duration timeout) {
            return poll(toInitiator, timeout);
          }
        };

    final Channel responderSide =
        new Channel() {
          @Override
          public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
            Datagram sent = Datagram.now(new InetSocketAddress(RESPONDER, localPort), to, payload);
            if (!nat) {
              toInitiator.add(sent);
            } else if (to.getAddress().equals(NAT_PUBLIC) && inbound.containsKey(to.getPort())) {
              InetSocketAddress inside = new InetSocketAddress(PRIVATE, inbound.get(to.getPort()));
              toInitiator.add(Datagram.now(sent.from(), inside, payload));
            } // else: the NAT drops it
            return sent;
          }

          @Override
          public Optional<Datagram> receive(Duration timeout) {
            return poll(toResponder, timeout);
          }
        };

    static Optional<Datagram> poll(BlockingQueue<Datagram> q, Duration timeout) {
      try {
        return Optional.ofNullable(q.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /** Keeps what one side sent and received, and its notes. */
  static final class Recorder implements PeerListener {
    final List<Datagram> sent = Collections.synchronizedList(new ArrayList<>());
    final List<PacketView> sentViews = Collections.synchronizedList(new ArrayList<>());
    final List<Datagram> received = Collections.synchronizedList(new ArrayList<>());
    final List<PacketView> receivedViews = Collections.synchronizedList(new ArrayList<>());
    final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void sent(Datagram d, PacketView view) {
      sent.add(d);
      sentViews.add(view);
    }

    @Override
    public void received(Datagram d, PacketView view) {
      received.add(d);
      receivedViews.add(view);
    }

    @Override
    public void note(String text) {
      notes.add(text);
    }

    boolean noted(String part) {
      synchronized (notes) {
        return notes.stream().anyMatch(n -> n.contains(part));
      }
    }

    String all() {
      synchronized (notes) {
        return String.join("\n", notes);
      }
    }
  }

  /** One run: both engines, both recorders, the outcome. */
  final class Run {
    final Wire wire;
    final Recorder iRec = new Recorder();
    final Recorder rRec = new Recorder();
    final Ikev1Initiator initiator;
    final Ikev1Responder responder;
    final CompletableFuture<Optional<ChildSaKeys>> served;
    ChildSaKeys initiatorChild;
    ChildSaKeys responderChild;

    /**
     * With a retransmission interval that survives a loaded machine (two cores shared with other
     * builds: the first Diffie-Hellman of a JVM can take longer than 400 ms there).
     */
    Run(boolean nat, Knobs initiatorKnobs, ResponderConfig rcfg) {
      this(nat, initiatorKnobs, rcfg, Duration.ofMillis(1000));
    }

    /** With the initiator's retransmission interval (short for runs meant to fail). */
    Run(boolean nat, Knobs initiatorKnobs, ResponderConfig rcfg, Duration initiatorTimeout) {
      this(
          nat,
          initiatorKnobs,
          rcfg,
          initiatorTimeout,
          Ike1Cipher.AES_CBC_128,
          HashAlg.SHA2_256,
          DhGroup.MODP_1024,
          EspCipher.AES_CBC_128,
          EspIntegrity.HMAC_SHA2_256_128);
    }

    /** With the initiator's proposal. */
    Run(
        boolean nat,
        Knobs initiatorKnobs,
        ResponderConfig rcfg,
        Duration initiatorTimeout,
        Ike1Cipher cipher,
        HashAlg hash,
        DhGroup group,
        EspCipher espCipher,
        EspIntegrity espIntegrity) {
      wire = new Wire(nat, rnd);
      PeerConfig icfg =
          new PeerConfig(
              wire.initiatorAddress,
              RESPONDER,
              "harness.example.org",
              "iut.example.org",
              PSK,
              cipher,
              hash,
              group,
              espCipher,
              espIntegrity,
              ip("10.9.0.0"),
              24,
              initiatorKnobs,
              initiatorTimeout);
      initiator = new Ikev1Initiator(icfg, wire.initiatorSide, iRec, rnd);
      responder = new Ikev1Responder(rcfg, wire.responderSide, rRec, rnd);
      // a thread of its own: a run meant to fail leaves its responder serving for a while
      served =
          CompletableFuture.supplyAsync(
              () -> responder.serve(Duration.ofSeconds(4)),
              task -> {
                Thread t = new Thread(task, "responder");
                t.setDaemon(true);
                t.start();
              });
    }

    Run complete() throws Exception {
      initiator.mainMode();
      return quickMode();
    }

    Run completeAggressive() throws Exception {
      initiator.aggressiveMode();
      return quickMode();
    }

    Run quickMode() throws Exception {
      initiatorChild =
          initiator.quickMode(
              IdPayloads.host(wire.initiatorAddress), IdPayloads.subnet(ip("10.9.0.0"), 24));
      responderChild =
          served
              .get(5, TimeUnit.SECONDS)
              .orElseThrow(() -> new AssertionError("responder: no CHILD_SA\n" + rRec.all()));
      return this;
    }
  }

  private static ResponderConfig responderConfig(Knobs knobs) {
    return ResponderConfig.acceptingAll(
        RESPONDER,
        "iut.example.org",
        "harness.example.org",
        PSK,
        ip("10.9.0.0"),
        24,
        knobs,
        Duration.ofMillis(400));
  }

  private static void assertKeysMatch(ChildSaKeys i, ChildSaKeys r) {
    assertEquals(i.spiIn(), r.spiOut());
    assertEquals(i.spiOut(), r.spiIn());
    assertNotEquals(i.spiIn(), i.spiOut());
    assertEquals(i.cipher(), r.cipher());
    assertEquals(i.integrity(), r.integrity());
    assertTrue(Arrays.equals(i.encIn(), r.encOut()));
    assertTrue(Arrays.equals(i.authIn(), r.authOut()));
    assertTrue(Arrays.equals(i.encOut(), r.encIn()));
    assertTrue(Arrays.equals(i.authOut(), r.authIn()));
    assertFalse(Arrays.equals(i.encIn(), i.encOut()));
    assertEquals(i.encapsulationMode(), r.encapsulationMode());
  }

  /** The encrypted Main Mode message the responder sent (message 6). */
  private static Datagram message6(Recorder r) {
    synchronized (r.sent) {
      for (int k = 0; k < r.sent.size(); k++) {
        if (r.sentViews.get(k) instanceof PacketView.Ike v
            && v.header().exchangeType() == ExchangeType.IDENTITY_PROTECTION.code()
            && v.header().encrypted()) {
          return r.sent.get(k);
        }
      }
    }
    throw new AssertionError("no message 6 sent");
  }

  /**
   * Main Mode message 4 as the responder sent it: its first unencrypted Main Mode message with a KE
   * payload (found by content, so that a retransmitted message 2 under load is not taken for it).
   */
  private static PacketView.Ike message4(Recorder r) {
    synchronized (r.sent) {
      for (PacketView p : r.sentViews) {
        if (p instanceof PacketView.Ike v
            && v.header().exchangeType() == ExchangeType.IDENTITY_PROTECTION.code()
            && !v.header().encrypted()
            && !v.all(KePayload.class).isEmpty()) {
          return v;
        }
      }
    }
    throw new AssertionError("no message 4 sent");
  }

  private static PacketView.Ike firstSentIke(Recorder r, int exchange, boolean encrypted, int n) {
    int seen = 0;
    List<byte[]> earlier = new java.util.ArrayList<>();
    synchronized (r.sent) {
      for (int k = 0; k < r.sentViews.size(); k++) {
        PacketView p = r.sentViews.get(k);
        byte[] bytes = r.sent.get(k).payload();
        // a retransmission (same bytes again, on a loaded machine) is not the next message
        boolean again = earlier.stream().anyMatch(b -> Arrays.equals(b, bytes));
        earlier.add(bytes);
        if (!again
            && p instanceof PacketView.Ike v
            && v.header().exchangeType() == exchange
            && v.header().encrypted() == encrypted
            && seen++ == n) {
          return v;
        }
      }
    }
    throw new AssertionError("message not sent");
  }

  // ------------------------------------------------------------------ tests

  @Test
  public void aggressiveModeBehindNatFloatsAtMessage3AndKeysMatch() throws Exception {
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(Knobs.rfc3947())).completeAggressive();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertEquals(run.responderChild.encapsulationMode(), IpsecAttr.UDP_TUNNEL);
    assertTrue(run.initiator.natDetection().localBehindNat(), run.iRec.all());
    assertFalse(run.initiator.natDetection().remoteBehindNat(), run.iRec.all());
    // the responder learns of the NAT from the NAT-D in message 3
    assertTrue(run.responder.natDetection().remoteBehindNat(), run.rRec.all());
    assertFalse(run.responder.natDetection().localBehindNat(), run.rRec.all());
    assertTrue(run.initiator.floated());
    assertTrue(run.responder.floated());
    assertEquals(run.responder.remoteEndpoint(), run.wire.publicOf(4500));

    // message 2: SA, KE, Nr, IDir, VID, two RFC 3947 NAT-D, HASH_R, on 500
    PacketView.Ike m2 = firstSentIke(run.rRec, ExchangeType.AGGRESSIVE.code(), false, 0);
    assertEquals(m2.all(NatDPayload.class).size(), 2);
    m2.all(NatDPayload.class).forEach(n -> assertEquals(n.type(), PayloadType.NAT_D.code()));
    assertEquals(m2.all(IdPayload.class).size(), 1);
    assertEquals(m2.all(HashPayload.class).size(), 1);
    // message 3 went to 4500 behind the marker, with NAT-D and HASH_I
    Datagram m3 = sentBy(run.iRec, ExchangeType.AGGRESSIVE.code(), true);
    assertEquals(m3.from().getPort(), 4500);
    assertEquals(m3.to().getPort(), 4500);
    assertTrue(Arrays.equals(Arrays.copyOf(m3.payload(), 4), new byte[4]), "non-ESP marker");
  }

  @Test
  public void aggressiveModeWithoutNatStaysOn500() throws Exception {
    Run run =
        new Run(false, Knobs.rfc3947(), responderConfig(Knobs.rfc3947())).completeAggressive();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertFalse(run.initiator.natDetection().natDetected(), run.iRec.all());
    assertFalse(run.responder.natDetection().natDetected(), run.rRec.all());
    assertFalse(run.initiator.floated());
    assertFalse(run.responder.floated());
    Datagram m3 = sentBy(run.iRec, ExchangeType.AGGRESSIVE.code(), true);
    assertEquals(m3.to().getPort(), 500);
  }

  @Test
  public void aggressiveModeResponderHonoursTheNatDKnob() throws Exception {
    Run run =
        new Run(
                true,
                Knobs.rfc3947(),
                responderConfig(Knobs.rfc3947().withNatD(Knobs.NatDMode.OMIT)))
            .completeAggressive();
    PacketView.Ike m2 = firstSentIke(run.rRec, ExchangeType.AGGRESSIVE.code(), false, 0);
    assertTrue(m2.all(NatDPayload.class).isEmpty(), m2.summary());
    assertTrue(
        run.iRec.noted("sent no NAT-D payloads in Aggressive Mode message 2"), run.iRec.all());
    // no NAT-D, no NAT known to the initiator: it stays on 500
    assertFalse(run.initiator.floated());
  }

  /** The first datagram {@code r} sent of that exchange, encrypted or not. */
  private static Datagram sentBy(Recorder r, int exchange, boolean encrypted) {
    synchronized (r.sent) {
      for (int k = 0; k < r.sent.size(); k++) {
        if (r.sentViews.get(k) instanceof PacketView.Ike v
            && v.header().exchangeType() == exchange
            && v.header().encrypted() == encrypted) {
          return r.sent.get(k);
        }
      }
    }
    throw new AssertionError("not sent");
  }

  @Test
  public void behindNatBothSidesDetectItAndKeysMatch() throws Exception {
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(Knobs.rfc3947())).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertEquals(run.responderChild.encapsulationMode(), IpsecAttr.UDP_TUNNEL);

    NatDetection i = run.initiator.natDetection();
    assertEquals(i.natTVariant(), "RFC 3947");
    assertTrue(i.localBehindNat(), run.iRec.all());
    assertFalse(i.remoteBehindNat(), run.iRec.all());
    NatDetection r = run.responder.natDetection();
    assertEquals(r.natTVariant(), "RFC 3947");
    assertTrue(r.remoteBehindNat(), run.rRec.all());
    assertFalse(r.localBehindNat(), run.rRec.all());

    assertTrue(run.initiator.floated());
    assertTrue(run.responder.floated());
    assertEquals(run.responder.remoteEndpoint(), run.wire.publicOf(4500));
    Datagram m6 = message6(run.rRec);
    assertEquals(m6.from().getPort(), 4500);
    assertEquals(m6.to(), run.wire.publicOf(4500));
    assertTrue(Arrays.equals(Arrays.copyOf(m6.payload(), 4), new byte[4]), "non-ESP marker");

    // message 4 carries two RFC 3947 NAT-D payloads
    PacketView.Ike m4 = message4(run.rRec);
    List<NatDPayload> natd = m4.all(NatDPayload.class);
    assertEquals(natd.size(), 2);
    natd.forEach(n -> assertEquals(n.type(), PayloadType.NAT_D.code()));
    assertEquals(run.responder.children().size(), 1);
  }

  @DataProvider
  public Object[][] proposals() {
    return new Object[][] {
      {
        Ike1Cipher.DES3_CBC,
        HashAlg.MD5,
        DhGroup.MODP_1024,
        EspCipher.DES3_CBC,
        EspIntegrity.HMAC_SHA1_96
      },
      {
        Ike1Cipher.AES_CBC_192,
        HashAlg.SHA2_384,
        DhGroup.ECP_256,
        EspCipher.AES_GCM16_128,
        EspIntegrity.NONE
      },
      {
        Ike1Cipher.AES_CBC_256,
        HashAlg.SHA2_512,
        DhGroup.ECP_384,
        EspCipher.AES_CBC_192,
        EspIntegrity.HMAC_SHA2_512_256
      },
      {
        Ike1Cipher.AES_CBC_128,
        HashAlg.SHA1,
        DhGroup.MODP_1536,
        EspCipher.AES_GCM16_256,
        EspIntegrity.NONE
      },
      {
        Ike1Cipher.AES_CBC_128,
        HashAlg.SHA2_256,
        DhGroup.MODP_3072,
        EspCipher.AES_CBC_256,
        EspIntegrity.HMAC_SHA2_384_192
      },
    };
  }

  /**
   * The harness's two engines agree on every algorithm: phase 1 completes (HASH_I/HASH_R verify
   * only with the same SKEYID from the same DH secret), Quick Mode completes, the responder chose
   * exactly what was offered, and ESP sealed with one side's keys opens with the other's.
   */
  @Test(dataProvider = "proposals")
  public void everyAlgorithmNegotiatesAndCarriesEsp(
      Ike1Cipher c, HashAlg h, DhGroup g, EspCipher ec, EspIntegrity ei) throws Exception {
    Run run =
        new Run(
                true,
                Knobs.rfc3947(),
                responderConfig(Knobs.rfc3947()),
                Duration.ofSeconds(2),
                c,
                h,
                g,
                ec,
                ei)
            .complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertEquals(run.responderChild.cipher(), ec);
    assertEquals(run.responderChild.integrity(), ei);
    assertTrue(run.rRec.noted("accepted " + c + "/" + h + "/" + g), run.rRec.all());
    // the KE payloads have the group's public value length (ECP: x | y)
    PacketView.Ike m4 = message4(run.rRec);
    assertEquals(m4.all(KePayload.class).get(0).data().length, g.publicValueLength());
    // Quick Mode SA attributes: GCM has no AUTH_ALGORITHM, 3DES no KEY_LENGTH
    Transform t =
        firstSentIke(run.iRec, ExchangeType.QUICK.code(), true, 0)
            .all(SaPayload.class)
            .get(0)
            .proposals()
            .get(0)
            .transforms()
            .get(0);
    assertEquals(t.transformId(), ec.transformId());
    assertEquals(t.attribute(IpsecAttr.AUTH_ALGORITHM).isPresent(), ei != EspIntegrity.NONE);
    assertEquals(t.attribute(IpsecAttr.KEY_LENGTH).isPresent(), ec.keyLengthBits() != 0);
    ChildSaKeys i = run.initiatorChild;
    ChildSaKeys r = run.responderChild;
    assertEquals(i.encOut().length, ec.keymatLength());
    assertEquals(i.authOut().length, ei.keyLength());
    EspSa out = new EspSa(i.spiOut(), i.cipher(), i.encOut(), i.integrity(), i.authOut());
    EspSa in = new EspSa(r.spiIn(), r.cipher(), r.encIn(), r.integrity(), r.authIn());
    byte[] inner = new byte[61];
    rnd.nextBytes(inner);
    assertEquals(in.open(out.seal(inner, rnd)).inner(), inner);
  }

  @Test
  public void directWithoutNatNobodyFloats() throws Exception {
    Run run = new Run(false, Knobs.rfc3947(), responderConfig(Knobs.rfc3947())).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertFalse(run.initiator.natDetection().natDetected(), run.iRec.all());
    assertFalse(run.responder.natDetection().natDetected(), run.rRec.all());
    assertFalse(run.initiator.floated());
    assertEquals(run.responder.localPort(), 500);
    assertEquals(message6(run.rRec).from().getPort(), 500);
  }

  @Test
  public void forcedEncapsulationMakesTheInitiatorSeeANatAtTheResponder() throws Exception {
    Knobs k = Knobs.rfc3947().withNatD(Knobs.NatDMode.FORCE_ENCAPSULATION);
    Run run = new Run(false, Knobs.rfc3947(), responderConfig(k)).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertFalse(run.initiator.natDetection().localBehindNat());
    assertTrue(run.initiator.natDetection().remoteBehindNat(), run.iRec.all());
    assertTrue(run.initiator.floated());
    assertEquals(message6(run.rRec).from().getPort(), 4500);
  }

  @Test
  public void natDOmittedTheInitiatorNotesIt() throws Exception {
    Knobs k = Knobs.rfc3947().withNatD(Knobs.NatDMode.OMIT);
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(k)).complete();
    assertTrue(run.iRec.noted("sent no NAT-D payloads"), run.iRec.all());
    assertFalse(run.initiator.natDetection().natDetected());
    assertFalse(run.initiator.floated());
    PacketView.Ike m4 = message4(run.rRec);
    assertTrue(m4.all(NatDPayload.class).isEmpty());
    // the responder itself still saw the initiator's NAT
    assertTrue(run.responder.natDetection().remoteBehindNat());
  }

  @Test
  public void noVendorIdsNoNatTVariant() throws Exception {
    Knobs k = Knobs.rfc3947().withVendorIds(List.of());
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(k)).complete();
    assertEquals(run.initiator.natDetection().natTVariant(), "none");
    assertTrue(run.iRec.noted("NAT-T variant agreed: none"), run.iRec.all());
    PacketView.Ike m2 = firstSentIke(run.rRec, ExchangeType.IDENTITY_PROTECTION.code(), false, 0);
    assertTrue(m2.all(VendorIdPayload.class).isEmpty());
    PacketView.Ike m4 = message4(run.rRec);
    assertTrue(m4.all(NatDPayload.class).isEmpty());
    assertEquals(run.responder.natDetection().natTVariant(), "none");
  }

  @Test
  public void draftVendorIdGivesDraftNatD() throws Exception {
    Knobs ik = Knobs.rfc3947().withVendorIds(List.of(Knobs.VendorIdChoice.DRAFT_03));
    Knobs rk =
        Knobs.rfc3947()
            .withVendorIds(List.of(Knobs.VendorIdChoice.RFC3947, Knobs.VendorIdChoice.DRAFT_03));
    Run run = new Run(true, ik, responderConfig(rk)).complete();
    assertEquals(run.initiator.natDetection().natTVariant(), "draft-ietf-ipsec-nat-t-ike-03");
    PacketView.Ike m4 = message4(run.rRec);
    List<NatDPayload> natd = m4.all(NatDPayload.class);
    assertEquals(natd.size(), 2);
    natd.forEach(n -> assertEquals(n.type(), PayloadType.NAT_D_DRAFT.code()));
    assertTrue(run.initiator.natDetection().localBehindNat());
  }

  @Test
  public void floatNeverAnswersMessage6OnPort500() throws Exception {
    Knobs k = Knobs.rfc3947().withFloatAt(Knobs.FloatMode.NEVER);
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(k)).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    Datagram m6 = message6(run.rRec);
    assertEquals(m6.from().getPort(), 500);
    assertEquals(m6.to(), run.wire.publicOf(500));
    // what the initiator saw: message 6 arriving on its port 500, without the marker
    boolean seen = false;
    synchronized (run.iRec.received) {
      for (int k2 = 0; k2 < run.iRec.received.size(); k2++) {
        if (run.iRec.receivedViews.get(k2) instanceof PacketView.Ike v
            && v.header().exchangeType() == ExchangeType.IDENTITY_PROTECTION.code()
            && v.header().encrypted()) {
          assertEquals(run.iRec.received.get(k2).to().getPort(), 500);
          assertEquals(run.iRec.received.get(k2).from().getPort(), 500);
          assertFalse(v.marker());
          seen = true;
        }
      }
    }
    assertTrue(seen, "initiator never received message 6");
    assertTrue(run.initiator.floated(), "the initiator itself moved to 4500");
  }

  @Test
  public void encapsulationModeKnobOverridesTheAnswer() throws Exception {
    Knobs k = Knobs.rfc3947().withEncapsulationMode(IpsecAttr.TUNNEL);
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(k)).complete();
    assertEquals(run.initiatorChild.encapsulationMode(), IpsecAttr.TUNNEL);
    assertEquals(run.responderChild.encapsulationMode(), IpsecAttr.TUNNEL);
  }

  @Test
  public void unsupportedProposalIsRefused() {
    ResponderConfig rc = responderConfig(Knobs.rfc3947()).withCiphers(Set.of(Ike1Cipher.DES3_CBC));
    Run run = new Run(true, Knobs.rfc3947(), rc);
    IkeException e = expectThrows(IkeException.class, run.initiator::mainMode);
    assertTrue(e.getMessage().contains("NO_PROPOSAL_CHOSEN"), e.getMessage());
    run.served.cancel(true);
  }

  @Test
  public void garbageIsNotedAndServingGoesOn() throws Exception {
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(Knobs.rfc3947()));
    InetSocketAddress from = run.wire.publicOf(500);
    InetSocketAddress to500 = new InetSocketAddress(RESPONDER, 500);
    InetSocketAddress to4500 = new InetSocketAddress(RESPONDER, 4500);
    byte[] junk = new byte[60];
    rnd.nextBytes(junk);
    run.wire.toResponder.add(Datagram.now(from, to500, junk));
    byte[] marked = new byte[40];
    rnd.nextBytes(marked);
    Arrays.fill(marked, 0, 4, (byte) 0);
    run.wire.toResponder.add(Datagram.now(run.wire.publicOf(4500), to4500, marked));
    byte[] cookie = new byte[8];
    rnd.nextBytes(cookie);
    IsakmpHeader h =
        new IsakmpHeader(
            cookie,
            cookie,
            0,
            1,
            0,
            ExchangeType.INFORMATIONAL.code(),
            IsakmpHeader.FLAG_ENCRYPTION,
            7,
            0);
    run.wire.toResponder.add(
        Datagram.now(from, to500, IsakmpMessage.encrypted(h, 8, new byte[32]).encode()));
    IsakmpHeader plain =
        new IsakmpHeader(cookie, cookie, 0, 1, 0, ExchangeType.INFORMATIONAL.code(), 0, 9, 0);
    run.wire.toResponder.add(
        Datagram.now(
            from,
            to500,
            IsakmpMessage.plain(
                    plain, List.of(DeletePayload.of(IpsecAttr.PROTO_IPSEC_ESP, new byte[4])))
                .encode()));
    run.complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertTrue(run.rRec.received.size() >= 4 + 5, "every datagram reaches the listener");
    assertTrue(run.rRec.noted("deletes"), run.rRec.all());
    assertTrue(run.rRec.receivedViews.get(0) instanceof PacketView.Malformed);
    assertEquals(run.responder.informationals().size(), 1);
  }

  // ------------------------------------------------------------------ deviations

  private static final Duration FAST_FAIL = Duration.ofMillis(150);

  private static Knobs with(Knobs k, Knobs.Deviation d) {
    return k.withDeviations(Set.of(d));
  }

  /** The initiator cookie at the start of the bytes: an ISAKMP header without a marker. */
  private static boolean startsWithCookie(byte[] payload, byte[] ckyI) {
    return payload.length > 28 && Arrays.equals(Arrays.copyOf(payload, 8), ckyI);
  }

  private static boolean hasMarker(byte[] payload) {
    return payload.length > 4 && Arrays.equals(Arrays.copyOf(payload, 4), new byte[4]);
  }

  /** The decrypted Main Mode message (5 or 6) a recorder received. */
  private static PacketView.Ike receivedMainModeEncrypted(Recorder r) {
    synchronized (r.received) {
      for (PacketView p : r.receivedViews) {
        if (p instanceof PacketView.Ike v
            && v.header().exchangeType() == ExchangeType.IDENTITY_PROTECTION.code()
            && v.header().encrypted()
            && v.decrypted()) {
          return v;
        }
      }
    }
    throw new AssertionError("no decrypted Main Mode message received");
  }

  @Test
  public void noMarkerResponderSendsMessage6AsBareIsakmpOn4500() {
    Knobs rk = with(Knobs.rfc3947(), Knobs.Deviation.NO_MARKER);
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(rk), FAST_FAIL);
    IkeException e = expectThrows(IkeException.class, run.initiator::mainMode);
    assertTrue(e.getMessage().contains("Main Mode message 5"), e.getMessage());
    Datagram m6 = message6(run.rRec);
    assertEquals(m6.from().getPort(), 4500);
    assertEquals(m6.to(), run.wire.publicOf(4500));
    assertTrue(startsWithCookie(m6.payload(), run.initiator.initiatorCookie()), "no marker");
    assertFalse(((PacketView.Ike) run.rRec.sentViews.get(run.rRec.sent.indexOf(m6))).marker());
    assertTrue(run.rRec.noted("no-marker"), run.rRec.all());
    // the initiator's receive path took it for ESP and went on without crashing
    boolean seenAsEsp = false;
    synchronized (run.iRec.received) {
      for (int k = 0; k < run.iRec.received.size(); k++) {
        if (run.iRec.received.get(k).to().getPort() == 4500) {
          assertTrue(run.iRec.receivedViews.get(k) instanceof PacketView.Esp, run.iRec.all());
          seenAsEsp = true;
        }
      }
    }
    assertTrue(seenAsEsp, run.iRec.all());
    // Main Mode 2 and 4 on port 500 are unaffected
    assertFalse(hasMarker(run.rRec.sent.get(0).payload()));
    assertEquals(run.rRec.sent.get(0).from().getPort(), 500);
    run.served.cancel(true);
  }

  @Test
  public void noMarkerInitiatorSendsMessage5AsBareIsakmpOn4500() {
    Knobs ik = with(Knobs.rfc3947(), Knobs.Deviation.NO_MARKER);
    Run run = new Run(true, ik, responderConfig(Knobs.rfc3947()), FAST_FAIL);
    expectThrows(IkeException.class, run.initiator::mainMode);
    List<Datagram> on4500;
    synchronized (run.iRec.sent) {
      on4500 = run.iRec.sent.stream().filter(d -> d.from().getPort() == 4500).toList();
    }
    assertFalse(on4500.isEmpty());
    for (Datagram d : on4500) {
      assertEquals(d.to().getPort(), 4500);
      assertTrue(startsWithCookie(d.payload(), run.initiator.initiatorCookie()), "no marker");
    }
    // the responder saw ESP-looking datagrams on 4500, noted them and kept serving
    assertTrue(run.rRec.noted("ignored a non-IKE datagram: ESP"), run.rRec.all());
    assertFalse(run.served.isCompletedExceptionally(), run.rRec.all());
    assertEquals(run.responder.localPort(), 500);
    run.served.cancel(true);
  }

  @Test
  public void idPort500OnBothSidesStillCompletes() throws Exception {
    Knobs k = with(Knobs.rfc3947(), Knobs.Deviation.ID_PORT_500);
    Run run = new Run(true, k, responderConfig(k)).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    for (Recorder r : List.of(run.rRec, run.iRec)) {
      IdPayload id = receivedMainModeEncrypted(r).all(IdPayload.class).get(0);
      assertEquals(id.protocolId(), 17, r.all());
      assertEquals(id.port(), 500, r.all());
    }
  }

  @Test
  public void idPort500OnOneSideOnlyAgainstTheCompliantOther() throws Exception {
    Knobs k = with(Knobs.rfc3947(), Knobs.Deviation.ID_PORT_500);
    Run run = new Run(false, Knobs.rfc3947(), responderConfig(k)).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    IdPayload idii = receivedMainModeEncrypted(run.rRec).all(IdPayload.class).get(0);
    assertEquals(idii.port(), 0);
    assertEquals(idii.protocolId(), 0);
    IdPayload idir = receivedMainModeEncrypted(run.iRec).all(IdPayload.class).get(0);
    assertEquals(idir.port(), 500);
  }

  @Test
  public void replyToPort500IsLostBehindThePortRandomisingNat() {
    Knobs rk = with(Knobs.rfc3947(), Knobs.Deviation.REPLY_TO_PORT_500);
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(rk), FAST_FAIL);
    expectThrows(IkeException.class, run.initiator::mainMode);
    assertNotEquals(run.wire.publicOf(500).getPort(), 500);
    assertEquals(run.rRec.received.get(0).from(), run.wire.publicOf(500));
    assertFalse(run.rRec.sent.isEmpty());
    synchronized (run.rRec.sent) {
      for (Datagram d : run.rRec.sent) {
        assertEquals(d.from().getPort(), 500);
        assertEquals(d.to(), new InetSocketAddress(NAT_PUBLIC, 500));
      }
    }
    assertTrue(run.iRec.received.isEmpty(), "the NAT dropped every answer");
    assertTrue(run.rRec.noted("reply-to-port-500"), run.rRec.all());
    run.served.cancel(true);
  }

  @Test
  public void replyToPort500AnswersOn4500To4500() {
    Knobs ik = Knobs.rfc3947().withFloatAt(Knobs.FloatMode.START_ON_4500);
    Knobs rk = with(Knobs.rfc3947(), Knobs.Deviation.REPLY_TO_PORT_500);
    Run run = new Run(true, ik, responderConfig(rk), FAST_FAIL);
    expectThrows(IkeException.class, run.initiator::mainMode);
    assertFalse(run.rRec.sent.isEmpty());
    synchronized (run.rRec.sent) {
      for (Datagram d : run.rRec.sent) {
        assertEquals(d.from().getPort(), 4500);
        assertEquals(d.to(), new InetSocketAddress(NAT_PUBLIC, 4500));
        assertTrue(hasMarker(d.payload()));
      }
    }
    run.served.cancel(true);
  }

  @Test
  public void replyToPort500WithoutNatIsHarmless() throws Exception {
    Knobs rk = with(Knobs.rfc3947(), Knobs.Deviation.REPLY_TO_PORT_500);
    Run run = new Run(false, Knobs.rfc3947(), responderConfig(rk)).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertFalse(run.rRec.noted("reply-to-port-500"), "the real port already was 500");
  }

  @Test
  public void compliantResponderAnswersAMainModeStartingOn4500() throws Exception {
    Knobs ik = Knobs.rfc3947().withFloatAt(Knobs.FloatMode.START_ON_4500);
    Run run = new Run(true, ik, responderConfig(Knobs.rfc3947())).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    synchronized (run.iRec.sent) {
      for (Datagram d : run.iRec.sent) {
        assertEquals(d.from().getPort(), 4500);
        assertEquals(d.to(), new InetSocketAddress(RESPONDER, 4500));
        assertTrue(hasMarker(d.payload()));
      }
    }
    assertTrue(run.rRec.sent.size() >= 4);
    synchronized (run.rRec.sent) {
      for (Datagram d : run.rRec.sent) {
        assertEquals(d.from().getPort(), 4500);
        assertEquals(d.to(), run.wire.publicOf(4500));
        assertTrue(hasMarker(d.payload()));
      }
    }
    // NAT-D hashes over the ports actually used (4500): the NAT is seen where it is
    assertTrue(run.initiator.natDetection().localBehindNat(), run.iRec.all());
    assertFalse(run.initiator.natDetection().remoteBehindNat(), run.iRec.all());
    assertTrue(run.responder.natDetection().remoteBehindNat(), run.rRec.all());
    assertFalse(run.responder.natDetection().localBehindNat(), run.rRec.all());
  }

  @Test
  public void startOn4500WithoutNatDetectsNoNat() throws Exception {
    Knobs ik = Knobs.rfc3947().withFloatAt(Knobs.FloatMode.START_ON_4500);
    Run run = new Run(false, ik, responderConfig(Knobs.rfc3947())).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertFalse(run.initiator.natDetection().natDetected(), run.iRec.all());
    assertFalse(run.responder.natDetection().natDetected(), run.rRec.all());
    assertEquals(message6(run.rRec).from().getPort(), 4500);
  }

  @Test
  public void ignore4500StartLeavesMessage1Unanswered() {
    Knobs ik = Knobs.rfc3947().withFloatAt(Knobs.FloatMode.START_ON_4500);
    Knobs rk = with(Knobs.rfc3947(), Knobs.Deviation.IGNORE_4500_START);
    Run run = new Run(true, ik, responderConfig(rk), FAST_FAIL);
    IkeException e = expectThrows(IkeException.class, run.initiator::mainMode);
    assertTrue(e.getMessage().contains("Main Mode message 1"), e.getMessage());
    assertTrue(run.rRec.sent.isEmpty(), run.rRec.all());
    assertFalse(run.rRec.received.isEmpty());
    synchronized (run.rRec.received) {
      for (int k = 0; k < run.rRec.received.size(); k++) {
        assertEquals(run.rRec.received.get(k).to().getPort(), 4500);
        assertTrue(((PacketView.Ike) run.rRec.receivedViews.get(k)).marker());
      }
    }
    assertTrue(run.rRec.noted("ignore-4500-start"), run.rRec.all());
    assertEquals(run.responder.messagesSent(), 0);
    run.served.cancel(true);
  }

  @Test
  public void ignore4500StartStillAnswersOn500() throws Exception {
    Knobs rk = with(Knobs.rfc3947(), Knobs.Deviation.IGNORE_4500_START);
    Run run = new Run(true, Knobs.rfc3947(), responderConfig(rk)).complete();
    assertKeysMatch(run.initiatorChild, run.responderChild);
    assertTrue(run.responder.floated());
  }

  @Test
  public void theResponderFollowsAnAuthenticatedPacketUnlessIgnoringRebinding() throws Exception {
    InetSocketAddress moved = new InetSocketAddress(NAT_PUBLIC, 40000);
    Run follows = new Run(true, Knobs.rfc3947(), responderConfig(Knobs.rfc3947())).complete();
    assertEquals(follows.responder.remoteEndpoint(), follows.wire.publicOf(4500));
    follows.responder.authenticated(moved, 4500, "a valid ESP packet");
    assertEquals(follows.responder.remoteEndpoint(), moved);
    assertTrue(follows.rRec.noted("moved"), follows.rRec.all());

    Knobs rk = with(Knobs.rfc3947(), Knobs.Deviation.IGNORE_REBINDING);
    Run pinned = new Run(true, Knobs.rfc3947(), responderConfig(rk)).complete();
    pinned.responder.authenticated(moved, 4500, "a valid ESP packet");
    assertEquals(pinned.responder.remoteEndpoint(), pinned.wire.publicOf(4500));
    assertTrue(pinned.rRec.noted("ignore-rebinding"), pinned.rRec.all());
  }

  private static Inet4Address ip(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(s, e);
    }
  }
}
