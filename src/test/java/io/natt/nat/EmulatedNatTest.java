package io.natt.nat;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

import io.natt.nat.NatBehaviour.Dependency;
import io.natt.nat.NatBehaviour.PortAllocation;
import io.natt.net.CapturedFrame;
import io.natt.net.DatagramNetwork;
import io.natt.net.MemoryNetwork;
import io.natt.net.PcapFile;
import io.natt.net.RecordingCapture;
import io.natt.net.SocketNetwork;
import io.natt.sys.Exec;
import io.natt.wire.Datagram;
import io.natt.wire.EthernetFrame;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.UdpDatagram;
import io.natt.wire.WireReader;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * The emulated NAT against the NAT behaviour model, on an in-memory network (and once on real
 * loopback sockets): what the far host sees of the harness's packets (address, mapped port), what
 * gets back in (filtering, timeout, rebinding), impairment, and the pcap it records.
 */
public class EmulatedNatTest {
  static final Inet4Address PRIVATE = KernelTestbed.ip("10.0.1.2");
  static final Inet4Address PUBLIC = KernelTestbed.ip("198.51.100.1");
  static final Inet4Address IUT = KernelTestbed.ip("198.51.100.2");
  static final Inet4Address OTHER = KernelTestbed.ip("198.51.100.9");

  MemoryNetwork net;
  List<AutoCloseable> open;

  /** A host on the far side: what arrived at one of its ports, and a way to answer from it. */
  final class Far {
    final LinkedBlockingQueue<InetSocketAddress> from = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<byte[]> data = new LinkedBlockingQueue<>();
    final DatagramNetwork.Socket socket;

    Far(Inet4Address a, int port) {
      socket =
          net.bind(
                  new InetSocketAddress(a, port),
                  (f, d) -> {
                    // data first: next() waits on from, then takes the data
                    data.add(d);
                    from.add(f);
                  })
              .orElseThrow();
      open.add(socket);
    }

    InetSocketAddress next() throws InterruptedException {
      InetSocketAddress f = from.poll(2, TimeUnit.SECONDS);
      data.poll();
      if (f == null) {
        throw new AssertionError("nothing arrived at " + socket.local());
      }
      return f;
    }

    boolean nothingWithin(long millis) throws InterruptedException {
      return from.poll(millis, TimeUnit.MILLISECONDS) == null;
    }
  }

  @BeforeMethod
  public void setUp() {
    net = new MemoryNetwork();
    open = new ArrayList<>();
  }

  @AfterMethod(alwaysRun = true)
  public void tearDown() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    net.close();
  }

  EmulatedNat nat(Dependency mapping, Dependency filtering, PortAllocation ports, Duration t) {
    EmulatedNat n =
        EmulatedNat.open(
            "home",
            new NatBehaviour(mapping, filtering, ports, t),
            PRIVATE,
            PUBLIC,
            List.of(500, 4500),
            net,
            new Random(7));
    open.add(n);
    return n;
  }

  EmulatedNat apdm() {
    return nat(
        Dependency.ADDRESS_AND_PORT_DEPENDENT,
        Dependency.ADDRESS_AND_PORT_DEPENDENT,
        PortAllocation.RANDOM,
        Duration.ofSeconds(30));
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static String text(Datagram d) {
    return new String(d.payload(), StandardCharsets.US_ASCII);
  }

  @Test
  public void packetsLeaveFromARandomMappedPortAndAnswersReachThePrivateEndpoint()
      throws Exception {
    Far iut = new Far(IUT, 500);
    EmulatedNat n = apdm();
    Datagram sent = n.send(500, new InetSocketAddress(IUT, 500), b("mm1"));
    assertEquals(sent.from(), new InetSocketAddress(PRIVATE, 500), "the peer's own view");
    InetSocketAddress seen = iut.next();
    assertEquals(seen.getAddress(), PUBLIC);
    assertTrue(seen.getPort() >= EmulatedNat.RANDOM_PORT_MIN, "random from 10000: " + seen);
    assertEquals(n.mappedPort(500, new InetSocketAddress(IUT, 500)), Optional.of(seen.getPort()));
    iut.socket.send(seen, b("mm2"));
    Datagram back = n.receive(Duration.ofSeconds(2)).orElseThrow();
    assertEquals(back.from(), new InetSocketAddress(IUT, 500));
    assertEquals(back.to(), new InetSocketAddress(PRIVATE, 500));
    assertEquals(text(back), "mm2");
    assertEquals(n.localAddress(), PRIVATE);
  }

  @Test
  public void preservedPortsKeepTheInternalPort() throws Exception {
    Far iut = new Far(IUT, 4500);
    EmulatedNat n =
        nat(
            Dependency.ENDPOINT_INDEPENDENT,
            Dependency.ADDRESS_AND_PORT_DEPENDENT,
            PortAllocation.PRESERVE,
            Duration.ofSeconds(30));
    n.send(4500, new InetSocketAddress(IUT, 4500), b("x"));
    assertEquals(iut.next(), new InetSocketAddress(PUBLIC, 4500));
  }

  @Test
  public void mappingBehaviours() throws Exception {
    Far iut500 = new Far(IUT, 500);
    Far iut4500 = new Far(IUT, 4500);
    Far other = new Far(OTHER, 500);
    for (Dependency m : Dependency.values()) {
      EmulatedNat n =
          nat(m, Dependency.ENDPOINT_INDEPENDENT, PortAllocation.RANDOM, Duration.ofSeconds(30));
      n.send(500, new InetSocketAddress(IUT, 500), b("a"));
      n.send(500, new InetSocketAddress(IUT, 4500), b("b"));
      n.send(500, new InetSocketAddress(OTHER, 500), b("c"));
      int p1 = iut500.next().getPort();
      int p2 = iut4500.next().getPort();
      int p3 = other.next().getPort();
      switch (m) {
        case ENDPOINT_INDEPENDENT -> {
          assertEquals(p2, p1, m + ": same mapping for every destination");
          assertEquals(p3, p1, m + ": same mapping for every destination");
        }
        case ADDRESS_DEPENDENT -> {
          assertEquals(p2, p1, m + ": same address, same mapping");
          assertNotEquals(p3, p1, m + ": another address, another mapping");
        }
        case ADDRESS_AND_PORT_DEPENDENT -> {
          assertNotEquals(p2, p1, m + ": another port, another mapping");
          assertNotEquals(p3, p1, m + ": another address, another mapping");
          assertNotEquals(p3, p2, m.toString());
        }
      }
      assertEquals(
          n.mappingCount(),
          m == Dependency.ENDPOINT_INDEPENDENT ? 1 : m == Dependency.ADDRESS_DEPENDENT ? 2 : 3);
      n.close();
    }
  }

  @Test
  public void filteringBehaviours() throws Exception {
    Far iut = new Far(IUT, 500);
    Far iutOtherPort = new Far(IUT, 501);
    Far other = new Far(OTHER, 500);
    for (Dependency f : Dependency.values()) {
      EmulatedNat n =
          nat(Dependency.ENDPOINT_INDEPENDENT, f, PortAllocation.RANDOM, Duration.ofSeconds(30));
      n.send(500, new InetSocketAddress(IUT, 500), b("out"));
      InetSocketAddress mapped = iut.next();
      iut.socket.send(mapped, b("contacted"));
      iutOtherPort.socket.send(mapped, b("same-address"));
      other.socket.send(mapped, b("other-address"));
      List<String> got = new ArrayList<>();
      Optional<Datagram> d;
      while ((d = n.receive(Duration.ofMillis(300))).isPresent()) {
        got.add(text(d.get()));
      }
      List<String> expected =
          switch (f) {
            case ENDPOINT_INDEPENDENT -> List.of("contacted", "same-address", "other-address");
            case ADDRESS_DEPENDENT -> List.of("contacted", "same-address");
            case ADDRESS_AND_PORT_DEPENDENT -> List.of("contacted");
          };
      assertEquals(got, expected, f + " filtering");
      if (f != Dependency.ENDPOINT_INDEPENDENT) {
        assertTrue(
            n.events().stream().anyMatch(e -> e.contains("filtered")), n.events().toString());
      }
      n.close();
    }
  }

  @Test
  public void anIdleMappingExpiresAndTheNextPacketGetsANewOne() throws Exception {
    Far iut = new Far(IUT, 4500);
    EmulatedNat n =
        nat(
            Dependency.ENDPOINT_INDEPENDENT,
            Dependency.ADDRESS_AND_PORT_DEPENDENT,
            PortAllocation.RANDOM,
            Duration.ofSeconds(1));
    InetSocketAddress to = new InetSocketAddress(IUT, 4500);
    n.send(4500, to, b("before"));
    InetSocketAddress first = iut.next();
    // traffic within the timeout keeps it (inbound refreshes too, as conntrack does)
    Thread.sleep(600);
    iut.socket.send(first, b("refresh"));
    assertTrue(n.receive(Duration.ofSeconds(1)).isPresent());
    Thread.sleep(600);
    assertEquals(n.mappingCount(), 1, "refreshed by the inbound packet");
    Thread.sleep(1000);
    assertEquals(n.mappingCount(), 0, "expired: " + n.events());
    iut.socket.send(first, b("too late"));
    assertTrue(n.receive(Duration.ofMillis(300)).isEmpty(), "nothing gets through an expiry");
    n.send(4500, to, b("after"));
    InetSocketAddress second = iut.next();
    assertNotEquals(second.getPort(), first.getPort(), "a new mapping, a new port");
    assertTrue(n.events().stream().anyMatch(e -> e.contains("expired")), n.events().toString());
  }

  @Test
  public void rebindingGivesANewPortAndClosesTheOldOne() throws Exception {
    Far iut = new Far(IUT, 4500);
    EmulatedNat n = apdm();
    InetSocketAddress to = new InetSocketAddress(IUT, 4500);
    n.send(4500, to, b("1"));
    InetSocketAddress first = iut.next();
    assertEquals(n.rebind(), 1);
    iut.socket.send(first, b("to the old mapping"));
    assertTrue(n.receive(Duration.ofMillis(300)).isEmpty());
    n.send(4500, to, b("2"));
    InetSocketAddress second = iut.next();
    assertNotEquals(second.getPort(), first.getPort());
    iut.socket.send(second, b("to the new mapping"));
    assertEquals(text(n.receive(Duration.ofSeconds(1)).orElseThrow()), "to the new mapping");
  }

  @Test
  public void rebindingTheEspFlowAloneGivesEspANewPortWhileIkeKeepsItsOwn() throws Exception {
    Far iut = new Far(IUT, 4500);
    EmulatedNat n = apdm();
    InetSocketAddress to = new InetSocketAddress(IUT, 4500);
    byte[] ike = {0, 0, 0, 0, 1, 2, 3, 4, 5};
    byte[] esp = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 9};
    byte[] keepalive = {(byte) 0xff};
    n.send(4500, to, ike);
    InetSocketAddress shared = iut.next();
    n.send(4500, to, esp);
    assertEquals(iut.next(), shared, "one flow before the rebinding");
    assertEquals(n.rebind(RebindFlows.ESP), 1);
    n.send(4500, to, esp);
    InetSocketAddress espPort = iut.next();
    n.send(4500, to, ike);
    assertEquals(iut.next(), shared, "IKE keeps its mapping");
    n.send(4500, to, keepalive);
    assertEquals(iut.next(), shared, "keepalives go with IKE");
    assertNotEquals(espPort.getPort(), shared.getPort(), "ESP got a port of its own");
    n.send(4500, to, esp);
    assertEquals(iut.next(), espPort, "ESP stays on its new port");
    // both ports lead to the peer
    iut.socket.send(espPort, b("to the ESP port"));
    assertEquals(text(n.receive(Duration.ofSeconds(1)).orElseThrow()), "to the ESP port");
    iut.socket.send(shared, b("to the IKE port"));
    assertEquals(text(n.receive(Duration.ofSeconds(1)).orElseThrow()), "to the IKE port");
    // and the IKE flow alone: IKE moves, ESP keeps its port; the ESP flow's own port is forgotten
    assertEquals(n.rebind(RebindFlows.IKE), 1);
    n.send(4500, to, ike);
    InetSocketAddress ikePort = iut.next();
    assertNotEquals(ikePort.getPort(), shared.getPort());
    assertNotEquals(ikePort.getPort(), espPort.getPort());
    n.send(4500, to, esp);
    assertEquals(iut.next(), shared, "ESP is back on the mapping's own port");
    iut.socket.send(espPort, b("to the forgotten port"));
    assertTrue(n.receive(Duration.ofMillis(300)).isEmpty());
    // a full rebinding forgets both
    assertEquals(n.rebind(), 1);
    iut.socket.send(ikePort, b("to the IKE flow's forgotten port"));
    assertTrue(n.receive(Duration.ofMillis(300)).isEmpty());
  }

  @Test
  public void lossDuplicationAndReorderingOnDemand() throws Exception {
    Far iut = new Far(IUT, 500);
    EmulatedNat n = apdm();
    InetSocketAddress to = new InetSocketAddress(IUT, 500);
    n.impair(new Impairment(1, 0, 0));
    n.send(500, to, b("lost"));
    assertTrue(iut.nothingWithin(300), "loss 1: nothing arrives");
    n.impair(new Impairment(0, 1, 0));
    n.send(500, to, b("twice"));
    iut.next();
    iut.next();
    n.impair(new Impairment(0, 0, 1));
    n.send(500, to, b("A"));
    n.send(500, to, b("B"));
    List<String> order = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      byte[] d = iut.data.poll(2, TimeUnit.SECONDS);
      iut.from.poll();
      order.add(new String(d, StandardCharsets.US_ASCII));
    }
    assertEquals(order, List.of("B", "A"), "A held back until B passed");
    n.impair(Impairment.NONE);
    n.send(500, to, b("C"));
    assertEquals(new String(iut.data.poll(2, TimeUnit.SECONDS), StandardCharsets.US_ASCII), "C");
  }

  @Test
  public void itRecordsBothSidesAsPcapsWithCorrectChecksums() throws Exception {
    Path dir = io.natt.testutil.TempDirs.create("natt-emunat");
    Far iut = new Far(IUT, 500);
    EmulatedNat n = apdm();
    RecordingCapture inside = RecordingCapture.start("harness", dir.resolve("harness.pcap"));
    RecordingCapture outside = RecordingCapture.start("nat-public", dir.resolve("nat-public.pcap"));
    n.record(inside, outside);
    n.send(500, new InetSocketAddress(IUT, 500), b("hello"));
    InetSocketAddress mapped = iut.next();
    iut.socket.send(mapped, b("back"));
    n.receive(Duration.ofSeconds(2)).orElseThrow();
    inside.close();
    outside.close();
    List<CapturedFrame> pub = PcapFile.read(dir.resolve("nat-public.pcap"), "nat-public");
    List<CapturedFrame> priv = PcapFile.read(dir.resolve("harness.pcap"), "harness");
    assertEquals(pub.size(), 2);
    assertEquals(priv.size(), 2);
    assertEquals(pub.size(), outside.frames().size(), "the file holds what the trace gets");
    Ipv4Packet out = EthernetFrame.decode(pub.get(0).bytes()).ipv4();
    assertTrue(out.headerChecksumValid(), "IPv4 header checksum");
    UdpDatagram udp = UdpDatagram.decode(new WireReader(out.payload()));
    assertTrue(udp.checksum() > 0 && udp.checksumValid(out.src(), out.dst()), "UDP checksum");
    assertEquals(out.src(), PUBLIC.getAddress());
    assertEquals(udp.srcPort(), mapped.getPort());
    Ipv4Packet in = EthernetFrame.decode(priv.get(1).bytes()).ipv4();
    assertEquals(in.dst(), PRIVATE.getAddress());
    assertEquals(UdpDatagram.decode(new WireReader(in.payload())).dstPort(), 500);
    if (Exec.available("tshark")) {
      Exec.Result r =
          Exec.run(
              List.of(
                  "tshark",
                  "-n",
                  "-r",
                  dir.resolve("nat-public.pcap").toString(),
                  "-o",
                  "udp.check_checksum:TRUE",
                  "-T",
                  "fields",
                  "-e",
                  "ip.src",
                  "-e",
                  "udp.srcport",
                  "-e",
                  "udp.checksum.status"),
              null);
      assertTrue(r.ok(), r.output());
      assertTrue(
          r.output().contains("198.51.100.1\t" + mapped.getPort() + "\t1"),
          "tshark sees the mapped port with a good checksum:\n" + r.output());
    }
  }

  @Test
  public void withoutABehaviourItIsNoNat() throws Exception {
    Far iut = new Far(IUT, 500);
    EmulatedNat n = EmulatedNat.direct(PUBLIC, List.of(500, 4500), net, new Random(1));
    open.add(n);
    n.send(500, new InetSocketAddress(IUT, 500), b("x"));
    assertEquals(iut.next(), new InetSocketAddress(PUBLIC, 500));
    assertEquals(n.localAddress(), PUBLIC);
  }

  @Test
  public void theHostBehindCanBeShownAtATranslatedAddress() throws Exception {
    Far iut = new Far(IUT, 500);
    EmulatedNat n = apdm();
    Inet4Address seen = KernelTestbed.ip("203.0.113.7");
    n.translateRemote(seen, IUT);
    n.send(500, new InetSocketAddress(seen, 500), b("x"));
    InetSocketAddress mapped = iut.next();
    iut.socket.send(mapped, b("y"));
    assertEquals(
        n.receive(Duration.ofSeconds(2)).orElseThrow().from(), new InetSocketAddress(seen, 500));
  }

  @Test
  public void anInMemoryTestbedCarriesTheHarnessToTheIutThroughItsNat() throws Exception {
    try (EmulatedTestbed t = inMemory(new Testbed.Nat("home", NatBehaviour.randomising()))) {
      Path dir = io.natt.testutil.TempDirs.create("natt-emutb");
      t.startCaptures(dir);
      try (var harness = t.openHarnessPort(List.of(500, 4500));
          var iut = t.openIutPort(List.of(500, 4500))) {
        Inet4Address translated = KernelTestbed.ip("203.0.113.7");
        t.showIutAs(translated);
        assertEquals(t.iutSeenAs(), translated);
        harness.send(500, new InetSocketAddress(translated, 500), b("mm1"));
        Datagram atIut = iut.receive(Duration.ofSeconds(2)).orElseThrow();
        assertEquals(atIut.from().getAddress(), PUBLIC, "the IUT sees the NAT's public address");
        assertTrue(atIut.from().getPort() >= EmulatedNat.RANDOM_PORT_MIN);
        iut.send(500, atIut.from(), b("mm2"));
        Datagram atHarness = harness.receive(Duration.ofSeconds(2)).orElseThrow();
        assertEquals(atHarness.from(), new InetSocketAddress(translated, 500));
        assertEquals(atHarness.to(), new InetSocketAddress(PRIVATE, 500));
      }
      assertTrue(t.notes().stream().anyMatch(n -> n.contains("new mapping")), t.notes().toString());
    }
  }

  /** An endpoint-independent mapping, port-randomising NAT filtering as {@code filtering}. */
  EmulatedNat randomising(
      String name,
      Dependency filtering,
      Inet4Address inside,
      Inet4Address outside,
      DatagramNetwork on) {
    EmulatedNat n =
        EmulatedNat.open(
            name,
            new NatBehaviour(
                Dependency.ENDPOINT_INDEPENDENT,
                filtering,
                PortAllocation.RANDOM,
                Duration.ofSeconds(30)),
            inside,
            outside,
            List.of(500, 4500),
            on,
            new Random(name.hashCode()));
    open.add(n);
    return n;
  }

  @Test
  public void twoNatsInARowTranslateTwiceAndFilterAtTheOuterOne() throws Exception {
    Far iut = new Far(IUT, 500);
    Far other = new Far(OTHER, 500);
    Inet4Address between = KernelTestbed.ip("172.16.0.2");
    EmulatedNat outer =
        randomising("cgn", Dependency.ADDRESS_AND_PORT_DEPENDENT, between, PUBLIC, net);
    EmulatedNat inner =
        randomising(
            "home", Dependency.ENDPOINT_INDEPENDENT, PRIVATE, between, outer.insideNetwork());
    InetSocketAddress to = new InetSocketAddress(IUT, 500);
    inner.send(500, to, b("mm1"));
    InetSocketAddress seen = iut.next();
    assertEquals(seen.getAddress(), PUBLIC, "the far host sees the outer NAT's public side");
    int innerPort = inner.mappedPort(500, to).orElseThrow();
    assertEquals(
        outer.mappedPort(innerPort, to), Optional.of(seen.getPort()), "the outer maps the inner's");
    assertNotEquals(innerPort, 500);
    iut.socket.send(seen, b("mm2"));
    Datagram back = inner.receive(Duration.ofSeconds(2)).orElseThrow();
    assertEquals(back.from(), to);
    assertEquals(back.to(), new InetSocketAddress(PRIVATE, 500));
    assertEquals(text(back), "mm2");
    assertTrue(outer.receive(Duration.ofMillis(100)).isEmpty(), "nothing left on the outer's");
    // the inner NAT would let it in; the outer one filters by address and port
    other.socket.send(seen, b("stranger"));
    assertTrue(inner.receive(Duration.ofMillis(300)).isEmpty());
    assertTrue(
        outer.events().stream().anyMatch(e -> e.contains("filtered 198.51.100.9")),
        outer.events().toString());
    // a rebinding of the outer NAT alone: the inner keeps its port, the far host sees a new one
    assertEquals(outer.rebind(), 1);
    inner.send(500, to, b("mm3"));
    InetSocketAddress again = iut.next();
    assertNotEquals(again.getPort(), seen.getPort());
    assertEquals(inner.mappedPort(500, to), Optional.of(innerPort));
    // what comes to the outer for an inner port nobody has bound is dropped, with a note
    inner.close();
    iut.socket.send(again, b("late"));
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (outer.events().stream().noneMatch(e -> e.contains("nothing bound on 172.16.0.2"))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(
        outer.events().stream().anyMatch(e -> e.contains("nothing bound on 172.16.0.2")),
        outer.events().toString());
  }

  @Test
  public void aForwardedPortLetsAnyoneInAndStaysThroughRebindingAndExpiry() throws Exception {
    Far iut = new Far(IUT, 500);
    Far other = new Far(OTHER, 4500);
    // address-dependent mapping, port-randomising, address-and-port filtering: none of it applies
    // to the forwarded ports
    EmulatedNat n =
        nat(
            Dependency.ADDRESS_DEPENDENT,
            Dependency.ADDRESS_AND_PORT_DEPENDENT,
            PortAllocation.RANDOM,
            Duration.ofMillis(300));
    n.forward(List.of(500, 4500));
    // the far host initiates: nothing went out before
    iut.socket.send(new InetSocketAddress(PUBLIC, 500), b("mm1"));
    Datagram in = n.receive(Duration.ofSeconds(2)).orElseThrow();
    assertEquals(in.from(), new InetSocketAddress(IUT, 500));
    assertEquals(in.to(), new InetSocketAddress(PRIVATE, 500));
    n.send(500, new InetSocketAddress(IUT, 500), b("mm2"));
    assertEquals(iut.next(), new InetSocketAddress(PUBLIC, 500), "answered from the forward");
    assertEquals(n.mappedPort(500, new InetSocketAddress(IUT, 500)), Optional.of(500));
    assertEquals(n.rebind(), 0, "a forward is no mapping to forget");
    Thread.sleep(600); // twice the UDP timeout: a mapping would have expired
    other.socket.send(new InetSocketAddress(PUBLIC, 4500), b("from anyone"));
    assertEquals(text(n.receive(Duration.ofSeconds(2)).orElseThrow()), "from anyone");
    n.send(4500, new InetSocketAddress(OTHER, 4500), b("back"));
    assertEquals(other.next(), new InetSocketAddress(PUBLIC, 4500));
    assertTrue(
        n.events().stream().noneMatch(e -> e.contains("new mapping")), n.events().toString());
    assertTrue(n.events().get(0).contains("forwards 198.51.100.1:500 to 10.0.1.2:500"));
  }

  @Test
  public void anInMemoryTestbedWithTwoNatsInARowRecordsEachSide() throws Exception {
    try (EmulatedTestbed t =
        inMemory(
            new Testbed.Nat("home", NatBehaviour.randomising()),
            new Testbed.Nat("cgn", NatBehaviour.randomising()))) {
      assertEquals(t.observationPoints(), List.of("harness", "home-public", "nat-public"));
      assertEquals(t.iutSidePoint(), "nat-public");
      assertEquals(t.harnessPublicAddress(), PUBLIC);
      assertEquals(t.harness().address(), PRIVATE);
      Path dir = io.natt.testutil.TempDirs.create("natt-emu2nat");
      List<io.natt.net.Capture> caps = t.startCaptures(dir);
      assertEquals(caps.stream().map(io.natt.net.Capture::point).toList(), t.observationPoints());
      try (var harness = t.openHarnessPort(List.of(500, 4500));
          var iut = t.openIutPort(List.of(500, 4500))) {
        harness.send(4500, new InetSocketAddress(IUT, 4500), b("ike"));
        Datagram atIut = iut.receive(Duration.ofSeconds(2)).orElseThrow();
        assertEquals(atIut.from().getAddress(), PUBLIC);
        iut.send(4500, atIut.from(), b("answer"));
        Datagram atHarness = harness.receive(Duration.ofSeconds(2)).orElseThrow();
        assertEquals(atHarness.to(), new InetSocketAddress(PRIVATE, 4500));
        assertEquals(text(atHarness), "answer");
        assertTrue(t.rebind().startsWith("2 mapping(s) forgotten"), t.rebind());
      }
      caps.forEach(io.natt.net.Capture::close);
      List<CapturedFrame> between = PcapFile.read(dir.resolve("home-public.pcap"), "home-public");
      List<CapturedFrame> pub = PcapFile.read(dir.resolve("nat-public.pcap"), "nat-public");
      assertEquals(between.size(), 2, "one each way between the NATs");
      assertEquals(pub.size(), 2, "one each way on the outer NAT's public side");
      Ipv4Packet mid = EthernetFrame.decode(between.get(0).bytes()).ipv4();
      assertEquals(mid.src(), KernelTestbed.ip("172.16.0.2").getAddress());
      Ipv4Packet out = EthernetFrame.decode(pub.get(0).bytes()).ipv4();
      assertEquals(out.src(), PUBLIC.getAddress());
      assertEquals(
          UdpDatagram.decode(new WireReader(out.payload())).srcPort(), atIutPort(t.notes()));
    }
  }

  /** An in-memory testbed with the harness behind {@code nats} (innermost first). */
  static EmulatedTestbed inMemory(Testbed.Nat... nats) {
    return (EmulatedTestbed)
        EmulatedTestbed.IN_MEMORY.build(
            new Testbed.Request(
                new Testbed.Layout(List.of(nats), List.of()), IUT, KernelTestbed.ip("10.9.0.1")));
  }

  /** The outer NAT's public port, from its "new mapping" note. */
  static int atIutPort(List<String> notes) {
    String m =
        notes.stream()
            .filter(n -> n.startsWith("NAT cgn: new mapping"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(notes.toString()));
    String after = m.substring(m.indexOf("-> 198.51.100.1:") + "-> 198.51.100.1:".length());
    return Integer.parseInt(after.substring(0, after.indexOf(' ')));
  }

  @Test
  public void onRealLoopbackSockets() throws IOException {
    // real UDP sockets on 127.0.0.1 (loopback only, no privilege: random ports from 10000 up)
    Inet4Address lo = KernelTestbed.ip("127.0.0.1");
    try (DatagramChannel far = DatagramChannel.open()) {
      far.bind(new InetSocketAddress(lo, 0));
      InetSocketAddress farAddr = (InetSocketAddress) far.getLocalAddress();
      EmulatedNat n =
          EmulatedNat.open(
              "home",
              NatBehaviour.randomising(),
              PRIVATE,
              lo,
              List.of(500, 4500),
              new SocketNetwork(null),
              new Random(3));
      open.add(n);
      n.send(4500, farAddr, b("ping"));
      ByteBuffer buf = ByteBuffer.allocate(100);
      far.socket().setSoTimeout(2000);
      InetSocketAddress from = (InetSocketAddress) far.receive(buf);
      assertTrue(from.getPort() >= EmulatedNat.RANDOM_PORT_MIN, from.toString());
      far.send(ByteBuffer.wrap(b("pong")), from);
      Datagram d = n.receive(Duration.ofSeconds(2)).orElseThrow();
      assertEquals(d.to(), new InetSocketAddress(PRIVATE, 4500));
      assertEquals(d.from(), farAddr);
      assertFalse(n.events().isEmpty());
    }
  }
}
