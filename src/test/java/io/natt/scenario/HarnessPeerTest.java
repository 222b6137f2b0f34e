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
  static final class MemoryPort implements DatagramPort {
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

  static Inet4Address ip(String s) {
    return Runner.ip(s);
  }
}
