package io.natt.nat;

import io.natt.net.DatagramNetwork;
import io.natt.net.DatagramPort;
import io.natt.net.RecordingCapture;
import io.natt.sys.SetupException;
import io.natt.wire.Datagram;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A NAT emulated inside the harness, in front of the harness's own peer, built from a {@link
 * NatBehaviour}. The peer believes it has a private address ({@code inside}) and sends from its
 * ports 500 and 4500; this port translates: each datagram leaves from a mapped port of a real (or
 * in-memory) socket on the public address, chosen by the mapping behaviour and the port allocation;
 * what comes back on a mapped port is let in only if the filtering behaviour lets it, and reaches
 * the peer as sent to its private address and port. A mapping idle for the UDP timeout is forgotten
 * (later packets to its port are dropped); {@link #rebind} forgets every mapping at once, so the
 * next packet gets a new socket and port. A forgotten mapping's socket stays bound to observe: what
 * still comes to its port is recorded on the public side and dropped, as a capture on a NAT's
 * public side shows it (likewise the public ports 500 and 4500 when they can be bound). Loss,
 * duplication and reordering come on demand ({@link #impair}).
 *
 * <p>Two NATs in a row: the inner NAT binds its public ports on the outer one's {@link
 * #insideNetwork()}, so its mapped ports are the outer NAT's internal ports.
 *
 * <p>Without a behaviour it is no NAT at all: the peer's sockets are bound to its own (public)
 * address and ports, nothing translated, and it records the harness's view only.
 *
 * <p>Toward the IUT, this is everything a NAT is: the source address and port of the peer's
 * packets, which packets get through and when. The third part, the NAT-D hashes, follows from the
 * peer's private address.
 */
public final class EmulatedNat implements DatagramPort {
  /** Lowest port of random allocation, like the kernel backend (so Wireshark dissects IKE). */
  public static final int RANDOM_PORT_MIN = 10000;

  /** How often idle mappings are looked for. */
  static final Duration SWEEP = Duration.ofMillis(100);

  private final String name;
  private final NatBehaviour behaviour;
  private final Inet4Address inside;
  private final Inet4Address publicAddress;
  private final List<Integer> ports;
  private final DatagramNetwork network;
  private final Random random;
  private volatile int portMin = RANDOM_PORT_MIN;
  private volatile int portMax = 65535;
  private final Map<Key, Mapping> mappings = new LinkedHashMap<>();

  /** Every public port bound, live or not: a forgotten mapping's socket stays to observe. */
  private final Map<Integer, DatagramNetwork.Socket> sockets = new LinkedHashMap<>();

  /** The live mapping of each public port. */
  private final Map<Integer, Mapping> byPort = new LinkedHashMap<>();

  private final BlockingQueue<Datagram> inbound = new LinkedBlockingQueue<>();
  private final List<String> events = new ArrayList<>();
  private final Map<Inet4Address, Inet4Address> seenToReal = new ConcurrentHashMap<>();
  private final Map<Inet4Address, Inet4Address> realToSeen = new ConcurrentHashMap<>();
  private final Direction outbound = new Direction("outbound");
  private final Direction inboundDir = new Direction("inbound");
  private final ScheduledExecutorService timer;
  private volatile RecordingCapture insideCapture;
  private volatile RecordingCapture outsideCapture;
  private volatile Impairment impairment = Impairment.NONE;
  private volatile boolean closed;

  /**
   * What another NAT bound on this one's private side ({@link #insideNetwork()}): its public ports,
   * by this NAT's internal port, and where what this NAT lets in for them goes.
   */
  private final Map<Integer, BiConsumer<InetSocketAddress, byte[]>> insideSinks =
      new ConcurrentHashMap<>();

  private volatile boolean chained;

  /**
   * What a mapping is keyed by: the internal port, and the remote endpoint as far as it matters.
   */
  private record Key(int insidePort, InetAddress remoteAddress, int remotePort) {}

  /** One mapping: its socket on the public side and the remote endpoints it has sent to. */
  private final class Mapping {
    final Key key;
    final Set<InetSocketAddress> contacted = ConcurrentHashMap.newKeySet();
    volatile int port;
    volatile long lastUsed = System.nanoTime();
    volatile boolean gone;

    /** A flow given a public port of its own by {@link #rebind(RebindFlows)}, and that port. */
    volatile RebindFlows apart;

    volatile int apartPort = -1;

    /** A static port forward ({@link #forward}): lets in anyone, never expires nor is forgotten. */
    volatile boolean forwarded;

    /** The public port this datagram leaves from. */
    int portFor(byte[] payload) {
      RebindFlows f = apart;
      return f != null && f.carries(payload) ? apartPort : port;
    }

    Mapping(Key key) {
      this.key = key;
    }

    boolean permits(InetSocketAddress from) {
      if (behaviour == null || forwarded) {
        return true;
      }
      return switch (behaviour.filtering()) {
        case ENDPOINT_INDEPENDENT -> true;
        case ADDRESS_DEPENDENT ->
            contacted.stream().anyMatch(c -> c.getAddress().equals(from.getAddress()));
        case ADDRESS_AND_PORT_DEPENDENT -> contacted.contains(from);
      };
    }
  }

  /** A held-back packet of one direction (for reordering). */
  private static final class Direction {
    final String name;
    Runnable held;

    Direction(String name) {
      this.name = name;
    }
  }

  private EmulatedNat(
      String name,
      NatBehaviour behaviour,
      Inet4Address inside,
      Inet4Address publicAddress,
      List<Integer> ports,
      DatagramNetwork network,
      Random random) {
    this.name = name;
    this.behaviour = behaviour;
    this.inside = inside;
    this.publicAddress = publicAddress;
    this.ports = List.copyOf(ports);
    this.network = network;
    this.random = random;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "nat-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A NAT named {@code name} with the given behaviour between the peer at {@code inside} (its ports
   * {@code ports}) and {@code publicAddress} on {@code network}.
   */
  public static EmulatedNat open(
      String name,
      NatBehaviour behaviour,
      Inet4Address inside,
      Inet4Address publicAddress,
      List<Integer> ports,
      DatagramNetwork network,
      Random random) {
    EmulatedNat n = new EmulatedNat(name, behaviour, inside, publicAddress, ports, network, random);
    synchronized (n) {
      // the public side observes what comes to its well-known ports too (an IUT that answers
      // port 500 instead of the mapped port), as a capture on the NAT's public side would
      for (int p : n.ports) {
        n.tryBind(p).ifPresent(s -> n.sockets.put(p, s));
      }
    }
    n.timer.scheduleWithFixedDelay(
        n::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    return n;
  }

  /**
   * As {@link #open(String, NatBehaviour, Inet4Address, Inet4Address, List, DatagramNetwork,
   * Random)}, with random mapped ports from {@code portMin} to {@code portMax} (a remote run's
   * configured range).
   */
  public static EmulatedNat open(
      String name,
      NatBehaviour behaviour,
      Inet4Address inside,
      Inet4Address publicAddress,
      List<Integer> ports,
      DatagramNetwork network,
      Random random,
      int portMin,
      int portMax) {
    if (portMin < 1 || portMax > 65535 || portMin > portMax) {
      throw new IllegalArgumentException("bad port range " + portMin + "-" + portMax);
    }
    EmulatedNat n = open(name, behaviour, inside, publicAddress, ports, network, random);
    n.portMin = portMin;
    n.portMax = portMax;
    return n;
  }

  /**
   * No NAT: the peer's own sockets on {@code address}, bound now to each of {@code ports}; a
   * SetupException when one cannot be bound.
   */
  public static EmulatedNat direct(
      Inet4Address address, List<Integer> ports, DatagramNetwork network, Random random) {
    EmulatedNat n = new EmulatedNat("none", null, address, address, ports, network, random);
    try {
      for (int p : ports) {
        synchronized (n) {
          n.mapping(p, null);
        }
      }
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  /**
   * Records what passes from now on: {@code insideCapture} the peer's side (private addresses),
   * {@code outsideCapture} the public side (mapped ports); either may be null.
   */
  public void record(RecordingCapture insideCapture, RecordingCapture outsideCapture) {
    this.insideCapture = insideCapture;
    this.outsideCapture = behaviour == null ? null : outsideCapture;
  }

  /** Loses, duplicates or reorders packets from now on, both ways. */
  public void impair(Impairment i) {
    impairment = i;
  }

  /**
   * Makes the peer see the host at {@code real} as {@code seen}: what it sends to {@code seen} goes
   * to {@code real}, what comes from {@code real} looks as if from {@code seen} (a NAT in front of
   * that host forwarding its ports, so that the peer's NAT-D names an address the host does not
   * have).
   */
  public void translateRemote(Inet4Address seen, Inet4Address real) {
    seenToReal.put(seen, real);
    realToSeen.put(real, seen);
  }

  /** The static port forwards ({@link #forward}), by internal (and public) port. */
  private final Map<Integer, Mapping> forwards = new ConcurrentHashMap<>();

  /**
   * Forwards each of {@code insidePorts} statically, as a router's port forwarding does: what comes
   * to that public port, from anyone, reaches the peer's same port, and what the peer sends from it
   * leaves from it. Such a forward never expires and a rebinding leaves it; the filtering and port
   * allocation apply to the peer's other ports only. A SetupException when a public port cannot be
   * bound.
   */
  public synchronized void forward(List<Integer> insidePorts) {
    for (int p : insidePorts) {
      if (!ports.contains(p)) {
        throw new IllegalArgumentException("no socket on local port " + p);
      }
      if (!take(p)) {
        throw new SetupException(
            "NAT "
                + name
                + ": cannot bind UDP "
                + publicAddress.getHostAddress()
                + ":"
                + p
                + " to forward it to "
                + inside.getHostAddress()
                + " (taken, or a port below 1024 without root or CAP_NET_BIND_SERVICE)");
      }
      Mapping m = new Mapping(new Key(p, null, -1));
      m.port = p;
      m.forwarded = true;
      forwards.put(p, m);
      byPort.put(p, m);
      event(
          "NAT "
              + name
              + ": forwards "
              + publicAddress.getHostAddress()
              + ":"
              + p
              + " to "
              + inside.getHostAddress()
              + ":"
              + p);
    }
  }

  /** Forgets every mapping (a NAT reboot): the next packet gets a new socket and port. */
  public synchronized int rebind() {
    int n = 0;
    for (Mapping m : List.copyOf(mappings.values())) {
      drop(m, "forgotten (rebinding)");
      n++;
    }
    return n;
  }

  /**
   * Gives one flow of every live mapping of the internal port 4500 a new public port of its own (a
   * NAT that tells ESP from IKE apart and rebinds one of them); the other flow keeps the mapping's
   * port. Both ports lead to the peer. {@link RebindFlows#ALL} is {@link #rebind()}.
   *
   * @return how many mappings were split
   */
  public synchronized int rebind(RebindFlows flows) {
    if (flows == RebindFlows.ALL) {
      return rebind();
    }
    int n = 0;
    for (Mapping m : List.copyOf(mappings.values())) {
      if (m.key.insidePort() != 4500) {
        continue;
      }
      int old = m.apartPort;
      int fresh = bindFor(m);
      byPort.put(fresh, m);
      if (old >= 0) {
        byPort.remove(old);
      }
      m.apart = flows;
      m.apartPort = fresh;
      n++;
      event(
          "NAT "
              + name
              + ": the "
              + flows.word()
              + " flow of "
              + inside.getHostAddress()
              + ":4500 now leaves from "
              + publicAddress.getHostAddress()
              + ":"
              + fresh
              + " (the other flow keeps "
              + m.port
              + ")");
    }
    return n;
  }

  /**
   * The public port the mapping for this internal port and remote endpoint has, if there is one.
   */
  public synchronized Optional<Integer> mappedPort(int insidePort, InetSocketAddress to) {
    Mapping m = forwards.getOrDefault(insidePort, mappings.get(key(insidePort, real(to))));
    return m == null ? Optional.empty() : Optional.of(m.port);
  }

  /** How many mappings are live. */
  public synchronized int mappingCount() {
    return mappings.size();
  }

  /**
   * What the NAT did worth telling (mappings made, expired, packets filtered or lost), in order.
   */
  public List<String> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  private void event(String s) {
    synchronized (events) {
      events.add(s);
    }
  }

  /** The largest UDP payload whose IPv4 packet fits the testbed's 1500-byte MTU unfragmented. */
  static final int UNFRAGMENTED_PAYLOAD = 1500 - 20 - 8;

  private volatile boolean dropFragments;

  /**
   * From now on, drops every datagram that the IP layer would carry in fragments on a 1500-byte
   * path (its payload over {@value #UNFRAGMENTED_PAYLOAD} bytes), both ways: a NAT that drops IP
   * fragments loses all of them, so the datagram is lost whole.
   */
  public void dropFragments(boolean on) {
    dropFragments = on;
  }

  private boolean fragmented(byte[] payload, String where) {
    if (!dropFragments || payload.length <= UNFRAGMENTED_PAYLOAD) {
      return false;
    }
    event(
        "NAT "
            + name
            + ": dropped a "
            + payload.length
            + "-byte datagram "
            + where
            + " (its IP fragments; drop-fragments)");
    return true;
  }

  // ------------------------------------------------------------------ outbound

  @Override
  public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
    if (!ports.contains(localPort)) {
      throw new IllegalArgumentException("no socket on local port " + localPort);
    }
    return sendFrom(localPort, to, payload);
  }

  /**
   * This NAT's private side as a network that a NAT behind it binds its public ports on (two NATs
   * in a row): a socket on this NAT's internal address and any port sends through this NAT as from
   * that port, and gets what this NAT lets in for that port (nothing else reaches the peer's
   * queue). A port already bound there cannot be had.
   */
  public DatagramNetwork insideNetwork() {
    chained = true;
    return (local, sink) -> {
      int port = local.getPort();
      if (!inside.equals(local.getAddress()) || insideSinks.putIfAbsent(port, sink) != null) {
        return Optional.empty();
      }
      return Optional.of(
          new DatagramNetwork.Socket() {
            @Override
            public InetSocketAddress local() {
              return local;
            }

            @Override
            public void send(InetSocketAddress to, byte[] payload) {
              sendFrom(port, to, payload);
            }

            @Override
            public void close() {
              insideSinks.remove(port, sink);
            }
          });
    };
  }

  private Datagram sendFrom(int localPort, InetSocketAddress to, byte[] payload) {
    InetSocketAddress from = new InetSocketAddress(inside, localPort);
    Datagram d = Datagram.now(from, to, payload);
    if (closed) {
      return d;
    }
    byte[] copy = payload.clone();
    record(insideCapture, from, to, copy, true);
    if (fragmented(payload, "from " + from.getAddress().getHostAddress() + ":" + localPort)) {
      return d;
    }
    pass(outbound, () -> forward(localPort, to, copy));
    return d;
  }

  private void forward(int localPort, InetSocketAddress to, byte[] payload) {
    InetSocketAddress realTo = real(to);
    DatagramNetwork.Socket s;
    synchronized (this) {
      if (closed) {
        return;
      }
      Mapping m = mapping(localPort, realTo);
      m.contacted.add(realTo);
      m.lastUsed = System.nanoTime();
      s = sockets.get(m.portFor(payload));
    }
    // the public side, as a NAT in front of the remote host shows it (its public address);
    // recorded before it leaves, so that an answer that comes back at once is never recorded first
    record(outsideCapture, s.local(), seen(realTo), payload, true);
    s.send(realTo, payload);
  }

  private Key key(int insidePort, InetSocketAddress to) {
    if (behaviour == null || to == null) {
      return new Key(insidePort, null, -1);
    }
    return switch (behaviour.mapping()) {
      case ENDPOINT_INDEPENDENT -> new Key(insidePort, null, -1);
      case ADDRESS_DEPENDENT -> new Key(insidePort, to.getAddress(), -1);
      case ADDRESS_AND_PORT_DEPENDENT -> new Key(insidePort, to.getAddress(), to.getPort());
    };
  }

  /** The mapping for this packet, made (with a new socket) when there is none; holds the lock. */
  private Mapping mapping(int insidePort, InetSocketAddress to) {
    Mapping forward = forwards.get(insidePort);
    if (forward != null) {
      return forward;
    }
    Key k = key(insidePort, to);
    Mapping m = mappings.get(k);
    if (m != null) {
      return m;
    }
    Mapping made = new Mapping(k);
    made.port = bindFor(made);
    mappings.put(k, made);
    byPort.put(made.port, made);
    if (behaviour != null) {
      event(
          "NAT "
              + name
              + ": new mapping "
              + inside.getHostAddress()
              + ":"
              + insidePort
              + " -> "
              + publicAddress.getHostAddress()
              + ":"
              + made.port
              + (to == null
                  ? ""
                  : " (first to " + to.getAddress().getHostAddress() + ":" + to.getPort() + ")"));
    }
    return made;
  }

  /** A public port for the mapping, bound (or taken over from a forgotten mapping); its number. */
  private int bindFor(Mapping m) {
    int insidePort = m.key.insidePort();
    if (behaviour == null || behaviour.ports() == NatBehaviour.PortAllocation.PRESERVE) {
      if (take(insidePort)) {
        return insidePort;
      }
      if (behaviour == null) {
        throw new SetupException(
            "cannot bind UDP "
                + publicAddress.getHostAddress()
                + ":"
                + insidePort
                + " for the harness (taken, or a port below 1024 without root or"
                + " CAP_NET_BIND_SERVICE)");
      }
      event("NAT " + name + ": port " + insidePort + " not free, a random port instead");
    }
    int lo = portMin;
    int span = portMax - lo + 1;
    for (int attempt = 0; attempt < Math.min(200, 4 * span); attempt++) {
      int port;
      synchronized (random) {
        port = lo + random.nextInt(span);
      }
      if (!sockets.containsKey(port) && take(port)) {
        return port;
      }
    }
    throw new SetupException(
        "NAT "
            + name
            + ": no free UDP port on "
            + publicAddress.getHostAddress()
            + " in "
            + lo
            + "-"
            + portMax);
  }

  /** Whether the public port is now this NAT's for a new mapping; holds the lock. */
  private boolean take(int port) {
    if (byPort.containsKey(port)) {
      return false;
    }
    if (sockets.containsKey(port)) {
      return true;
    }
    Optional<DatagramNetwork.Socket> s = tryBind(port);
    s.ifPresent(x -> sockets.put(port, x));
    return s.isPresent();
  }

  private Optional<DatagramNetwork.Socket> tryBind(int port) {
    return network.bind(
        new InetSocketAddress(publicAddress, port), (from, data) -> arrived(port, from, data));
  }

  // ------------------------------------------------------------------ inbound

  private void arrived(int port, InetSocketAddress from, byte[] payload) {
    InetSocketAddress local = new InetSocketAddress(publicAddress, port);
    record(outsideCapture, seen(from), local, payload, false);
    if (fragmented(payload, "to public port " + port)) {
      return;
    }
    Mapping m;
    synchronized (this) {
      m = closed ? null : byPort.get(port);
    }
    if (m == null) {
      inboundEvent("dropped", from, port, "no mapping on that port");
      return;
    }
    if (!m.permits(from)) {
      inboundEvent("filtered", from, port, behaviour.filtering().fileName() + " filtering");
      return;
    }
    m.lastUsed = System.nanoTime();
    InetSocketAddress shown = seen(from);
    InetSocketAddress to = new InetSocketAddress(inside, m.key.insidePort());
    BiConsumer<InetSocketAddress, byte[]> sink =
        chained ? insideSinks.get(m.key.insidePort()) : null;
    if (chained && sink == null) {
      inboundEvent(
          "dropped",
          from,
          port,
          "nothing bound on " + inside.getHostAddress() + ":" + m.key.insidePort() + " behind it");
      return;
    }
    pass(
        inboundDir,
        () -> {
          record(insideCapture, shown, to, payload, false);
          if (sink != null) {
            sink.accept(shown, payload);
          } else {
            inbound.add(Datagram.now(shown, to, payload));
          }
        });
  }

  /** Notes what happened to a packet from {@code from} to public port {@code port}, and why. */
  private void inboundEvent(String what, InetSocketAddress from, int port, String why) {
    event(
        "NAT "
            + name
            + ": "
            + what
            + " "
            + from.getAddress().getHostAddress()
            + ":"
            + from.getPort()
            + " -> "
            + port
            + " ("
            + why
            + ")");
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
    return inside;
  }

  // ------------------------------------------------------------------ timeouts and impairment

  private void sweep() {
    if (behaviour == null) {
      return;
    }
    long limit = behaviour.udpTimeout().toNanos();
    long now = System.nanoTime();
    synchronized (this) {
      for (Mapping m : List.copyOf(mappings.values())) {
        if (now - m.lastUsed > limit) {
          drop(m, "expired after " + behaviour.udpTimeout().toSeconds() + " s idle");
        }
      }
    }
  }

  /**
   * Forgets a mapping; holds the lock. Its socket stays bound, to observe (and drop) what still
   * comes to the old port, as a capture on a NAT's public side would.
   */
  private void drop(Mapping m, String why) {
    m.gone = true;
    mappings.remove(m.key);
    byPort.remove(m.port);
    if (m.apartPort >= 0) {
      byPort.remove(m.apartPort);
    }
    event(
        "NAT "
            + name
            + ": mapping "
            + inside.getHostAddress()
            + ":"
            + m.key.insidePort()
            + " -> "
            + publicAddress.getHostAddress()
            + ":"
            + m.port
            + " "
            + why);
  }

  private void pass(Direction d, Runnable deliver) {
    Impairment im = impairment;
    if (im.none()) {
      deliver.run();
      return;
    }
    double lose;
    double dup;
    double hold;
    synchronized (random) {
      lose = random.nextDouble();
      dup = random.nextDouble();
      hold = random.nextDouble();
    }
    if (lose < im.loss()) {
      event("NAT " + name + ": lost an " + d.name + " packet (impairment)");
      return;
    }
    Runnable r =
        dup < im.duplicate()
            ? () -> {
              deliver.run();
              deliver.run();
            }
            : deliver;
    Runnable before;
    synchronized (d) {
      before = d.held;
      d.held = null;
      if (before == null && hold < im.reorder()) {
        d.held = r;
        timer.schedule(
            () -> {
              Runnable late;
              synchronized (d) {
                late = d.held == r ? r : null;
                if (late != null) {
                  d.held = null;
                }
              }
              if (late != null) {
                late.run();
              }
            },
            Impairment.REORDER_HOLD_MILLIS,
            TimeUnit.MILLISECONDS);
        return;
      }
    }
    r.run();
    if (before != null) {
      before.run();
    }
  }

  // ------------------------------------------------------------------ helpers

  private InetSocketAddress real(InetSocketAddress to) {
    Inet4Address r = seenToReal.get(to.getAddress());
    return r == null ? to : new InetSocketAddress(r, to.getPort());
  }

  private InetSocketAddress seen(InetSocketAddress from) {
    Inet4Address s = realToSeen.get(from.getAddress());
    return s == null ? from : new InetSocketAddress(s, from.getPort());
  }

  private static void record(
      RecordingCapture c,
      InetSocketAddress from,
      InetSocketAddress to,
      byte[] payload,
      boolean outbound) {
    if (c != null) {
      c.record(from, to, payload, outbound);
    }
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    synchronized (this) {
      sockets.values().forEach(DatagramNetwork.Socket::close);
      sockets.clear();
      mappings.clear();
      forwards.clear();
      byPort.clear();
    }
    insideSinks.clear();
  }
}
