package io.natt.nat;

import io.natt.net.Capture;
import io.natt.net.DatagramNetwork;
import io.natt.net.DatagramPort;
import io.natt.net.Interlock;
import io.natt.net.MemoryNetwork;
import io.natt.net.RecordingCapture;
import io.natt.net.SocketNetwork;
import io.natt.net.UdpTransport;
import io.natt.sys.Exec;
import io.natt.sys.NetNs;
import io.natt.sys.NsExecutor;
import io.natt.sys.SetupException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The emulated NAT backend: the NAT in front of the harness is an {@link EmulatedNat} inside the
 * harness, built from the same {@link NatBehaviour} as the kernel one. The harness's peer believes
 * it has the private address the kernel backend gives it (10.0.1.2) and puts it into NAT-D and its
 * IDs; its datagrams leave from mapped ports of real sockets on the harness host's public address.
 * The NAT records both its sides itself ({@code harness.pcap} with the private view, {@code
 * nat-public.pcap} with the public addresses and mapped ports).
 *
 * <p>Two ways to place the hosts. {@link #BACKEND} ("emulated", needs root): a namespace for the
 * harness host (public address 198.51.100.1 behind a NAT, 198.51.100.3 without) and one for the
 * IUT, joined by a veth; no NAT namespace, no nftables. {@link #IN_MEMORY}: no namespace, no
 * socket, no root; the hosts meet on a {@link MemoryNetwork}, which serves an IUT that runs inside
 * the harness (the emulated IUT and its mutants) and nothing else.
 *
 * <p>A remote device (the request's {@link Testbed.Remote}, with {@link #BACKEND}): no namespace at
 * all, no root. The harness host is the network namespace the JVM runs in, with the profile's bind
 * address as its public address; the IUT host is the device's address; nothing is opened on the
 * IUT's side. A scenario without a NAT binds UDP 500 and 4500 on the bind address: for a user who
 * cannot, it is NOT_APPLICABLE ({@link Backend#notApplicable}).
 *
 * <p>Every datagram the harness's side sends goes through an {@link Interlock} that lets it go only
 * to the IUT's address.
 *
 * <p>What it realises: the harness behind zero or one NAT; every mapping and filtering behaviour of
 * RFC 4787; random (from 10000 up) or preserved ports; the UDP timeout (inbound packets refresh a
 * mapping, as netfilter's conntrack does); rebinding (new sockets); loss, duplication and
 * reordering on demand ({@link #impair}); the IUT behind a NAT that forwards UDP 500 and 4500 to
 * it, alone or with a NAT in front of the harness as well (both behind NATs): the harness then sees
 * the IUT at {@link #IUT_NAT_PUBLIC} ({@link #showIutAs}), its NAT-D for the IUT hashes that
 * address, and both capture points show it; two NATs in a row in front of the harness (its NAT
 * behind a carrier's, {@link #carrier}): the inner NAT's public side is {@link
 * KernelTestbed#HOME_ON_CARRIER} on the outer one's private side, recorded as {@code home-public},
 * and the outer's public side is {@code nat-public}, as on the kernel backend; the harness as
 * responder behind a NAT that forwards UDP 500 and 4500 to it ({@link EmulatedNat#forward}: static
 * mappings of the public ports, which let anyone in and never expire), the IUT initiating to the
 * NAT's public address; further clients behind the harness's NAT, or each behind an emulated NAT of
 * its own whose public address is a further address of the harness host ({@link #ownNatPublic}; not
 * for a remote device). Not yet: two NATs in a row in front of the IUT, nor with further clients or
 * an IUT behind a NAT.
 */
public final class EmulatedTestbed implements Testbed {
  /** The backend's name, as {@code natt run --nat} takes it. */
  public static final String NAME = "emulated";

  /** Emulated NAT, hosts in namespaces (the IUT may be the bundled strongSwan). Needs root. */
  public static final Backend BACKEND = backend(NAME, false);

  /**
   * Emulated NAT, hosts on an in-memory network: only for an IUT that runs inside the harness.
   * Needs no privilege.
   */
  public static final Backend IN_MEMORY = backend(NAME + "-in-memory", true);

  /** Slack after a NAT's UDP timeout for its sweeper to have dropped the mapping. */
  static final Duration EXPIRY_SLACK = Duration.ofSeconds(1);

  private static final String NAT_PUBLIC = "198.51.100.1";
  private static final String HARNESS_PRIVATE = "10.0.1.2";
  private static final String HARNESS_PUBLIC = "198.51.100.3";
  private static final String HARNESS_INNER_DIRECT = "10.0.2.2";
  private static final String INNER_NET_DIRECT = "10.0.2.0/24";

  /**
   * The public address of the NAT in front of the IUT (forwarding UDP 500 and 4500 to it): where
   * the harness sees the IUT, and the address its NAT-D for the IUT hashes.
   */
  static final String IUT_NAT_PUBLIC = "203.0.113.1";

  /** The observation point between two NATs in a row: the harness NAT's public side. */
  static final String BETWEEN_NATS = "home-public";

  private final boolean inMemory;
  private final Testbed.Nat nat;
  private final Testbed.Remote remote;
  private final Random random = new Random(new SecureRandom().nextLong());
  private final List<String> namespaces = new ArrayList<>();
  private final List<NsExecutor> executors = new ArrayList<>();
  private final List<EmulatedNat> ports = new ArrayList<>();
  private final List<Capture> captures = new ArrayList<>();
  private MemoryNetwork memory;
  private Host harness;
  private Host iut;
  private Inet4Address harnessPublic;
  private RecordingCapture insideCapture;
  private RecordingCapture outsideCapture;
  private Impairment impairment = Impairment.NONE;
  private Inet4Address iutSeenAs;
  private Interlock interlock;

  private final Testbed.Nat iutNat;
  private int clients = 1;

  /** The second NAT in a row in front of the harness, outside its own (a carrier's), or null. */
  private Testbed.Nat carrier;

  /** The carrier NAT's ports, one per harness port: its inside is the harness NAT's outside. */
  private final List<EmulatedNat> carrierPorts = new ArrayList<>();

  /** UDP ports the harness's NAT forwards to it (the harness as responder), or none. */
  private List<Integer> harnessForward = List.of();

  /** Between the two NATs in a row (the harness NAT's public side), or null. */
  private RecordingCapture betweenCapture;

  /** The scenario's layout: where further clients sit ({@link ClientHosts#ownNat}). */
  private Layout layout = new Layout(List.of(), List.of());

  /** The ports of clients 2 and up: recorded on the NAT's public side only. */
  private final List<EmulatedNat> clientPorts = new ArrayList<>();

  private EmulatedTestbed(
      boolean inMemory, Testbed.Nat nat, Testbed.Nat iutNat, Testbed.Remote remote) {
    this.inMemory = inMemory;
    this.nat = nat;
    this.iutNat = iutNat;
    this.remote = remote;
  }

  private static Backend backend(String name, boolean inMemory) {
    return new Backend() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<String> refusal(Layout layout) {
        return EmulatedTestbed.refusal(layout);
      }

      @Override
      public Addressing addressing(Request r) {
        return EmulatedTestbed.addressing(r, inMemory);
      }

      @Override
      public boolean rebindsFlowsApart() {
        return true;
      }

      @Override
      public Optional<String> notApplicable(Request r) {
        if (r.remote() == null) {
          return Optional.empty();
        }
        if (ClientHosts.anyOwnNat(r.layout())) {
          return Optional.of(
              "a client behind a NAT of its own needs a public address of its own for that NAT,"
                  + " and a remote run has one bind address (remote: bind:)");
        }
        if (r.layout().harnessBehind().isEmpty()) {
          return wellKnownPorts(
              r.remote().bind(),
              "a scenario without a NAT sends from UDP port 500 (then 4500)",
              true);
        }
        // the outermost NAT's public side is the one on this machine's network
        List<Testbed.Nat> behind = r.layout().harnessBehind();
        Testbed.Nat n = behind.get(behind.size() - 1);
        if (!r.layout().harnessForward().isEmpty()) {
          return wellKnownPorts(
              r.remote().bind(),
              "NAT "
                  + n.name()
                  + " forwards UDP 500 and 4500 to the harness, which the IUT sends to",
              true);
        }
        return n.behaviour().ports() == NatBehaviour.PortAllocation.PRESERVE
            ? wellKnownPorts(
                r.remote().bind(),
                "NAT "
                    + n.name()
                    + " preserves ports: its public side sends from UDP port 500 (then 4500)",
                false)
            : Optional.empty();
      }

      @Override
      public Testbed build(Request r) {
        refusal(r.layout())
            .ifPresent(
                why -> {
                  throw new SetupException(why);
                });
        if (inMemory && r.remote() != null) {
          throw new SetupException(
              "a remote device cannot be reached on the in-memory network; use the emulated"
                  + " backend");
        }
        EmulatedTestbed t =
            new EmulatedTestbed(
                inMemory,
                r.layout().harnessBehind().stream().findFirst().orElse(null),
                r.layout().iutBehind().stream().findFirst().orElse(null),
                r.remote());
        t.clients = r.layout().clients();
        t.carrier = r.layout().harnessBehind().stream().skip(1).findFirst().orElse(null);
        t.harnessForward = r.layout().harnessForward();
        t.layout = r.layout();
        try {
          t.create(r.iutAddress(), r.protectedHost());
          if (t.iutNat != null) {
            t.showIutAs(KernelTestbed.ip(IUT_NAT_PUBLIC));
          }
          return t;
        } catch (RuntimeException e) {
          t.close();
          throw e;
        }
      }
    };
  }

  /**
   * The emulated backend's addresses for a layout: behind a NAT the peer believes it has the
   * private address, and its datagrams leave from mapped ports of sockets on the public one.
   */
  static Addressing addressing(Request r, boolean inMemory) {
    Addressing a = forwarded(harnessAddressing(r, inMemory), r.layout());
    return r.layout().iutBehind().isEmpty() ? a : a.withIutSeenAs(KernelTestbed.ip(IUT_NAT_PUBLIC));
  }

  private static Addressing harnessAddressing(Request r, boolean inMemory) {
    Optional<NatBehaviour> n = r.layout().harnessBehind().stream().findFirst().map(Nat::behaviour);
    Testbed.Remote remote = r.remote();
    String where =
        remote != null
            ? "this machine's own network"
            : inMemory ? "an in-memory network" : "a namespace of its own";
    Inet4Address outside =
        remote != null
            ? remote.bind()
            : KernelTestbed.ip(n.isEmpty() ? HARNESS_PUBLIC : NAT_PUBLIC);
    if (n.isEmpty()) {
      return new Addressing(
          outside,
          outside.getHostAddress() + " ports 500 and 4500 (" + where + ")",
          outside,
          KernelTestbed.ip(HARNESS_INNER_DIRECT),
          "",
          "no NAT to rebind",
          EXPIRY_SLACK);
    }
    NatBehaviour b = n.get();
    int low = remote == null ? EmulatedNat.RANDOM_PORT_MIN : remote.portMin();
    int high = remote == null ? 65535 : remote.portMax();
    return new Addressing(
        KernelTestbed.ip(HARNESS_PRIVATE),
        "sockets on "
            + outside.getHostAddress()
            + ", one per mapping ("
            + where
            + "); the peer believes it is "
            + HARNESS_PRIVATE
            + " ports 500 and 4500",
        outside,
        KernelTestbed.ip(HARNESS_PRIVATE),
        "the emulated NAT in the harness, "
            + (b.ports() == NatBehaviour.PortAllocation.RANDOM
                ? "a random public port from " + low + "-" + high + " per mapping"
                : "the private port kept where it can be bound")
            + r.layout().harnessBehind().stream()
                .skip(1)
                .findFirst()
                .map(
                    c ->
                        "; two in a row: "
                            + r.layout().harnessBehind().get(0).name()
                            + "'s public side "
                            + KernelTestbed.HOME_ON_CARRIER
                            + " is on "
                            + c.name()
                            + "'s private side")
                .orElse(""),
        "every mapping forgotten: the next packet leaves from a new socket and port",
        EXPIRY_SLACK);
  }

  /**
   * The addressing {@code a} with the port mapping in words of a NAT that forwards ports to the
   * harness, when the layout has one (both backends).
   */
  static Addressing forwarded(Addressing a, Layout layout) {
    if (layout.harnessForward().isEmpty()) {
      return a;
    }
    String seen = a.harnessSeenAs().getHostAddress();
    return new Addressing(
        a.harnessOwn(),
        a.harnessBinds(),
        a.harnessSeenAs(),
        a.harnessInner(),
        "UDP "
            + layout.harnessForward()
            + " of "
            + seen
            + " forwarded statically to "
            + a.harnessOwn().getHostAddress()
            + ", ports kept (the IUT initiates to "
            + seen
            + ")",
        "a forward stays: the ports do not change",
        a.expirySlack(),
        a.iutSeenAs());
  }

  /** Why the emulated backend cannot build the layout, if it cannot. */
  static Optional<String> refusal(Layout layout) {
    return LayoutLimits.refusal(layout, "emulated NAT backend");
  }

  /** UDP ports a scenario without a NAT sends from (IKE, then NAT-T). */
  static final List<Integer> DIRECT_PORTS = List.of(500, 4500);

  /**
   * Whether this user can bind UDP 500 and 4500 on {@code bind} in the JVM's namespace: empty when
   * it can; the reason (NOT_APPLICABLE), starting with {@code why}, when it lacks the privilege. A
   * port that is taken or an address that is not this host's is a SetupException when {@code
   * strict}; otherwise empty (a port-preserving NAT then falls back to a random port, as it does
   * for a launched IUT).
   */
  static Optional<String> wellKnownPorts(Inet4Address bind, String why, boolean strict) {
    for (int port : DIRECT_PORTS) {
      var problem = io.natt.net.SocketNetwork.probe(new java.net.InetSocketAddress(bind, port));
      if (problem.isEmpty()) {
        continue;
      }
      String where = bind.getHostAddress() + ":" + port;
      if (!strict
          && problem.get().getKey() != io.natt.net.SocketNetwork.BindProblem.NOT_PERMITTED) {
        return Optional.empty();
      }
      switch (problem.get().getKey()) {
        case NOT_PERMITTED:
          return Optional.of(
              why
                  + ", and this user (uid "
                  + io.natt.sys.Privilege.uid()
                  + ") cannot bind "
                  + where
                  + " ("
                  + problem.get().getValue()
                  + "): run as root, give the JVM CAP_NET_BIND_SERVICE, or lower"
                  + " net.ipv4.ip_unprivileged_port_start to 500");
        case IN_USE:
          throw new SetupException(
              "cannot bind UDP "
                  + where
                  + " for the harness: it is in use (an IKE daemon on this machine?); stop it for"
                  + " a scenario without a NAT");
        case NOT_LOCAL:
          throw new SetupException(
              "cannot bind UDP "
                  + where
                  + ": "
                  + bind.getHostAddress()
                  + " is not an address of this machine (remote: bind: in the target profile)");
        default:
          throw new SetupException(
              "cannot bind UDP " + where + " for the harness: " + problem.get().getValue());
      }
    }
    return Optional.empty();
  }

  private void create(Inet4Address iutAddress, Inet4Address protectedAddress) {
    if (remote != null) {
      // no namespace: the JVM's own network is the harness host's
      harnessPublic = remote.bind();
      Inet4Address own = nat == null ? harnessPublic : KernelTestbed.ip(HARNESS_PRIVATE);
      harness = new Host("harness", "", "", own, 32);
      iut = new Host("iut", "", "", iutAddress, 32);
      interlock =
          Interlock.allowing(List.of(iutAddress), "the IUT at " + iutAddress.getHostAddress());
      return;
    }
    interlock =
        Interlock.allowing(List.of(iutAddress), "the IUT at " + iutAddress.getHostAddress());
    harnessPublic = KernelTestbed.ip(nat == null ? HARNESS_PUBLIC : NAT_PUBLIC);
    Inet4Address harnessOwn = nat == null ? harnessPublic : KernelTestbed.ip(HARNESS_PRIVATE);
    if (inMemory) {
      memory = new MemoryNetwork();
      harness = new Host("harness", "", "memory", harnessOwn, 24);
      iut = new Host("iut", "", "memory", iutAddress, 24);
      return;
    }
    requireRoot();
    NetNs.removeLeftovers();
    String h = ns("h");
    String i = ns("iut");
    KernelTestbed.veth(h, "h0", i, "e0");
    // the harness host has only its public address: the private one exists in the peer's mind
    // (NAT-D, IDs) and on the emulated NAT's inside
    KernelTestbed.addr(new Host("harness", h, "h0", harnessPublic, 24));
    harness = new Host("harness", h, "h0", harnessOwn, 24);
    iut = new Host("iut", i, "e0", iutAddress, 24);
    KernelTestbed.addr(iut);
    Exec.check(
        "ip", "-n", i, "addr", "add", protectedAddress.getHostAddress() + "/32", "dev", "lo");
  }

  static void requireRoot() {
    for (String tool : List.of("ip", "ethtool")) {
      if (!Exec.available(tool)) {
        throw new SetupException(
            tool + " not found: install iproute2 and ethtool (bin/install-deps)");
      }
    }
    Exec.Result id = Exec.run("id", "-u");
    if (!id.ok() || !id.output().trim().equals("0")) {
      throw new SetupException(
          "the emulated NAT backend with a launched IUT needs root (the IUT's network namespace)");
    }
  }

  private String ns(String role) {
    String name = NetNs.name(role);
    NetNs.create(name);
    namespaces.add(name);
    return name;
  }

  /** Where the harness's side binds: every socket sends only to the IUT's address. */
  private DatagramNetwork harnessNetwork() {
    DatagramNetwork n =
        inMemory
            ? memory
            : new SocketNetwork(remote != null ? null : executor(harness.namespace()));
    return interlock.guard(n);
  }

  private NsExecutor executor(String namespace) {
    synchronized (executors) {
      for (NsExecutor e : executors) {
        if (e.namespace().equals(namespace)) {
          return e;
        }
      }
      NsExecutor e = new NsExecutor(namespace);
      executors.add(e);
      return e;
    }
  }

  /**
   * Tells the IUT it sits behind a NAT: the harness's peer sees the IUT at {@code translated}, an
   * address the IUT does not have, so that the peer's NAT-D hash of the IUT's address never
   * matches; what the peer sends there goes to the IUT's real address, and the IUT's answers come
   * back as if from {@code translated}. The peer must then address the IUT by {@link #iutSeenAs()}.
   * A scenario asks for it through {@code iut: { behind: NAT, forward: [500, 4500] }}: the testbed
   * then shows the IUT at {@link #IUT_NAT_PUBLIC}.
   */
  public synchronized void showIutAs(Inet4Address translated) {
    if (translated.equals(iut.address())) {
      throw new IllegalArgumentException("the IUT's own address cannot be its translated one");
    }
    iutSeenAs = translated;
    ports.forEach(p -> p.translateRemote(translated, iut.address()));
  }

  /** The address the harness's peer sees the IUT at: its own, or the one {@link #showIutAs} set. */
  @Override
  public synchronized Inet4Address iutSeenAs() {
    return iutSeenAs == null ? iut.address() : iutSeenAs;
  }

  /** Loses, duplicates or reorders the packets the NAT forwards, both ways, from now on. */
  public synchronized void impair(Impairment i) {
    impairment = i;
    ports.forEach(p -> p.impair(i));
  }

  @Override
  public String backend() {
    return NAME;
  }

  @Override
  public Host harness() {
    return harness;
  }

  @Override
  public Host iut() {
    return iut;
  }

  @Override
  public Inet4Address harnessPublicAddress() {
    return harnessPublic;
  }

  @Override
  public Inet4Address harnessInnerAddress() {
    return nat == null ? KernelTestbed.ip(HARNESS_INNER_DIRECT) : harness.address();
  }

  @Override
  public String harnessInnerNet() {
    return nat == null ? INNER_NET_DIRECT : KernelTestbed.PRIVATE_NET;
  }

  @Override
  public Optional<NatBehaviour> harnessNat() {
    return Optional.ofNullable(nat).map(Testbed.Nat::behaviour);
  }

  @Override
  public synchronized DatagramPort openHarnessPort(List<Integer> localPorts) {
    DatagramNetwork net = harnessNetwork();
    Inet4Address natPublic = harnessPublic;
    if (carrier != null) {
      // the carrier's NAT on the real network; the harness's own NAT binds on its private side
      natPublic = KernelTestbed.ip(KernelTestbed.HOME_ON_CARRIER);
      EmulatedNat outer = openNat(carrier, natPublic, harnessPublic, localPorts, net, true);
      carrierPorts.add(outer);
      ports.add(outer);
      record(outer);
      net = outer.insideNetwork();
    }
    EmulatedNat p =
        nat == null
            ? EmulatedNat.direct(harnessPublic, localPorts, net, random)
            : openNat(nat, harness.address(), natPublic, localPorts, net, carrier == null);
    if (iutSeenAs != null) {
      p.translateRemote(iutSeenAs, iut.address());
    }
    ports.add(p);
    record(p);
    if (nat != null && !harnessForward.isEmpty()) {
      p.forward(harnessForward);
    }
    return p;
  }

  /**
   * A port of NAT {@code n} between {@code inside} and {@code publicAddress} on {@code net}, with
   * its fragment handling and the impairment in force; the outermost NAT of a remote run maps to
   * the profile's port range.
   */
  private EmulatedNat openNat(
      Testbed.Nat n,
      Inet4Address inside,
      Inet4Address publicAddress,
      List<Integer> localPorts,
      DatagramNetwork net,
      boolean outermost) {
    boolean profileRange = outermost && remote != null;
    EmulatedNat p =
        EmulatedNat.open(
            n.name(),
            n.behaviour(),
            inside,
            publicAddress,
            localPorts,
            net,
            random,
            profileRange ? remote.portMin() : EmulatedNat.RANDOM_PORT_MIN,
            profileRange ? remote.portMax() : 65535);
    p.dropFragments(n.dropFragments());
    p.impair(impairment);
    return p;
  }

  /**
   * Points a NAT port's recording at the captures in force: a client's and the carrier's record the
   * public side only; the harness's own NAT its private side and its public side (between the NATs
   * when a carrier's NAT is in front of it).
   */
  private void record(EmulatedNat p) {
    if (clientPorts.contains(p) || carrierPorts.contains(p)) {
      p.record(null, outsideCapture);
    } else {
      p.record(insideCapture, carrier == null ? outsideCapture : betweenCapture);
    }
  }

  @Override
  public Host client(int n) {
    if (n == 1) {
      return harness;
    }
    if (n > clients) {
      throw new IllegalArgumentException("this testbed has " + clients + " client(s), not " + n);
    }
    return new Host(
        "client-" + n, harness.namespace(), harness.iface(), ClientHosts.address(layout, n), 24);
  }

  /**
   * The public address of client {@code n}'s own NAT ({@link ClientHosts#ownNat}): a further
   * address of the harness host, on the IUT's link.
   */
  static Inet4Address ownNatPublic(int n) {
    return KernelTestbed.ip("198.51.100." + (10 + n));
  }

  /** Puts {@link #ownNatPublic} on the harness host (in its namespace), once. */
  private void ownNatAddress(int n) {
    if (inMemory || remote != null || !ownNatAddresses.add(n)) {
      return;
    }
    KernelTestbed.addr(new Host("nat-" + n, harness.namespace(), "h0", ownNatPublic(n), 24));
  }

  private final java.util.Set<Integer> ownNatAddresses = new java.util.HashSet<>();

  /**
   * Client {@code n} (from 2) behind the same NAT: a NAT port of its own for its private address,
   * with the same behaviour and public address as the harness's, whose mappings are sockets on that
   * public address too (a port-preserving NAT keeps the client's port only where no one holds it
   * yet).
   */
  @Override
  public synchronized DatagramPort openClientPort(int n, List<Integer> localPorts) {
    if (n == 1) {
      return openHarnessPort(localPorts);
    }
    // a client behind a NAT of its own leaves from that NAT's public address
    Testbed.Nat behind = ClientHosts.ownNat(layout, n).orElse(nat);
    Inet4Address outside = behind == nat ? harnessPublic : ownNatPublic(n);
    if (behind != nat) {
      ownNatAddress(n);
    }
    EmulatedNat p =
        openNat(behind, client(n).address(), outside, localPorts, harnessNetwork(), true);
    ports.add(p);
    clientPorts.add(p);
    record(p);
    return p;
  }

  @Override
  public DatagramPort openIutPort(List<Integer> localPorts) {
    if (remote != null) {
      throw new SetupException(
          "the IUT at "
              + iut.address().getHostAddress()
              + " is a remote device: the harness opens no port on its address");
    }
    if (!inMemory) {
      return UdpTransport.open(executor(iut.namespace()), iut.address(), localPorts);
    }
    return EmulatedNat.direct(iut.address(), localPorts, memory, random);
  }

  @Override
  public List<String> notes() {
    List<String> out = new ArrayList<>();
    synchronized (this) {
      ports.forEach(p -> out.addAll(p.events()));
    }
    return out;
  }

  @Override
  public List<String> observationPoints() {
    if (nat == null) {
      return List.of("harness");
    }
    return carrier == null
        ? List.of("harness", "nat-public")
        : List.of("harness", BETWEEN_NATS, "nat-public");
  }

  @Override
  public String iutSidePoint() {
    return nat == null ? "harness" : "nat-public";
  }

  @Override
  public synchronized List<Capture> startCaptures(Path dir) {
    List<Capture> out = new ArrayList<>();
    insideCapture = RecordingCapture.start("harness", dir.resolve("harness.pcap"));
    out.add(insideCapture);
    if (carrier != null) {
      betweenCapture = RecordingCapture.start(BETWEEN_NATS, dir.resolve(BETWEEN_NATS + ".pcap"));
      out.add(betweenCapture);
    }
    if (nat != null) {
      outsideCapture = RecordingCapture.start("nat-public", dir.resolve("nat-public.pcap"));
      out.add(outsideCapture);
    }
    captures.addAll(out);
    ports.forEach(this::record);
    return out;
  }

  @Override
  public synchronized String rebind() {
    int n = ports.stream().mapToInt(EmulatedNat::rebind).sum();
    return n + " mapping(s) forgotten, the next packet gets a new socket and port";
  }

  @Override
  public synchronized String rebind(RebindFlows flows) {
    if (flows == RebindFlows.ALL) {
      return rebind();
    }
    // the harness's own NAT splits the flow; the carrier's then sees it from a new internal port
    int n =
        ports.stream().filter(p -> !carrierPorts.contains(p)).mapToInt(p -> p.rebind(flows)).sum();
    return "the "
        + flows.word()
        + " flow of "
        + n
        + " mapping(s) to UDP 4500 moved to a new socket and port, the other flow kept its own";
  }

  @Override
  public Optional<Duration> expiryWait() {
    return harnessNat().map(n -> n.udpTimeout().plus(EXPIRY_SLACK));
  }

  /** The namespaces this testbed made (none in memory). */
  public List<String> namespaces() {
    return List.copyOf(namespaces);
  }

  @Override
  public synchronized void close() {
    ports.forEach(EmulatedNat::close);
    ports.clear();
    captures.forEach(Capture::close);
    captures.clear();
    if (memory != null) {
      memory.close();
    }
    synchronized (executors) {
      executors.forEach(NsExecutor::close);
      executors.clear();
    }
    for (int k = namespaces.size() - 1; k >= 0; k--) {
      NetNs.delete(namespaces.get(k));
    }
    namespaces.clear();
  }
}
