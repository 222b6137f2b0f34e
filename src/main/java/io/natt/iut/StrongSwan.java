package io.natt.iut;

import io.natt.nat.ClientHosts;
import io.natt.nat.Host;
import io.natt.nat.Testbed;
import io.natt.sys.Exec;
import io.natt.sys.NetNs;
import io.natt.sys.SetupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bundled reference IUT: a strongSwan charon started in the IUT's network namespace, in a mount
 * namespace of its own with a private tmpfs on /run, with its own strongswan.conf and its VICI
 * socket in its own directory. ESP is done in user space (kernel-libipsec over a TUN device),
 * because this kernel has no ESP.
 */
public final class StrongSwan implements Iut {
  public static final String CHARON = "/usr/lib/ipsec/charon";

  private final Path dir;
  private final Process process;
  private final String viciUri;
  private String conf = "";
  private Host iut;
  private TargetProfile target;

  private StrongSwan(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
    this.viciUri = "unix://" + dir.resolve("charon.vici");
  }

  /**
   * Starts charon for the given target on the testbed's IUT host; its remote traffic selector is
   * the harness's inner network.
   */
  public static StrongSwan start(Testbed testbed, TargetProfile target) {
    return start(testbed.iut(), target, testbed.harnessInnerNet());
  }

  /**
   * Starts charon for the given target in the IUT host's namespace and loads one IKEv1 connection
   * whose remote traffic selector is {@code remoteTs}.
   */
  public static StrongSwan start(Host iut, TargetProfile target, String remoteTs) {
    return start(iut, target, remoteTs, "");
  }

  /**
   * For a scenario that plays dead (RFC 3706 dead-peer detection): charon's connections probe after
   * 1 s of silence and give up 4 s later ({@link #SHORT_DPD}); other scenarios keep charon's
   * defaults.
   */
  public static StrongSwan startWithShortDpd(Testbed testbed, TargetProfile target) {
    return start(testbed.iut(), target, testbed.harnessInnerNet(), SHORT_DPD);
  }

  /** dpd_timeout applies to IKEv1 only, which is what these connections are. */
  static final String SHORT_DPD = "\n    dpd_delay = 1s\n    dpd_timeout = 4s";

  private static StrongSwan start(Host iut, TargetProfile target, String remoteTs, String dpd) {
    for (String tool : List.of(CHARON, "swanctl", "unshare")) {
      if (!Exec.available(tool)) {
        throw new SetupException(
            tool
                + " not found: install strongswan-charon, strongswan-swanctl and"
                + " libcharon-extra-plugins (bin/install-deps)");
      }
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("natt-iut-");
      Files.writeString(
          dir.resolve("strongswan.conf"),
          strongswanConf(dir, target.claims(AGGRESSIVE_CLAIM), keepAlive(target)));
      Path swanctl = dir.resolve("swanctl.conf");
      Files.createFile(
          swanctl,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(swanctl, swanctlConf(iut, target, remoteTs, dpd));
    } catch (IOException e) {
      throw new SetupException("cannot write strongSwan configuration: " + e.getMessage(), e);
    }
    ProcessBuilder pb =
        new ProcessBuilder(NetNs.privateRun(iut.namespace(), false, List.of(CHARON)))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("charon.stdout").toFile());
    pb.environment().put("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new SetupException("cannot start charon: " + e.getMessage(), e);
    }
    StrongSwan s = new StrongSwan(dir, p);
    s.conf = swanctlConf(iut, target, remoteTs, dpd);
    s.iut = iut;
    s.target = target;
    try {
      s.awaitReady();
      s.swanctl("--load-all", "--file", dir.resolve("swanctl.conf").toString()).orThrow();
    } catch (RuntimeException e) {
      String log = s.log();
      s.close();
      throw new SetupException(e.getMessage() + "\n--- charon log ---\n" + log, e);
    }
    return s;
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new SetupException("charon exited with code " + process.exitValue());
      }
      // the socket file appears when the vici plugin listens; swanctl only then (it is a process)
      if (Files.exists(dir.resolve("charon.vici")) && swanctl("--stats").ok()) {
        return;
      }
      sleep(Files.exists(dir.resolve("charon.vici")) ? 20 : 5);
    }
    throw new SetupException("charon did not open its VICI socket within 15 s");
  }

  /** Runs swanctl against this charon's VICI socket. */
  public Exec.Result swanctl(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("swanctl"));
    cmd.addAll(List.of(args));
    cmd.add("--uri");
    cmd.add(viciUri);
    return Exec.run(
        cmd, null, java.util.Map.of("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString()));
  }

  /**
   * The rekey through VICI: {@code swanctl --rekey --child net}, or {@code --ike} with the name of
   * the connection the harness used (harness, or harness-am for Aggressive Mode).
   */
  @Override
  public java.util.Optional<String> rekey(boolean ike) {
    List<List<String>> tries =
        ike
            ? List.of(
                List.of("--rekey", "--ike", "harness"), List.of("--rekey", "--ike", "harness-am"))
            : List.of(List.of("--rekey", "--child", "net"));
    Exec.Result r = null;
    for (List<String> args : tries) {
      r = swanctl(args.toArray(String[]::new));
      if (r.ok()) {
        return java.util.Optional.of("swanctl " + String.join(" ", args));
      }
    }
    throw new io.natt.sys.SetupException(
        "swanctl "
            + String.join(" ", tries.get(0))
            + " failed (exit "
            + r.exitCode()
            + "): "
            + r.output().strip());
  }

  /**
   * Loads a connection whose remote is the harness as charon sees it ({@link
   * StrongSwanInitiation#connection}), then runs {@code swanctl --initiate} for its CHILD_SA on a
   * thread of its own: charon starts Main Mode (or Aggressive Mode) and Quick Mode at once.
   */
  @Override
  public String initiate(Initiation i) {
    String withInit = StrongSwanInitiation.conf(conf, iut, target, i);
    Path file = dir.resolve("swanctl-initiate.conf");
    try {
      Files.writeString(file, withInit);
    } catch (IOException e) {
      throw new SetupException("cannot write strongSwan configuration: " + e.getMessage(), e);
    }
    swanctl("--load-all", "--file", file.toString()).orThrow();
    Thread t =
        new Thread(
            () ->
                swanctl(
                    "--initiate",
                    "--ike",
                    StrongSwanInitiation.IKE,
                    "--child",
                    StrongSwanInitiation.child(i),
                    "--timeout",
                    "30"),
            "swanctl-initiate");
    t.setDaemon(true);
    t.start();
    return "swanctl --initiate --ike "
        + StrongSwanInitiation.IKE
        + " --child "
        + StrongSwanInitiation.child(i)
        + " ("
        + i.exchangeName()
        + " to "
        + i.harnessAddress().getHostAddress()
        + ", "
        + i.phase1Proposal()
        + ", ESP "
        + i.espProposal()
        + ")";
  }

  /** What {@code swanctl --list-sas} prints. */
  public String listSas() {
    return swanctl("--list-sas").orThrow().output();
  }

  /** What {@code swanctl --list-sas} prints. */
  @Override
  public String status() {
    return listSas();
  }

  @Override
  public String version() {
    return charonVersion();
  }

  /** What {@code charon --version} prints, or a placeholder when it cannot say. */
  public static String charonVersion() {
    Exec.Result r = Exec.run(CHARON, "--version");
    return r.ok() ? r.output().strip() : "strongSwan (version unknown)";
  }

  /** charon's log so far. */
  @Override
  public String log() {
    try {
      Path log = dir.resolve("charon.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read charon log: " + e.getMessage() + ")";
    }
  }

  /**
   * charon logs {@code CHILD_SA net{1} established with SPIs <in>_i <out>_o} once it has installed
   * the SA pair (after Quick Mode message 3 as responder).
   */
  @Override
  public java.util.Optional<Boolean> childSaInstalled(long inboundSpi) {
    return java.util.Optional.of(
        log().contains(String.format("established with SPIs %08x_i", inboundSpi)));
  }

  public long pid() {
    return process.pid();
  }

  /** charon's VICI socket (in this IUT's own folder), for swanctl --uri unix://... */
  public Path viciSocket() {
    return dir.resolve("charon.vici");
  }

  /**
   * The claim that makes the bundled charon accept Aggressive Mode with a pre-shared key: {@code
   * aggressive = yes} on the connection, and charon's {@code
   * i_dont_care_about_security_and_use_aggressive_mode_psk} (a responder refuses Aggressive Mode
   * PSK without it).
   */
  public static final String AGGRESSIVE_CLAIM = "ikev1-aggressive";

  static String strongswanConf(Path dir) {
    return strongswanConf(dir, false);
  }

  /** charon's keep_alive when the profile does not state {@code keepalive-interval}. */
  static final java.time.Duration DEFAULT_KEEP_ALIVE = java.time.Duration.ofSeconds(2);

  /**
   * The NAT-keepalive interval charon is configured with: the profile's {@code keepalive-interval},
   * so that what the checks compare with is what charon runs with.
   */
  static java.time.Duration keepAlive(TargetProfile target) {
    return target.configuredKeepalive().orElse(DEFAULT_KEEP_ALIVE);
  }

  static String strongswanConf(Path dir, boolean aggressivePsk) {
    return strongswanConf(dir, aggressivePsk, DEFAULT_KEEP_ALIVE);
  }

  static String strongswanConf(Path dir, boolean aggressivePsk, java.time.Duration keepAlive) {
    return """
        charon {
          load_modular = no%2$s
          load = random nonce openssl sha1 sha2 aes hmac pem pkcs1 x509 pubkey \
        kernel-libipsec kernel-netlink socket-default vici
          install_routes = yes
          retransmit_tries = 3
          keep_alive = %3$ds
          filelog {
            log {
              path = %1$s/charon.log
              default = 1
              ike = 2
              net = 2
              enc = 1
              cfg = 1
              flush_line = yes
              time_format = %%H:%%M:%%S
            }
          }
          plugins {
            vici {
              socket = unix://%1$s/charon.vici
            }
          }
        }
        swanctl {
          load = pem pkcs1 x509 revocation constraints pubkey openssl random
        }
        """
        .formatted(
            dir,
            aggressivePsk ? "\n  i_dont_care_about_security_and_use_aggressive_mode_psk = yes" : "",
            keepAlive.toSeconds());
  }

  /** What the bundled charon accepts when the target profile does not list its proposals. */
  static final List<String> DEFAULT_PHASE1 =
      List.of(
          "aes128-sha256-modp2048",
          "aes128-sha1-modp2048",
          "aes256-sha256-modp2048",
          "aes256-sha1-modp2048",
          "aes128-sha1-modp1536",
          "3des-sha1-modp1024",
          "3des-md5-modp1024",
          "aes192-sha384-ecp256",
          "aes256-sha512-ecp384",
          "aes128-sha256-modp3072");

  static final List<String> DEFAULT_ESP =
      List.of(
          "aes128-sha256",
          "aes128-sha1",
          "aes256-sha256",
          "aes256-sha1",
          "3des-sha1",
          "aes192-sha512",
          "aes256-sha384",
          "aes128gcm16",
          "aes256gcm16");

  /**
   * The charon accepts exactly the proposals the target profile lists (so a profile can stand for a
   * gateway configured with other proposals), or the defaults above. Both use the same names. A
   * target that claims ikev1-aggressive gets a second connection, the same but with {@code
   * aggressive = yes}: charon picks a peer config by exchange, and one with that flag refuses Main
   * Mode PSK ("none allows pre-shared key authentication using Main Mode").
   */
  static String swanctlConf(Host iut, TargetProfile t, String remoteTs) {
    return swanctlConf(iut, t, remoteTs, "");
  }

  /** As above, {@code extra} lines in every connection (e.g. {@link #SHORT_DPD}). */
  static String swanctlConf(Host iut, TargetProfile t, String remoteTs, String extra) {
    String psk = "0x" + io.natt.wire.Hex.hex(t.psk());
    String connections = connection("harness", extra, iut, t, remoteTs);
    // further clients behind the harness's NAT ({@link ClientHosts#identity}): their own identity,
    // the same key
    String clientId = "id = " + ClientHosts.identityPattern(t.localId()) + "\n";
    String harnessId = "id = " + t.localId() + "\n";
    connections += connection("clients", extra, iut, t, remoteTs).replace(harnessId, clientId);
    if (t.claims(AGGRESSIVE_CLAIM)) {
      String am = extra + "\n    aggressive = yes";
      connections += connection("harness-am", am, iut, t, remoteTs);
      connections += connection("clients-am", am, iut, t, remoteTs).replace(harnessId, clientId);
    }
    if (!extra.isEmpty()) {
      // what charon does when DPD declares the peer dead is a CHILD_SA option
      connections =
          connections.replace("mode = tunnel\n", "mode = tunnel\n        dpd_action = clear\n");
    }
    return """
        connections {
        %s}
        secrets {
          ike-harness {
            id-1 = %s
            id-2 = %s
            id-3 = %s
            secret = %s
          }
        }
        """
        .formatted(
            connections, t.localId(), t.remoteId(), ClientHosts.identityPattern(t.localId()), psk);
  }

  private static String connection(
      String name, String extra, Host iut, TargetProfile t, String remoteTs) {
    return connection(
        name,
        extra,
        iut,
        t,
        remoteTs,
        String.join(",", t.phase1Proposals().isEmpty() ? DEFAULT_PHASE1 : t.phase1Proposals()),
        String.join(",", t.espProposals().isEmpty() ? DEFAULT_ESP : t.espProposals()));
  }

  /**
   * One IKEv1 connection with its CHILD_SA {@code net}: {@code extra} lines go after its version
   * (aggressive, remote_addrs), {@code proposals} and {@code esp} as swanctl writes them.
   */
  static String connection(
      String name,
      String extra,
      Host iut,
      TargetProfile t,
      String remoteTs,
      String proposals,
      String esp) {
    return """
          %s {
            version = 1%s
            local_addrs = %s
            proposals = %s
            local {
              auth = psk
              id = %s
            }
            remote {
              auth = psk
              id = %s
            }
            children {
              net {
                local_ts = %s
                remote_ts = %s
                esp_proposals = %s
                mode = tunnel
              }
              host {
                local_ts = dynamic
                remote_ts = dynamic
                esp_proposals = %s
                mode = transport
              }
            }
          }
        """
        .formatted(
            name,
            extra,
            iut.address().getHostAddress(),
            proposals,
            t.remoteId(),
            t.localId(),
            t.protectedNet(),
            remoteTs,
            esp,
            esp);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops charon (only the process this object started) and removes its configuration. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir
    }
  }
}
