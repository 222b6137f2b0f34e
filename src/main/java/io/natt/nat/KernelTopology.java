package io.natt.nat;

import io.natt.sys.Exec;
import io.natt.sys.NetNs;
import io.natt.sys.SetupException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel NAT backend: hosts are network namespaces joined by veth pairs, the NAT is nftables
 * masquerade in a namespace of its own. Interfaces are created directly inside their namespaces, so
 * nothing ever appears in the root namespace. Needs root.
 */
public final class KernelTopology implements Topology {
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
  private final NatBehaviour nat;
  private String natNs;
  private Host harness;
  private Host iut;
  private Inet4Address harnessPublic;

  private KernelTopology(NatBehaviour nat) {
    this.nat = nat;
  }

  /**
   * Builds harness and IUT hosts; with a NAT behaviour, the harness sits behind that NAT, otherwise
   * both share one link.
   *
   * @param iutAddress the IUT's public address (from the target profile, in 198.51.100.0/24)
   * @param protectedAddress an address inside the IUT's protected network, put on its loopback
   */
  public static KernelTopology build(
      Optional<NatBehaviour> harnessNat, Inet4Address iutAddress, Inet4Address protectedAddress) {
    requireRoot();
    NetNs.removeLeftovers();
    KernelTopology t = new KernelTopology(harnessNat.orElse(null));
    try {
      t.create(iutAddress, protectedAddress);
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
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
    if (nat == null) {
      veth(h, "h0", i, "e0");
      harness = new Host("harness", h, "h0", ip(HARNESS_PUBLIC), 24);
      addr(harness);
      addr(iut);
      harnessPublic = harness.address();
      capturePoints.add(new CapturePoint("harness", h, "h0"));
    } else {
      natNs = ns("nat");
      veth(h, "h0", natNs, "in0");
      veth(natNs, "out0", i, "e0");
      harness = new Host("harness", h, "h0", ip(HARNESS_PRIVATE), 24);
      addr(harness);
      addr(new Host("nat", natNs, "in0", ip(NAT_PRIVATE), 24));
      addr(new Host("nat", natNs, "out0", ip(NAT_PUBLIC), 24));
      addr(iut);
      Exec.check("ip", "-n", h, "route", "add", "default", "via", NAT_PRIVATE);
      Exec.inNs(natNs, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
      Exec.inNs(
              natNs,
              "sysctl",
              "-qw",
              "net.netfilter.nf_conntrack_udp_timeout=" + nat.udpTimeout().toSeconds())
          .orThrow();
      Exec.inNs(
              natNs,
              "sysctl",
              "-qw",
              "net.netfilter.nf_conntrack_udp_timeout_stream=" + nat.udpTimeout().toSeconds())
          .orThrow();
      // random ports from 10000 up, like most home routers: Linux would otherwise keep a
      // privileged source port (500) below 1024, and Wireshark would then dissect the captures
      // by the lower, well-known port instead of 500/4500
      String udp =
          nat.ports() == NatBehaviour.PortAllocation.RANDOM
              ? "meta l4proto udp masquerade to :10000-65535 random"
              : "meta l4proto udp masquerade";
      String rules =
          "table ip natt {\n"
              + "  chain post {\n"
              + "    type nat hook postrouting priority srcnat; policy accept;\n"
              + "    oifname \"out0\" "
              + udp
              + "\n"
              + "    oifname \"out0\" masquerade\n"
              + "  }\n"
              + "}\n";
      Exec.run(List.of("ip", "netns", "exec", natNs, "nft", "-f", "-"), rules).orThrow();
      harnessPublic = ip(NAT_PUBLIC);
      capturePoints.add(new CapturePoint("harness", h, "h0"));
      capturePoints.add(new CapturePoint("nat-public", natNs, "out0"));
    }
    Exec.check(
        "ip", "-n", i, "addr", "add", protectedAddress.getHostAddress() + "/32", "dev", "lo");
  }

  private String ns(String role) {
    String name = NetNs.name(role);
    NetNs.create(name);
    namespaces.add(name);
    return name;
  }

  private static void veth(String nsA, String ifA, String nsB, String ifB) {
    Exec.check(
        "ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
    for (String[] end : new String[][] {{nsA, ifA}, {nsB, ifB}}) {
      // without this, captured UDP checksums read as bad (offloaded to a NIC that does not exist)
      Exec.inNs(end[0], "ethtool", "-K", end[1], "tx", "off").orThrow();
      Exec.check("ip", "-n", end[0], "link", "set", end[1], "up");
    }
  }

  private static void addr(Host host) {
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

  @Override
  public List<CapturePoint> capturePoints() {
    return List.copyOf(capturePoints);
  }

  @Override
  public void flushNatMappings() {
    if (natNs != null) {
      Exec.inNs(natNs, "conntrack", "-F");
    }
  }

  /** The namespaces this topology made. */
  public List<String> namespaces() {
    return List.copyOf(namespaces);
  }

  @Override
  public void close() {
    for (int k = namespaces.size() - 1; k >= 0; k--) {
      NetNs.delete(namespaces.get(k));
    }
    namespaces.clear();
  }
}
