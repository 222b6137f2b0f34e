package io.natt.suite;

import io.natt.crypto.DhGroup;
import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.crypto.HashAlg;
import io.natt.crypto.Ike1Cipher;
import io.natt.crypto.ProposalParser;
import io.natt.iut.CharonAlgorithms;
import io.natt.iut.StrongSwan;
import io.natt.iut.TargetLoader;
import io.natt.iut.TargetProfile;
import io.natt.net.CapturedFrame;
import io.natt.net.PcapCapture;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.sys.Exec;
import io.natt.sys.NetNs;
import io.natt.sys.NsExecutor;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Checks that this machine can do what a run needs: the capabilities, not package names. Each check
 * is tried for real (charon is asked which algorithms it has a provider for; namespaces, a veth
 * link, an nftables masquerade and a Pcap4J capture are set up in throwaway namespaces and
 * removed), and a failed check says what to install or enable. {@code natt doctor} prints them all;
 * {@code natt run} runs those a run needs first and refuses to start when one fails.
 */
public final class Doctor {
  /** Who needs a check: a conformance run, or only the project's own tests. */
  public enum Need {
    RUN,
    TESTS
  }

  /**
   * The outcome of one check.
   *
   * @param fix what to install or enable when it failed (empty when it passed)
   */
  public record Check(String name, Need need, boolean ok, String detail, String fix) {
    public static Check ok(String name, Need need, String detail) {
      return new Check(name, need, true, detail, "");
    }

    public static Check fail(String name, Need need, String detail, String fix) {
      return new Check(name, need, false, detail, fix);
    }

    /** One line: OK/FAIL, the check, and for a failure what is wrong and what to do. */
    public String line() {
      String what = name + (need == Need.TESTS ? " (tests only)" : "");
      StringBuilder sb = new StringBuilder(ok ? "  OK    " : "  FAIL  ").append(what);
      if (!detail.isEmpty()) {
        sb.append(": ").append(detail);
      }
      if (!ok && !fix.isEmpty()) {
        sb.append(" -> ").append(fix);
      }
      return sb.toString();
    }
  }

  /**
   * An algorithm charon must have a provider for.
   *
   * @param section the section of {@code swanctl --list-algs} (dh, encryption, integrity, ...)
   * @param name charon's name for it (MODP_2048, AES_CBC, ...)
   */
  public record Algorithm(String section, String name) implements Comparable<Algorithm> {
    @Override
    public int compareTo(Algorithm o) {
      int c = section.compareTo(o.section);
      return c != 0 ? c : name.compareTo(o.name);
    }
  }

  /** The packages that give charon (as the bundled IUT loads it) its algorithms. */
  static final String CHARON_CRYPTO_FIX =
      "install libstrongswan-standard-plugins (charon's openssl plugin, which the bundled"
          + " strongSwan loads for its DH groups and ciphers; bin/install-deps)";

  private Doctor() {}

  /** The checks a run of these scenario files against this target needs (no test-only ones). */
  public static List<Check> forRun(Path target, List<Path> scenarioFiles) {
    return checks(target, scenarioFiles, false);
  }

  /** All checks: those of a run, then those only the project's tests need. */
  public static List<Check> all(Path target, List<Path> scenarioFiles) {
    return checks(target, scenarioFiles, true);
  }

  static List<Check> checks(Path target, List<Path> scenarioFiles, boolean withTests) {
    TargetProfile remote = remoteTarget(target);
    if (remote != null) {
      List<Check> out = new ArrayList<>(remoteChecks(remote));
      if (withTests) {
        out.add(tool("tshark", "tshark", "tshark", Need.TESTS));
        out.add(tool("chromium", "chromium", "chromium", Need.TESTS));
      }
      return out;
    }
    boolean strongSwan = launchesStrongSwan(target);
    List<Check> out = new ArrayList<>();
    Check root = root();
    out.add(root);
    out.add(tool("ip", "ip", "iproute2", Need.RUN));
    out.add(tool("nft", "nft", "nftables", Need.RUN));
    out.add(tool("conntrack", "conntrack", "conntrack", Need.RUN));
    out.add(tool("ethtool", "ethtool", "ethtool", Need.RUN));
    out.add(tool("sysctl", "sysctl", "procps", Need.RUN));
    if (strongSwan) {
      out.add(tool("unshare", "unshare", "util-linux", Need.RUN));
      out.add(tool("charon", StrongSwan.CHARON, "strongswan-charon", Need.RUN));
      out.add(tool("swanctl", "swanctl", "strongswan-swanctl", Need.RUN));
      out.add(tun());
    }
    if (launchesCommand(target)) {
      out.add(tool("unshare", "unshare", "util-linux", Need.RUN));
      out.add(tool("setsid", "setsid", "util-linux", Need.RUN));
      out.add(tool("nsenter", "nsenter", "util-linux", Need.RUN));
    }
    boolean canTry = root.ok() && out.stream().allMatch(Check::ok);
    // reading the proposals and asking charon run beside the namespace checks: they are
    // independent, and this keeps the start-up of `natt run` short
    CompletableFuture<List<Check>> charon =
        strongSwan && canTry
            ? CompletableFuture.supplyAsync(
                () -> charonChecks(needed(scenarioFiles), CharonAlgorithms::probe))
            : CompletableFuture.completedFuture(List.of());
    if (canTry) {
      out.addAll(NetworkProbe.run());
    } else {
      out.add(
          Check.fail(
              "namespaces, veth, nftables NAT, pcap capture",
              Need.RUN,
              "not tried",
              "first mend the checks above"));
    }
    if (strongSwan) {
      if (canTry) {
        out.addAll(charon.join());
      } else {
        out.add(
            Check.fail("charon algorithms", Need.RUN, "not tried", "first mend the checks above"));
      }
    }
    if (withTests) {
      out.add(tool("tshark", "tshark", "tshark", Need.TESTS));
      out.add(tool("chromium", "chromium", "chromium", Need.TESTS));
    }
    return out;
  }

  /**
   * The target when it is a remote device with its settings, else null (also for a broken file).
   */
  private static TargetProfile remoteTarget(Path target) {
    try {
      TargetProfile t = TargetLoader.load(target, new SecureRandom());
      return t.isRemote() && t.remote() != null ? t : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * What a run against a remote device needs: no root, no namespace, no nftables, no capture (the
   * emulated NAT records its own). The bind address must be this machine's; UDP 500/4500 on it is
   * reported (scenarios without a NAT are NOT_APPLICABLE without it), never a blocker; sh for the
   * hooks.
   */
  static List<Check> remoteChecks(TargetProfile t) {
    List<Check> out = new ArrayList<>();
    java.net.Inet4Address bind = t.remote().bind();
    String b = bind.getHostAddress();
    var local = io.natt.net.SocketNetwork.probe(new java.net.InetSocketAddress(bind, 0));
    if (local.isPresent()) {
      out.add(
          Check.fail(
              "bind address " + b,
              Need.RUN,
              "cannot bind a UDP socket on it (" + local.get().getValue() + ")",
              "set remote: bind: in "
                  + t.name()
                  + "'s profile to an address of this machine (of the network namespace natt runs"
                  + " in) facing the device"));
      return out;
    }
    out.add(Check.ok("bind address " + b, Need.RUN, "an address of this machine"));
    List<String> cannot = new ArrayList<>();
    for (int port : List.of(500, 4500)) {
      io.natt.net.SocketNetwork.probe(new java.net.InetSocketAddress(bind, port))
          .ifPresent(p -> cannot.add(port + " (" + p.getValue() + ")"));
    }
    out.add(
        Check.ok(
            "UDP 500/4500 on " + b,
            Need.RUN,
            cannot.isEmpty()
                ? "available: scenarios without a NAT run"
                : "not available to uid "
                    + io.natt.sys.Privilege.uid()
                    + ": "
                    + String.join(", ", cannot)
                    + "; scenarios without a NAT will be NOT_APPLICABLE (root or"
                    + " CAP_NET_BIND_SERVICE runs them)"));
    boolean hooks = !t.remote().beforeEach().isEmpty() || !t.remote().initiate().isEmpty();
    if (hooks) {
      out.add(tool("sh (for the hooks)", "sh", "dash", Need.RUN));
    }
    return out;
  }

  private static boolean launchesStrongSwan(Path target) {
    try {
      TargetProfile t = TargetLoader.load(target, new SecureRandom());
      return t.launchesStrongSwan();
    } catch (RuntimeException e) {
      // the run reports a broken target file itself; check for the bundled IUT, the default
      return true;
    }
  }

  /** A target started through launch: { command: ... } (its own daemon: no charon checks). */
  private static boolean launchesCommand(Path target) {
    try {
      return TargetLoader.load(target, new SecureRandom()).launchesCommand();
    } catch (RuntimeException e) {
      return false;
    }
  }

  static Check root() {
    Exec.Result id = Exec.run("id", "-u");
    return id.ok() && id.output().trim().equals("0")
        ? Check.ok("root", Need.RUN, "")
        : Check.fail(
            "root",
            Need.RUN,
            "running as uid " + id.output().trim(),
            "run as root (network namespaces, veth, nftables and captures need it)");
  }

  /** A program on PATH (or an absolute path), with the Debian package that brings it. */
  static Check tool(String name, String program, String debianPackage, Need need) {
    return Exec.available(program)
        ? Check.ok(name, need, "")
        : Check.fail(name, need, program + " not found", "install " + debianPackage);
  }

  static Check tun() {
    Path tun = Path.of("/dev/net/tun");
    if (!Files.exists(tun)) {
      return Check.fail(
          "TUN",
          Need.RUN,
          "/dev/net/tun missing (charon's kernel-libipsec does ESP over a TUN device)",
          "modprobe tun (kernel CONFIG_TUN); in a container pass the device, e.g. --device"
              + " /dev/net/tun");
    }
    if (!Files.isReadable(tun) || !Files.isWritable(tun)) {
      return Check.fail(
          "TUN", Need.RUN, "/dev/net/tun cannot be opened for reading and writing", "run as root");
    }
    return Check.ok("TUN", Need.RUN, "/dev/net/tun");
  }

  /**
   * The algorithms charon needs for these scenarios, each with the scenarios' proposal tokens that
   * need it. Files that do not load are left out here (the run and {@code natt validate} report
   * them).
   */
  static Map<Algorithm, Set<String>> needed(List<Path> scenarioFiles) {
    Map<Algorithm, Set<String>> out = new LinkedHashMap<>();
    for (Path f : scenarioFiles) {
      Scenario s;
      try {
        s = ScenarioLoader.load(f, Set.of());
      } catch (RuntimeException e) {
        continue;
      }
      Scenario.IkeSpec ike = s.harness().ike();
      if (ike.proposal() != null && !ike.proposal().isEmpty()) {
        needForPhase1(ike.proposal(), out);
      }
      if (ike.espProposal() != null && !ike.espProposal().isEmpty()) {
        needForEsp(ike.espProposal(), out);
      }
    }
    return out;
  }

  /** What charon needs for an IKEv1 phase-1 proposal such as aes128-sha256-modp2048. */
  static void needForPhase1(String proposal, Map<Algorithm, Set<String>> out) {
    ProposalParser.Phase1 p = ProposalParser.phase1(proposal);
    add(out, "encryption", ike1Cipher(p.cipher()), proposal);
    String h = hashName(p.hash());
    add(out, "hasher", "HASH_" + h, proposal);
    add(out, "prf", "PRF_HMAC_" + h, proposal);
    add(
        out,
        "integrity",
        switch (p.hash()) {
          case MD5 -> "HMAC_MD5_96";
          case SHA1 -> "HMAC_SHA1_96";
          case SHA2_256 -> "HMAC_SHA2_256_128";
          case SHA2_384 -> "HMAC_SHA2_384_192";
          case SHA2_512 -> "HMAC_SHA2_512_256";
        },
        proposal);
    add(out, "dh", dh(p.group()), proposal);
  }

  /** What charon needs for an ESP proposal such as aes128-sha256. */
  static void needForEsp(String proposal, Map<Algorithm, Set<String>> out) {
    ProposalParser.Phase2 p = ProposalParser.phase2(proposal);
    // charon lists combined-mode ciphers (AES-GCM) under aead, the others under encryption
    add(out, p.cipher().isAead() ? "aead" : "encryption", espCipher(p.cipher()), "esp " + proposal);
    if (p.integrity() != EspIntegrity.NONE) {
      // strongSwan's names are ours (HMAC_SHA1_96, HMAC_SHA2_256_128, ...)
      add(out, "integrity", p.integrity().name(), "esp " + proposal);
    }
  }

  private static void add(Map<Algorithm, Set<String>> out, String section, String name, String by) {
    out.computeIfAbsent(new Algorithm(section, name), k -> new TreeSet<>()).add(by);
  }

  private static String ike1Cipher(Ike1Cipher c) {
    return switch (c) {
      case AES_CBC_128, AES_CBC_192, AES_CBC_256 -> "AES_CBC";
      case DES3_CBC -> "3DES_CBC";
    };
  }

  /** strongSwan's names of hashes and groups are ours (SHA2_256, MODP_2048, ECP_256). */
  private static String hashName(HashAlg h) {
    return h.name();
  }

  private static String dh(DhGroup g) {
    return g.name();
  }

  private static String espCipher(EspCipher c) {
    return switch (c) {
      case AES_CBC_128, AES_CBC_192, AES_CBC_256 -> "AES_CBC";
      case DES3_CBC -> "3DES_CBC";
      case AES_GCM16_128, AES_GCM16_192, AES_GCM16_256 -> "AES_GCM_16";
    };
  }

  /** Asks charon (through {@code probe}) and gives one check per needed algorithm. */
  static List<Check> charonChecks(
      Map<Algorithm, Set<String>> needed, Supplier<CharonAlgorithms> probe) {
    CharonAlgorithms have;
    try {
      have = probe.get();
    } catch (RuntimeException e) {
      return List.of(
          Check.fail(
              "charon starts",
              Need.RUN,
              firstLine(e.getMessage()),
              fixFor(
                  e.getMessage(),
                  "install strongswan-charon, strongswan-swanctl and libcharon-extra-plugins"
                      + " (bin/install-deps)")));
    }
    return algorithmChecks(needed, have);
  }

  /** One check per needed algorithm against what charon lists. */
  static List<Check> algorithmChecks(Map<Algorithm, Set<String>> needed, CharonAlgorithms have) {
    List<Check> out = new ArrayList<>();
    if (!have.log().isEmpty()) {
      out.add(
          have.tunCreated()
              ? Check.ok("charon TUN device (kernel-libipsec)", Need.RUN, "")
              : Check.fail(
                  "charon TUN device (kernel-libipsec)",
                  Need.RUN,
                  "charon did not create its TUN device",
                  "install libcharon-extra-plugins; modprobe tun"));
    }
    for (Algorithm a : new TreeSet<>(needed.keySet())) {
      String name = "charon " + a.section() + " " + a.name();
      String by = "for " + String.join(", ", needed.get(a));
      out.add(
          have.has(a.section(), a.name())
              ? Check.ok(name, Need.RUN, by)
              : Check.fail(
                  name,
                  Need.RUN,
                  "charon loads no provider for it, needed " + by,
                  CHARON_CRYPTO_FIX));
    }
    return out;
  }

  /** True when every check a run needs passed. */
  public static boolean runnable(List<Check> checks) {
    return checks.stream().filter(c -> c.need() == Need.RUN).allMatch(Check::ok);
  }

  /** A short summary line. */
  public static String summary(List<Check> checks) {
    long failed = checks.stream().filter(c -> !c.ok()).count();
    long runFailed = checks.stream().filter(c -> !c.ok() && c.need() == Need.RUN).count();
    String verdict =
        runFailed > 0
            ? "a conformance run would be refused"
            : failed > 0 ? "ready for a run; the project's tests need more" : "ready";
    return String.format(
        "natt doctor: %d checks, %d OK, %d FAIL (%d needed by a run): %s",
        checks.size(), checks.size() - failed, failed, runFailed, verdict);
  }

  /**
   * The fix for a failure, with a better one for causes recognised in the message: {@code ip -n}
   * and {@code ip netns exec} make "/" a slave mount, which fails when "/" is no mount point (a
   * chroot on a plain directory).
   */
  static String fixFor(String message, String fix) {
    if (message != null && message.contains("--make-rslave /")) {
      return "\"/\" is not a mount point (a chroot on a plain directory?): bind-mount the root"
          + " folder onto itself before entering it (mount --bind DIR DIR)";
    }
    return fix;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * Namespaces, veth, nftables masquerade, conntrack and Pcap4J, tried for real: a client behind a
   * NAT namespace sends one UDP datagram to a server namespace, where a capture must see it come
   * from the NAT's public address. All three namespaces are removed at the end.
   */
  static final class NetworkProbe {
    private static final String CLIENT = "10.0.1.2";
    private static final String NAT_INSIDE = "10.0.1.1";
    private static final String NAT_PUBLIC = "198.51.100.1";
    private static final String SERVER = "198.51.100.2";
    private static final int PORT = 4500;

    private NetworkProbe() {}

    static List<Check> run() {
      List<Check> out = new ArrayList<>();
      List<String> made = new ArrayList<>();
      String client = NetNs.name("doctor-h");
      String nat = NetNs.name("doctor-nat");
      String server = NetNs.name("doctor-s");
      Path pcap = null;
      try {
        if (!step(
            out,
            "network namespaces",
            "ip netns add failed",
            "a kernel with network namespaces (CONFIG_NET_NS), run as root; in a container run"
                + " it privileged",
            () -> {
              for (String ns : List.of(client, nat, server)) {
                made.add(ns);
                NetNs.create(ns);
              }
            })) {
          return out;
        }
        if (!step(
            out,
            "veth",
            "cannot link namespaces with veth",
            "modprobe veth (kernel CONFIG_VETH)",
            () -> {
              veth(client, "d0", nat, "d1");
              veth(nat, "d2", server, "d3");
              Exec.check("ip", "-n", client, "addr", "add", CLIENT + "/24", "dev", "d0");
              Exec.check("ip", "-n", nat, "addr", "add", NAT_INSIDE + "/24", "dev", "d1");
              Exec.check("ip", "-n", nat, "addr", "add", NAT_PUBLIC + "/24", "dev", "d2");
              Exec.check("ip", "-n", server, "addr", "add", SERVER + "/24", "dev", "d3");
              Exec.check("ip", "-n", client, "route", "add", "default", "via", NAT_INSIDE);
              Exec.inNs(nat, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
            })) {
          return out;
        }
        if (!step(
            out,
            "nftables NAT (masquerade)",
            "cannot load a masquerade rule",
            "install nftables; modprobe nft_masq nft_nat nf_nat (kernel CONFIG_NFT_MASQ)",
            () -> {
              String rules =
                  "table ip natt {\n  chain post {\n"
                      + "    type nat hook postrouting priority srcnat; policy accept;\n"
                      + "    oifname \"d2\" masquerade\n  }\n}\n";
              Exec.run(List.of("ip", "netns", "exec", nat, "nft", "-f", "-"), rules).orThrow();
            })) {
          return out;
        }
        pcap = Files.createTempFile("natt-doctor-", ".pcap");
        Path file = pcap;
        if (!step(
            out,
            "pcap capture and NAT translation",
            "no datagram seen, or not translated",
            "install libpcap0.8 (Pcap4J needs libpcap); capturing needs root (CAP_NET_RAW);"
                + " for the NAT: modprobe nf_nat nft_masq",
            () -> sendThroughNat(client, server, file))) {
          return out;
        }
        step(
            out,
            "conntrack (NAT mappings)",
            "conntrack -L lists no mapping",
            "install conntrack; modprobe nf_conntrack_netlink",
            () -> {
              String table = Exec.inNs(nat, "conntrack", "-L", "-p", "udp").orThrow().output();
              if (!table.contains("dport=" + PORT)) {
                throw new IllegalStateException("no UDP mapping to port " + PORT + " listed");
              }
            });
        return out;
      } catch (IOException e) {
        out.add(
            Check.fail(
                "pcap capture and NAT translation",
                Need.RUN,
                "cannot create a temporary file: " + e.getMessage(),
                "check that the temporary folder is writable"));
        return out;
      } finally {
        for (String ns : made) {
          NetNs.delete(ns);
        }
        if (pcap != null) {
          pcap.toFile().delete();
        }
      }
    }

    private interface Step {
      void run() throws Exception;
    }

    /** Runs one step; adds its check; false when it failed. */
    private static boolean step(List<Check> out, String name, String what, String fix, Step body) {
      try {
        body.run();
        out.add(Check.ok(name, Need.RUN, ""));
        return true;
      } catch (Exception e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        out.add(Check.fail(name, Need.RUN, what + " (" + firstLine(msg) + ")", fixFor(msg, fix)));
        return false;
      }
    }

    private static void veth(String nsA, String ifA, String nsB, String ifB) {
      Exec.check(
          "ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns",
          nsB);
      Exec.check("ip", "-n", nsA, "link", "set", ifA, "up");
      Exec.check("ip", "-n", nsB, "link", "set", ifB, "up");
    }

    /** Sends from the client and captures at the server, where it must come from the NAT. */
    private static void sendThroughNat(String client, String server, Path file) throws Exception {
      try (NsExecutor s = new NsExecutor(server);
          NsExecutor c = new NsExecutor(client);
          PcapCapture cap = PcapCapture.start(s, "d3", "doctor", file);
          DatagramSocket sock = c.call(DatagramSocket::new)) {
        byte[] payload = "natt doctor".getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
          sock.send(
              new DatagramPacket(payload, payload.length, InetAddress.getByName(SERVER), PORT));
          Thread.sleep(50);
          for (CapturedFrame f : cap.frames()) {
            String src = udpSourceTo(f.bytes(), PORT);
            if (src != null) {
              if (!src.equals(NAT_PUBLIC)) {
                throw new IllegalStateException(
                    "datagram seen from " + src + ", not from the NAT's " + NAT_PUBLIC);
              }
              return;
            }
          }
        }
        throw new IllegalStateException("nothing captured within 3 s");
      }
    }

    /** The IPv4 source of an Ethernet frame carrying UDP to the port, else null. */
    static String udpSourceTo(byte[] b, int port) {
      if (b.length < 14 + 20 + 8 || (b[12] & 0xff) != 0x08 || b[13] != 0x00) {
        return null;
      }
      int ihl = (b[14] & 0x0f) * 4;
      if ((b[14 + 9] & 0xff) != 17 || b.length < 14 + ihl + 8) {
        return null;
      }
      int dport = ((b[14 + ihl + 2] & 0xff) << 8) | (b[14 + ihl + 3] & 0xff);
      if (dport != port) {
        return null;
      }
      return (b[26] & 0xff) + "." + (b[27] & 0xff) + "." + (b[28] & 0xff) + "." + (b[29] & 0xff);
    }
  }
}
