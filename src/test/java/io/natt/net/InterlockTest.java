package io.natt.net;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.natt.nat.EmulatedNat;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.testng.annotations.Test;

/**
 * The safety interlock, on loopback only: a datagram to the allowed address gets through, one to
 * any other address is refused with the address and the target named, and nothing arrives there.
 */
public class InterlockTest {
  private static final Inet4Address ALLOWED = ip("127.0.0.1");
  private static final Inet4Address OTHER = ip("127.0.0.2");

  static Inet4Address ip(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A socket listening on loopback, to see what arrives. */
  private static DatagramSocket listener(Inet4Address a) throws Exception {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(a, 0));
    s.setSoTimeout(700);
    return s;
  }

  private static Optional<DatagramPacket> received(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    try {
      s.receive(p);
      return Optional.of(p);
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
  }

  private static final Interlock LOCK = Interlock.allowing(List.of(ALLOWED), "the target lab-gw");

  @Test
  public void thePortSendsOnlyToTheTarget() throws Exception {
    try (DatagramSocket allowed = listener(ALLOWED);
        DatagramSocket other = listener(OTHER)) {
      int port = freePort();
      DatagramPort p =
          LOCK.guard(
              EmulatedNat.direct(ALLOWED, List.of(port), new SocketNetwork(null), new Random(1)));
      try (p) {
        p.send(port, (InetSocketAddress) allowed.getLocalSocketAddress(), new byte[] {1, 2, 3});
        DatagramPacket got = received(allowed).orElseThrow(() -> new AssertionError("lost"));
        assertEquals(got.getLength(), 3);
        InetSocketAddress to = (InetSocketAddress) other.getLocalSocketAddress();
        Interlock.Refused e =
            expectThrows(Interlock.Refused.class, () -> p.send(port, to, new byte[] {4, 5, 6}));
        assertEquals(
            e.getMessage(),
            "interlock: refused to send to 127.0.0.2:"
                + to.getPort()
                + ": the harness sends only to the target lab-gw at 127.0.0.1");
        assertEquals(e.to(), to);
        assertTrue(received(other).isEmpty(), "nothing may arrive at 127.0.0.2");
      }
    }
  }

  @Test
  public void theNetworkSendsOnlyToTheTarget() throws Exception {
    DatagramNetwork net = LOCK.guard(new SocketNetwork(null));
    try (DatagramSocket allowed = listener(ALLOWED);
        DatagramSocket other = listener(OTHER);
        DatagramNetwork.Socket s =
            net.bind(new InetSocketAddress(ALLOWED, 0), (from, data) -> {}).orElseThrow()) {
      s.send((InetSocketAddress) allowed.getLocalSocketAddress(), new byte[] {7});
      assertTrue(received(allowed).isPresent(), "the target gets it");
      InetSocketAddress to = (InetSocketAddress) other.getLocalSocketAddress();
      Interlock.Refused e = expectThrows(Interlock.Refused.class, () -> s.send(to, new byte[] {8}));
      assertTrue(e.getMessage().contains("127.0.0.2:" + to.getPort()), e.getMessage());
      assertTrue(e.getMessage().contains("the target lab-gw at 127.0.0.1"), e.getMessage());
      assertTrue(received(other).isEmpty(), "nothing may arrive at 127.0.0.2");
    }
  }

  /** 192.0.2.0/24 is refused even when it is the target's address; nothing reaches a socket. */
  @Test
  public void theReservedRangeIsAlwaysRefused() {
    Inet4Address reserved = ip("192.0.2.9");
    List<InetSocketAddress> sent = new ArrayList<>();
    DatagramNetwork recording =
        (local, sink) ->
            Optional.of(
                new DatagramNetwork.Socket() {
                  @Override
                  public InetSocketAddress local() {
                    return local;
                  }

                  @Override
                  public void send(InetSocketAddress to, byte[] payload) {
                    sent.add(to);
                  }

                  @Override
                  public void close() {}
                });
    Interlock lock = Interlock.allowing(List.of(reserved), "the target odd");
    DatagramNetwork.Socket s =
        lock.guard(recording).bind(new InetSocketAddress(ALLOWED, 1), (f, d) -> {}).orElseThrow();
    Interlock.Refused e =
        expectThrows(
            Interlock.Refused.class,
            () -> s.send(new InetSocketAddress(reserved, 500), new byte[] {1}));
    assertEquals(
        e.getMessage(),
        "interlock: refused to send to 192.0.2.9:500: 192.0.2.0/24 is reserved on these machines"
            + " and nothing is ever sent there (the target odd)");
    assertTrue(sent.isEmpty(), "never handed to the socket: " + sent);
  }

  private static int freePort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ALLOWED, 0))) {
      return s.getLocalPort();
    }
  }
}
