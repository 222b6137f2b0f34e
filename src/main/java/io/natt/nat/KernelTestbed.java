package io.natt.nat;

import io.natt.net.Capture;
import io.natt.net.DatagramPort;
import io.natt.net.PcapCapture;
import io.natt.net.UdpTransport;
import io.natt.sys.Exec;
import io.natt.sys.NetNs;
import io.natt.sys.NsExecutor;
import io.natt.sys.SetupException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel NAT backend: hosts are network namespaces joined by veth pairs, the NAT is nftables
 * masquerade in a namespace of its own. Interfaces are created directly inside their namespaces, so
 * nothing ever appears in the root namespace. The harness's port is a pair of real sockets in its
 * namespace; the observation points are Pcap4J captures on the harness's interface and on the NAT's
 * public side. Needs root.
 *
 * <p>What it realises: the harness behind zero, one or two NATs in a row, or as responder behind
 * one NAT forwarding UDP 500 and 4500 to it (nftables DNAT); the IUT behind none or one forwarding
 * NAT; filtering by address and port (netfilter conntrack); random or preserved ports; the UDP
 * timeout; further clients behind the harness's NAT or each behind a NAT of its own ({@link
 * #behindOwnNat}). Mapping is by conntrack flow, and every mapping behaviour is accepted: each of
 * the harness's ports talks to one endpoint of the IUT only, so endpoint-independent,
 * address-dependent and address-and-port-dependent mapping cannot be told apart by the IUT.
 */
public final class KernelTestbed implements Testbed {
  /** The backend's name, as {@code natt run --nat} will take it. */
  public static final String NAME = "kernel";

  /** Builds kernel testbeds. */
  public static final Backend BACKEND =
      new Backend() {
        @Override
        public String name() {
          return NAME;
        }

        @Override
        public Optional<String> refusal(Layout layout) {
          return KernelTestbed.refusal(layout);
        }

        @Override
        public boolean realisesFiltering(NatBehaviour.Dependency filtering) {
          // conntrack lets in only replies to a flow: from the very address and port it went to
          return filtering == NatBehaviour.Dependency.ADDRESS_AND_PORT_DEPENDENT;
        }

        @Override
        public Addressing addressing(Request r) {
          return KernelTestbed.addressing(r.layout());
        }

        @Override
        public boolean rawIpv4() {
          return true;
        }

        @Override
        public Testbed build(Request r) {
          refusal(r.layout())
              .ifPresent(
                  why -> {
                    throw new SetupException(why);
                  });
          if (r.remote() != null) {
            throw new SetupException(
                "a remote device is reached through the emulated NAT only (--nat emulated): the"
                    + " kernel backend needs the IUT in a network namespace of the project's");
          }
          return KernelTestbed.build(
              r.layout(),
              r.layout().harnessBehind().stream().findFirst().map(Nat::behaviour),
              !r.layout().iutBehind().isEmpty(),
              r.iutAddress(),
              r.protectedHost());
        }
      };

  /** Slack for conntrack's garbage collection after a UDP timeout. */
  static final Duration EXPIRY_SLACK = Duration.ofSeconds(2);

  /** The harness's private LAN behind the NAT. */
  public static final String PRIVATE_NET = "10.0.1.0/24";

  private static final String NAT_PUBLIC = "198.51.100.1";
  private static final String HARNESS_PRIVATE = "10.0.1.2";
  private static final String NAT_PRIVATE = "10.0.1.1";
  private static final String HARNESS_PUBLIC = "198.51.100.3";
  private static final String HARNESS_INNER_DIRECT = "10.0.2.2";
  private static final String INNER_NET_DIRECT = "10.0.2.0/24";

  private final List<String> namespaces = new ArrayList<>();
  private final List<CapturePoint> capturePoints = new ArrayList<>();
  private final List<NsExecutor> executors = new ArrayList<>();
  private final List<Capture> captures = new ArrayList<>();

  /** Where the harness sits when the IUT is behind a NAT: on that NAT's public link. */
  private static final String HARNESS_FACING_IUT_NAT = "203.0.113.3";

  /** The public side of the harness's NAT when the IUT is behind a NAT as well. */
  private static final String NAT_PUBLIC_FACING_IUT_NAT = "203.0.113.2";

  private final NatBehaviour nat;
  private final boolean iutBehindNat;
  private int clients = 1;

  /** The scenario's layout: where further clients sit ({@link ClientHosts#ownNat}). */
  private Layout layout = new Layout(List.of(), List.of());

  private boolean dropFragments;

  /** UDP ports the harness's NAT forwards to the harness (nftables DNAT), or none. */
  private List<Integer> harnessForward = List.of();

  /** The second NAT in a row, outside the harness's own (a carrier-grade NAT), or null. */
  private Nat carrier;

  private String carrierNs;
  private final List<Host> extraClients = new ArrayList<>();
  private String natNs;
  private Inet4Address iutSeenAs;
  private Host harness;
  private Host iut;
  private Inet4Address harnessPublic;

  private KernelTestbed(NatBehaviour nat, boolean iutBehindNat) {
    this.nat = nat;
    this.iutBehindNat = iutBehindNat;
  }

  /**
   * Builds harness and IUT hosts; with a NAT behaviour, the harness sits behind that NAT, otherwise
   * both share one link.
   *
   * @param iutAddress the IUT's public address (from the target profile, in 198.51.100.0/24)
   * @param protectedAddress an address inside the IUT's protected network, put on its loopback
   */
  public static KernelTestbed build(
      Optional<NatBehaviour> harnessNat, Inet4Address iutAddress, Inet4Address protectedAddress) {
    return build(harnessNat, false, iutAddress, protectedAddress);
  }

  /**
   * The same; with {@code iutBehindNat}, a NAT namespace in front of the IUT forwards UDP 500 and
   * 4500 to it (nftables DNAT in that namespace only), and the harness sees the IUT at the NAT's
   * public address {@link EmulatedTestbed#IUT_NAT_PUBLIC}.
   */
  public static KernelTestbed build(
      Optional<NatBehaviour> harnessNat,
      boolean iutBehindNat,
      Inet4Address iutAddress,
      Inet4Address protectedAddress) {
    return build(
        new Layout(List.of(), List.of()), harnessNat, iutBehindNat, iutAddress, protectedAddress);
  }

  /**
   * The same, with the rest of the scenario's layout: further clients ({@link ClientHosts}), the
   * harness's NAT dropping fragments, a carrier's NAT outside it, ports it forwards to the harness.
   */
  static KernelTestbed build(
      Layout layout,
      Optional<NatBehaviour> harnessNat,
      boolean iutBehindNat,
      Inet4Address iutAddress,
      Inet4Address protectedAddress) {
    harnessNat
        .flatMap(n -> refusal("in front of the harness", n))
        .ifPresent(
            why -> {
              throw new SetupException(why);
            });
    requireRoot();
    NetNs.removeLeftovers();
    KernelTestbed t = new KernelTestbed(harnessNat.orElse(null), iutBehindNat);
    t.clients = layout.clients();
    t.layout = layout;
    t.dropFragments =
        layout.harnessBehind().stream().findFirst().map(Nat::dropFragments).orElse(false);
    t.carrier = layout.harnessBehind().stream().skip(1).findFirst().orElse(null);
    t.harnessForward = layout.harnessForward();
    try {
      t.create(iutAddress, protectedAddress);
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** The kernel backend's addresses for a layout: the harness binds its own address. */
  static Addressing addressing(Layout layout) {
    if (layout.iutBehind().isEmpty()) {
      return EmulatedTestbed.forwarded(harnessAddressing(layout), layout);
    }
    Addressing a = harnessAddressing(layout);
    Addressing moved =
        layout.harnessBehind().isEmpty()
            ? new Addressing(
                ip(HARNESS_FACING_IUT_NAT),
                HARNESS_FACING_IUT_NAT
                    + " ports 500 and 4500 (a namespace of its own, on the public link of the"
                    + " IUT's NAT)",
                ip(HARNESS_FACING_IUT_NAT),
                a.harnessInner(),
                a.portMapping(),
                a.rebind(),
                a.expirySlack())
            : new Addressing(
                a.harnessOwn(),
                a.harnessBinds(),
                ip(NAT_PUBLIC_FACING_IUT_NAT),
                a.harnessInner(),
                a.portMapping(),
                a.rebind(),
                a.expirySlack());
    return moved.withIutSeenAs(ip(EmulatedTestbed.IUT_NAT_PUBLIC));
  }

  private static Addressing harnessAddressing(Layout layout) {
    Optional<NatBehaviour> n = layout.harnessBehind().stream().findFirst().map(Nat::behaviour);
    if (n.isEmpty()) {
      return new Addressing(
          ip(HARNESS_PUBLIC),
          HARNESS_PUBLIC + " ports 500 and 4500 (a namespace of its own)",
          ip(HARNESS_PUBLIC),
          ip(HARNESS_INNER_DIRECT),
          "",
          "no NAT to rebind",
          EXPIRY_SLACK);
    }
    return new Addressing(
        ip(HARNESS_PRIVATE),
        HARNESS_PRIVATE + " ports 500 and 4500 (a namespace of its own, behind an nftables NAT)",
        ip(NAT_PUBLIC),
        ip(HARNESS_PRIVATE),
        n.get().ports() == NatBehaviour.PortAllocation.RANDOM
            ? "nftables masquerade to a random public port 10000-65535 per conntrack flow"
                + " (each harness port talks to one IUT port, so every mapping behaviour looks"
                + " the same to the IUT)"
            : "nftables masquerade keeping the source port where it is free (each harness port"
                + " talks to one IUT port, so every mapping behaviour looks the same to the IUT)",
        "conntrack flush: the next packet gets a new public port",
        EXPIRY_SLACK);
  }

  /**
   * Why the kernel backend cannot build the layout, if it cannot. A filtering it cannot realise
   * makes a scenario NOT_APPLICABLE instead (realisesFiltering); build() still refuses it.
   */
  static Optional<String> refusal(Layout layout) {
    return LayoutLimits.refusal(layout, "kernel NAT backend");
  }

  /** Why the kernel backend cannot realise one NAT's behaviour, if it cannot. */
  static Optional<String> refusal(String name, NatBehaviour b) {
    if (b.filtering() != NatBehaviour.Dependency.ADDRESS_AND_PORT_DEPENDENT) {
      return Optional.of(
          "NAT "
              + name
              + ": the kernel backend filters by address and port (netfilter conntrack);"
              + " filtering: "
              + b.filtering().fileName()
              + " is not supported by it");
    }
    return Optional.empty();
  }

  static void requireRoot() {
    for (String tool : List.of("ip", "nft", "ethtool")) {
      if (!Exec.available(tool)) {
        throw new SetupException(
            tool + " not found: install iproute2, nftables and ethtool (bin/install-deps)");
      }
    }
    Exec.Result id = Exec.run("id", "-u");
    if (!id.ok() || !id.output().trim().equals("0")) {
      throw new SetupException(
          "the kernel NAT backend needs root (network namespaces, veth, nftables)");
    }
  }

  private void create(Inet4Address iutAddress, Inet4Address protectedAddress) {
    String h = ns("h");
    String i = ns("iut");
    iut = new Host("iut", i, "e0", iutAddress, 24);
    if (iutBehindNat) {
      createIutBehindNat(h, i, protectedAddress);
      return;
    }
    if (carrier != null) {
      behindCarrier(h, i);
    } else {
      harnessSide(h, i, "e0", HARNESS_PUBLIC, NAT_PUBLIC);
    }
    addr(iut);
    Exec.check(
        "ip", "-n", i, "addr", "add", protectedAddress.getHostAddress() + "/32", "dev", "lo");
  }

  /**
   * The harness's side of the testbed, linked to {@code towardDev} in {@code towardNs} (the IUT, or
   * the NAT in front of it): the harness on that link at {@code directAddress} when no NAT is in
   * front of it, else behind its NAT (a namespace of its own, masquerading to {@code
   * natPublicAddress} on that link, with the NAT's UDP timeout and port allocation).
   */
  private void harnessSide(
      String h, String towardNs, String towardDev, String directAddress, String natPublicAddress) {
    if (nat == null) {
      veth(h, "h0", towardNs, towardDev);
      harness = new Host("harness", h, "h0", ip(directAddress), 24);
      addr(harness);
      harnessPublic = harness.address();
      capturePoints.add(new CapturePoint("harness", h, "h0"));
      return;
    }
    natNs = ns("nat");
    veth(h, "h0", natNs, "in0");
    veth(natNs, "out0", towardNs, towardDev);
    harness = new Host("harness", h, "h0", ip(HARNESS_PRIVATE), 24);
    addr(harness);
    addr(new Host("nat", natNs, privateLan(), ip(NAT_PRIVATE), 24));
    addr(new Host("nat", natNs, "out0", ip(natPublicAddress), 24));
    Exec.check("ip", "-n", h, "route", "add", "default", "via", NAT_PRIVATE);
    Exec.inNs(natNs, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
    for (String key : List.of("nf_conntrack_udp_timeout", "nf_conntrack_udp_timeout_stream")) {
      Exec.inNs(natNs, "sysctl", "-qw", "net.netfilter." + key + "=" + nat.udpTimeout().toSeconds())
          .orThrow();
    }
    // random ports from 10000 up, like most home routers: Linux would otherwise keep a
    // privileged source port (500) below 1024, and Wireshark would then dissect the captures
    // by the lower, well-known port instead of 500/4500
    // a NAT forwarding ports to the harness answers from them: masquerade keeping the port
    harnessNatRules(
        nat.ports() == NatBehaviour.PortAllocation.RANDOM && harnessForward.isEmpty()
            ? "meta l4proto udp masquerade to :10000-65535 random"
            : "meta l4proto udp masquerade");
    for (int k = 2; k <= clients; k++) {
      Optional<Nat> own = ClientHosts.ownNat(layout, k);
      extraClients.add(own.isPresent() ? behindOwnNat(k, own.get(), towardNs) : clientHost(k));
    }
    harnessPublic = ip(natPublicAddress);
    capturePoints.add(new CapturePoint("harness", h, "h0"));
    capturePoints.add(new CapturePoint("nat-public", natNs, "out0"));
  }

  /**
   * The NAT's private side: in0 alone, or with further clients a bridge in the NAT's namespace
   * joining in0 and one veth per client, so that all sit on one LAN behind one NAT.
   */
  private String privateLan() {
    if (clients == 1) {
      return "in0";
    }
    Exec.check("ip", "-n", natNs, "link", "add", "br0", "type", "bridge");
    Exec.check("ip", "-n", natNs, "link", "set", "in0", "master", "br0");
    Exec.check("ip", "-n", natNs, "link", "set", "br0", "up");
    return "br0";
  }

  /** Client host {@code k} (from 2): a namespace of its own on the NAT's bridge. */
  private Host clientHost(int k) {
    String c = ns("c" + k);
    String lanSide = "in" + (k - 1);
    veth(c, "h0", natNs, lanSide);
    Exec.check("ip", "-n", natNs, "link", "set", lanSide, "master", "br0");
    Host host = new Host("client-" + k, c, "h0", ClientHosts.address(k), 24);
    addr(host);
    Exec.check("ip", "-n", c, "route", "add", "default", "via", NAT_PRIVATE);
    return host;
  }

  /** The IUT's address on the link of the clients' own NATs ({@link #behindOwnNat}). */
  static final String IUT_ON_CLIENT_NATS = "203.0.113.254";

  /** The public address of client {@code k}'s own NAT, on the IUT's link for them. */
  static Inet4Address ownNatPublic(int k) {
    return ip("203.0.113." + (10 + k));
  }

  /**
   * Client host {@code k} (from 2) behind a NAT of its own ({@code n}): the client's namespace on a
   * private LAN (10.0.1.0/24, its address {@link ClientHosts#address(Layout, int)}) behind a NAT
   * namespace that masquerades, with that NAT's behaviour, to {@link #ownNatPublic} on a link of
   * its own to the IUT ({@code iutNs}: a bridge "cnats" there, {@link #IUT_ON_CLIENT_NATS}). The
   * observation point {@code nat-K-public} is that NAT's public side.
   */
  private Host behindOwnNat(int k, Nat n, String iutNs) {
    String natK = ns("nat" + k);
    String c = ns("c" + k);
    veth(c, "h0", natK, "in0");
    Host host = new Host("client-" + k, c, "h0", ClientHosts.address(layout, k), 24);
    addr(host);
    addr(new Host("nat" + k, natK, "in0", ip(NAT_PRIVATE), 24));
    Exec.check("ip", "-n", c, "route", "add", "default", "via", NAT_PRIVATE);
    if (!iutHasClientNatLink) {
      Exec.check("ip", "-n", iutNs, "link", "add", "cnats", "type", "bridge");
      Exec.check("ip", "-n", iutNs, "link", "set", "cnats", "up");
      addr(new Host("iut", iutNs, "cnats", ip(IUT_ON_CLIENT_NATS), 24));
      iutHasClientNatLink = true;
    }
    veth(natK, "out0", iutNs, "n" + k);
    Exec.check("ip", "-n", iutNs, "link", "set", "n" + k, "master", "cnats");
    addr(new Host("nat" + k, natK, "out0", ownNatPublic(k), 24));
    Exec.check("ip", "-n", natK, "route", "add", "default", "via", IUT_ON_CLIENT_NATS);
    masquerade(natK, n);
    clientNatNs.add(natK);
    capturePoints.add(new CapturePoint("nat-" + k + "-public", natK, "out0"));
    return host;
  }

  private boolean iutHasClientNatLink;

  /** The namespaces of the clients' own NATs. */
  private final List<String> clientNatNs = new ArrayList<>();

  @Override
  public Host client(int n) {
    return n == 1 ? harness : extraClients.get(n - 2);
  }

  @Override
  public DatagramPort openClientPort(int n, List<Integer> localPorts) {
    Host c = client(n);
    return UdpTransport.open(executor(c.namespace()), c.address(), localPorts);
  }

  /** The harness NAT's masquerade on out0 (UDP as {@code udp} says, anything else as it comes). */
  private void harnessNatRules(String udp) {
    natRules(natNs, udp, dropFragments, forwardChain(harnessForward, HARNESS_PRIVATE));
  }

  /**
   * An nftables prerouting chain that forwards {@code ports} (UDP) arriving on out0 to {@code to},
   * ports kept; empty for no ports.
   */
  private static String forwardChain(List<Integer> ports, String to) {
    if (ports.isEmpty()) {
      return "";
    }
    return "  chain pre {\n"
        + "    type nat hook prerouting priority dstnat; policy accept;\n"
        + "    iifname \"out0\" udp dport { "
        + String.join(", ", ports.stream().map(String::valueOf).toList())
        + " } dnat to "
        + to
        + "\n"
        + "  }\n";
  }

  /** A NAT's masquerade on out0 in {@code ns}, dropping IP fragments first with {@code drop}. */
  private static void natRules(String ns, String udp, boolean drop, String pre) {
    String rules =
        "table ip natt {\n"
            + pre
            + "  chain post {\n"
            + "    type nat hook postrouting priority srcnat; policy accept;\n"
            + "    oifname \"out0\" "
            + udp
            + "\n"
            + "    oifname \"out0\" masquerade\n"
            + "  }\n"
            + (drop
                ? "  chain fragments {\n"
                    + "    type filter hook prerouting priority -450; policy accept;\n"
                    + "    ip frag-off & 0x3fff != 0 counter drop\n"
                    + "  }\n"
                : "")
            + "}\n";
    Exec.run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), rules).orThrow();
  }

  /**
   * Makes namespace {@code ns} the NAT {@code n} between its in0 and out0: forwarding, the NAT's
   * UDP timeout, masquerade on out0 with its port allocation, fragments dropped where it says.
   */
  private static void masquerade(String ns, Nat n) {
    Exec.inNs(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
    NatBehaviour b = n.behaviour();
    for (String key : List.of("nf_conntrack_udp_timeout", "nf_conntrack_udp_timeout_stream")) {
      Exec.inNs(ns, "sysctl", "-qw", "net.netfilter." + key + "=" + b.udpTimeout().toSeconds())
          .orThrow();
    }
    natRules(
        ns,
        b.ports() == NatBehaviour.PortAllocation.RANDOM
            ? "meta l4proto udp masquerade to :10000-65535 random"
            : "meta l4proto udp masquerade",
        n.dropFragments(),
        "");
  }

  /** The link between the harness's NAT and the carrier's NAT behind it (RFC 1918). */
  private static final String CARRIER_INSIDE = "172.16.0.1";

  /** The harness NAT's public side when a carrier's NAT sits behind it (both backends). */
  static final String HOME_ON_CARRIER = "172.16.0.2";

  /**
   * Two NATs in a row: the harness behind its own NAT (namespace "nat", public side 172.16.0.2),
   * which sits behind a carrier's NAT (namespace "cgn", 172.16.0.1 inside, {@link #NAT_PUBLIC} on
   * the IUT's link), each masquerading with its own port allocation, UDP timeout and fragment
   * handling. Observation points: harness, home-public (between the NATs) and nat-public (the
   * carrier's public side, what the IUT sees).
   */
  private void behindCarrier(String h, String i) {
    carrierNs = ns("cgn");
    harnessSide(h, carrierNs, "in0", HARNESS_PUBLIC, HOME_ON_CARRIER);
    capturePoints.removeIf(c -> c.name().equals("nat-public"));
    capturePoints.add(new CapturePoint(EmulatedTestbed.BETWEEN_NATS, natNs, "out0"));
    Exec.check("ip", "-n", natNs, "route", "add", "default", "via", CARRIER_INSIDE);
    veth(carrierNs, "out0", i, "e0");
    addr(new Host("cgn", carrierNs, "in0", ip(CARRIER_INSIDE), 24));
    addr(new Host("cgn", carrierNs, "out0", ip(NAT_PUBLIC), 24));
    masquerade(carrierNs, carrier);
    harnessPublic = ip(NAT_PUBLIC);
    capturePoints.add(new CapturePoint("nat-public", carrierNs, "out0"));
  }

  /**
   * The IUT behind a NAT that forwards UDP 500 and 4500 to it: a namespace "inat" between the IUT
   * (its own address on priv0's link, default route through the NAT) and a public link
   * 203.0.113.0/24 (pub0 = {@link EmulatedTestbed#IUT_NAT_PUBLIC}). The harness sits on that public
   * link (203.0.113.3), or behind its own NAT whose public side is there (203.0.113.2).
   */
  private void createIutBehindNat(String h, String i, Inet4Address protectedAddress) {
    String inat = ns("inat");
    byte[] b = iut.address().getAddress();
    b[3] = (byte) ((b[3] & 0xff) == 254 ? 253 : 254);
    Inet4Address gateway;
    try {
      gateway = (Inet4Address) InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    veth(inat, "priv0", i, "e0");
    addr(iut);
    addr(new Host("iut-nat", inat, "priv0", gateway, 24));
    Exec.check("ip", "-n", i, "route", "add", "default", "via", gateway.getHostAddress());
    harnessSide(h, inat, "pub0", HARNESS_FACING_IUT_NAT, NAT_PUBLIC_FACING_IUT_NAT);
    addr(new Host("iut-nat", inat, "pub0", ip(EmulatedTestbed.IUT_NAT_PUBLIC), 24));
    Exec.inNs(inat, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
    // port forwarding: UDP 500 and 4500 of the public address go to the IUT, ports kept; what the
    // IUT sends out leaves from the public address (conntrack reverses the forwarded flows)
    String rules =
        "table ip natt {\n"
            + "  chain pre {\n"
            + "    type nat hook prerouting priority dstnat; policy accept;\n"
            + "    iifname \"pub0\" udp dport { 500, 4500 } dnat to "
            + iut.address().getHostAddress()
            + "\n"
            + "  }\n"
            + "  chain post {\n"
            + "    type nat hook postrouting priority srcnat; policy accept;\n"
            + "    oifname \"pub0\" masquerade\n"
            + "  }\n"
            + "}\n";
    Exec.run(List.of("ip", "netns", "exec", inat, "nft", "-f", "-"), rules).orThrow();
    iutSeenAs = ip(EmulatedTestbed.IUT_NAT_PUBLIC);
    Exec.check(
        "ip", "-n", i, "addr", "add", protectedAddress.getHostAddress() + "/32", "dev", "lo");
  }

  @Override
  public Inet4Address iutSeenAs() {
    return iutSeenAs == null ? iut.address() : iutSeenAs;
  }

  private String ns(String role) {
    String name = NetNs.name(role);
    NetNs.create(name);
    namespaces.add(name);
    return name;
  }

  static void veth(String nsA, String ifA, String nsB, String ifB) {
    Exec.check(
        "ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
    for (String[] end : new String[][] {{nsA, ifA}, {nsB, ifB}}) {
      // without this, captured UDP checksums read as bad (offloaded to a NIC that does not exist)
      Exec.inNs(end[0], "ethtool", "-K", end[1], "tx", "off").orThrow();
      Exec.check("ip", "-n", end[0], "link", "set", end[1], "up");
    }
  }

  static void addr(Host host) {
    Exec.check(
        "ip",
        "-n",
        host.namespace(),
        "addr",
        "add",
        host.address().getHostAddress() + "/" + host.prefix(),
        "dev",
        host.iface());
  }

  static Inet4Address ip(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(s, e);
    }
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
    return nat == null ? ip(HARNESS_INNER_DIRECT) : harness.address();
  }

  @Override
  public String harnessInnerNet() {
    return nat == null ? INNER_NET_DIRECT : PRIVATE_NET;
  }

  @Override
  public Optional<NatBehaviour> harnessNat() {
    return Optional.ofNullable(nat);
  }

  /** Where this testbed's observation points are: an interface in a namespace each. */
  public List<CapturePoint> capturePoints() {
    return List.copyOf(capturePoints);
  }

  @Override
  public List<String> observationPoints() {
    return capturePoints.stream().map(CapturePoint::name).toList();
  }

  @Override
  public String iutSidePoint() {
    return nat == null ? "harness" : "nat-public";
  }

  @Override
  public DatagramPort openHarnessPort(List<Integer> localPorts) {
    return UdpTransport.open(executor(harness.namespace()), harness.address(), localPorts);
  }

  @Override
  public Optional<io.natt.sys.RawIpv4Socket> openHarnessRawSocket() {
    return Optional.of(io.natt.sys.RawIpv4Socket.open(executor(harness.namespace())));
  }

  @Override
  public DatagramPort openIutPort(List<Integer> localPorts) {
    return UdpTransport.open(executor(iut.namespace()), iut.address(), localPorts);
  }

  @Override
  public List<Capture> startCaptures(Path dir) {
    List<Capture> started = new ArrayList<>();
    for (CapturePoint cp : capturePoints) {
      Capture c =
          PcapCapture.start(
              executor(cp.namespace()), cp.iface(), cp.name(), dir.resolve(cp.name() + ".pcap"));
      synchronized (captures) {
        captures.add(c);
      }
      started.add(c);
    }
    return started;
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

  @Override
  public String rebind() {
    if (natNs != null) {
      Exec.inNs(natNs, "conntrack", "-F");
      if (carrierNs != null) {
        Exec.inNs(carrierNs, "conntrack", "-F");
      }
      clientNatNs.forEach(n -> Exec.inNs(n, "conntrack", "-F"));
    }
    return "conntrack flush";
  }

  @Override
  public Optional<Duration> expiryWait() {
    return harnessNat().map(n -> n.udpTimeout().plus(EXPIRY_SLACK));
  }

  /** Whether conntrack in the NAT's namespace lists no UDP flow any more. */
  @Override
  public Optional<Boolean> mappingsGone() {
    if (natNs == null) {
      return Optional.empty();
    }
    Exec.Result r = Exec.inNs(natNs, "conntrack", "-L", "-p", "udp");
    if (!r.ok()) {
      return Optional.empty();
    }
    return Optional.of(r.output().lines().noneMatch(l -> l.startsWith("udp ")));
  }

  /** The namespaces this testbed made. */
  public List<String> namespaces() {
    return List.copyOf(namespaces);
  }

  @Override
  public void close() {
    synchronized (captures) {
      captures.forEach(Capture::close);
      captures.clear();
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
