package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.net.DatagramPort;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.Datagram;
import io.natt.wire.PacketView;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

/** The harness's peer talks to any datagram port, here one in memory (no sockets, no root). */
public class HarnessPeerTest {
  /** A datagram port in memory: what is sent is kept, what is offered comes out of receive. */
  static class MemoryPort implements DatagramPort {
    final Inet4Address address;
    final List<Datagram> sent = new ArrayList<>();
    final LinkedBlockingQueue<Datagram> inbound = new LinkedBlockingQueue<>();

    MemoryPort(Inet4Address address) {
      this.address = address;
    }

    @Override
    public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
      Datagram d = Datagram.now(new InetSocketAddress(address, localPort), to, payload);
      sent.add(d);
      return d;
    }

    @Override
    public Optional<Datagram> receive(Duration timeout) {
      try {
        return Optional.ofNullable(inbound.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }

    @Override
    public Inet4Address localAddress() {
      return address;
    }

    @Override
    public void close() {}
  }

  private static final InetSocketAddress IUT_500 = new InetSocketAddress(ip("198.51.100.2"), 500);
  private static final InetSocketAddress IUT_4500 = new InetSocketAddress(ip("198.51.100.2"), 4500);

  /** An ISAKMP header alone (Main Mode, no payloads): 28 bytes. */
  private static byte[] isakmpHeader() {
    byte[] b = new byte[28];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (i + 1);
    }
    b[17] = 0x10; // version 1.0
    b[18] = 2; // Identity Protection
    b[27] = 28; // length
    return b;
  }

  @Test
  public void receiveHandsIkeToTheEngineAndRecordsAKeepaliveOnTheWay() {
    MemoryPort port = new MemoryPort(ip("10.0.1.2"));
    Trace trace = new Trace();
    InetSocketAddress me4500 = new InetSocketAddress(port.address, 4500);
    InetSocketAddress me500 = new InetSocketAddress(port.address, 500);
    port.inbound.add(Datagram.now(IUT_4500, me4500, new byte[] {(byte) 0xff}));
    port.inbound.add(Datagram.now(IUT_500, me500, isakmpHeader()));
    try (HarnessPeer peer = new HarnessPeer(port, trace, new SecureRandom())) {
      Datagram ike = peer.receive(Duration.ofSeconds(1)).orElseThrow();
      assertEquals(ike.from(), IUT_500);
      assertTrue(
          PacketView.classify(500, 500, ike.payload()) instanceof PacketView.Ike,
          "the engine gets the IKE message");
      List<TraceEntry> seen = trace.at(Trace.PEER);
      assertEquals(seen.size(), 1, trace.ladder(Trace.PEER));
      assertEquals(seen.get(0).direction(), Direction.RECEIVED);
      assertTrue(seen.get(0).view() instanceof PacketView.Keepalive, trace.ladder(Trace.PEER));
      assertEquals(peer.receive(Duration.ofMillis(50)), Optional.empty());
    }
  }

  @Test
  public void sendRawLeavesThroughThePortAndIsRecorded() {
    MemoryPort port = new MemoryPort(ip("10.0.1.2"));
    Trace trace = new Trace();
    try (HarnessPeer peer = new HarnessPeer(port, trace, new SecureRandom())) {
      peer.sendRaw(4500, IUT_4500, new byte[] {0x00});
      peer.send(500, IUT_500, isakmpHeader());
    }
    assertEquals(port.sent.size(), 2);
    assertEquals(port.sent.get(0).from(), new InetSocketAddress(port.address, 4500));
    assertEquals(port.sent.get(0).to(), IUT_4500);
    assertEquals(port.sent.get(1).to(), IUT_500);
    List<TraceEntry> seen = trace.at(Trace.PEER);
    assertEquals(seen.size(), 1, "send() belongs to the engine, which records its own messages");
    assertEquals(seen.get(0).direction(), Direction.SENT);
    assertEquals(seen.get(0).to(), IUT_4500);
  }

  @Test
  public void drainRecordsWhateverComes() {
    MemoryPort port = new MemoryPort(ip("10.0.1.2"));
    Trace trace = new Trace();
    InetSocketAddress me500 = new InetSocketAddress(port.address, 500);
    port.inbound.add(Datagram.now(IUT_500, me500, isakmpHeader()));
    port.inbound.add(Datagram.now(IUT_500, me500, new byte[] {1, 2, 3}));
    try (HarnessPeer peer = new HarnessPeer(port, trace, new SecureRandom())) {
      // long enough for the first decode of a malformed message (class loading) on a busy machine
      peer.drain(Duration.ofMillis(800));
    }
    List<TraceEntry> seen = trace.at(Trace.PEER);
    assertEquals(seen.size(), 2, trace.ladder(Trace.PEER));
    assertTrue(seen.get(0).view() instanceof PacketView.Ike);
    assertTrue(seen.get(1).view() instanceof PacketView.Malformed, trace.ladder(Trace.PEER));
  }

  /**
   * An IUT in memory that answers each ESP echo request through the SA pair, with the echo data
   * changed by {@code mangle}.
   */
  private static final class EchoingPort extends MemoryPort {
    final io.natt.esp.EspSa iutIn;
    final io.natt.esp.EspSa iutOut;
    final java.util.function.UnaryOperator<byte[]> mangle;

    EchoingPort(io.natt.ike.ChildSaKeys harness, java.util.function.UnaryOperator<byte[]> mangle) {
      super(ip("10.0.1.2"));
      // the IUT's inbound SA is the harness's outbound one, and the reverse
      iutIn =
          new io.natt.esp.EspSa(
              harness.spiOut(),
              harness.cipher(),
              harness.encOut(),
              harness.integrity(),
              harness.authOut());
      iutOut =
          new io.natt.esp.EspSa(
              harness.spiIn(),
              harness.cipher(),
              harness.encIn(),
              harness.integrity(),
              harness.authIn());
      this.mangle = mangle;
    }

    @Override
    public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
      Datagram d = super.send(localPort, to, payload);
      try {
        io.natt.wire.Ipv4Packet ip = io.natt.wire.Ipv4Packet.decode(iutIn.open(payload).inner());
        io.natt.wire.IcmpMessage req =
            io.natt.wire.IcmpMessage.decode(new io.natt.wire.WireReader(ip.payload()));
        byte[] reply =
            io.natt.wire.IcmpMessage.echoReply(
                    req.echoId(), req.echoSeq(), mangle.apply(req.echoData()))
                .encode();
        byte[] replyIp =
            io.natt.wire.Ipv4Packet.of(ip.dst(), ip.src(), io.natt.wire.Ipv4Packet.ICMP, reply)
                .encode();
        // ESP-in-UDP travels 4500 to 4500 (the engine here never floated, so it sends from 500)
        inbound.add(
            Datagram.now(
                new InetSocketAddress(to.getAddress(), 4500),
                new InetSocketAddress(address, 4500),
                iutOut.seal(replyIp, new SecureRandom())));
      } catch (RuntimeException e) {
        throw new AssertionError(e);
      }
      return d;
    }
  }

  private static io.natt.ike.ChildSaKeys keys() {
    SecureRandom r = new SecureRandom();
    byte[][] k = new byte[4][];
    for (int i = 0; i < 4; i++) {
      k[i] = new byte[i % 2 == 0 ? 16 : 32];
      r.nextBytes(k[i]);
    }
    return new io.natt.ike.ChildSaKeys(
        0x11111111L,
        0x22222222L,
        io.natt.crypto.EspCipher.AES_CBC_128,
        io.natt.crypto.EspIntegrity.HMAC_SHA2_256_128,
        k[0],
        k[1],
        k[2],
        k[3],
        3);
  }

  private static List<HarnessPeer.PingResult> pingThrough(
      java.util.function.UnaryOperator<byte[]> mangle, List<Integer> sizes) {
    io.natt.ike.ChildSaKeys k = keys();
    EchoingPort port = new EchoingPort(k, mangle);
    io.natt.crypto.ProposalParser.Phase1 p1 =
        io.natt.crypto.ProposalParser.phase1("aes128-sha256-modp2048");
    io.natt.ike.PeerConfig cfg =
        new io.natt.ike.PeerConfig(
            port.address,
            ip("198.51.100.2"),
            "harness.example.org",
            "iut.example.org",
            "psk".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            p1.cipher(),
            p1.hash(),
            p1.group(),
            k.cipher(),
            k.integrity(),
            ip("10.9.0.0"),
            24,
            io.natt.ike.Knobs.rfc3947(),
            Duration.ofSeconds(1));
    Trace trace = new Trace();
    try (HarnessPeer peer = new HarnessPeer(port, trace, new SecureRandom())) {
      peer.attach(new io.natt.ike.Ikev1Initiator(cfg, peer, peer.recorder(), new SecureRandom()));
      peer.install(k);
      return peer.ping(ip("10.0.1.2"), ip("10.9.0.1"), 1, sizes, Duration.ofMillis(300));
    }
  }

  @Test
  public void anEchoReplyCountsOnlyWithTheDataIntact() {
    List<Integer> sizes = List.of(0, 1, 64, 1371);
    List<HarnessPeer.PingResult> ok = pingThrough(d -> d, sizes);
    assertEquals(ok.size(), 4);
    ok.forEach(r -> assertTrue(r.answered(), r.toString()));
    assertTrue(ok.get(3).detail().contains("1371 data bytes echoed"), ok.get(3).detail());

    List<HarnessPeer.PingResult> cut =
        pingThrough(d -> java.util.Arrays.copyOf(d, Math.max(0, d.length - 1)), sizes);
    // an empty echo cannot be cut: it comes back intact; every other one is one byte short
    assertTrue(cut.get(0).answered(), cut.get(0).toString());
    for (HarnessPeer.PingResult r : cut.subList(1, 4)) {
      assertTrue(!r.answered(), r.toString());
      assertTrue(r.detail().contains("is not the request's"), r.detail());
    }

    List<HarnessPeer.PingResult> flipped =
        pingThrough(
            d -> {
              byte[] x = d.clone();
              if (x.length > 0) {
                x[x.length / 2] ^= 1;
              }
              return x;
            },
            List.of(64));
    assertTrue(!flipped.get(0).answered(), flipped.get(0).toString());
  }

  static Inet4Address ip(String s) {
    return Runner.ip(s);
  }
}
