package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.iut.StrongSwan;
import io.natt.iut.TargetProfile;
import io.natt.nat.Host;
import io.natt.scenario.Integration;
import io.natt.sys.Cleanup;
import io.natt.sys.Exec;
import io.natt.sys.NetNs;
import io.natt.testutil.Json;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.testng.annotations.Test;

/**
 * A remote-device run as a user would make it: a strongSwan that the test (not the product) starts
 * in a namespace of its own, reached over a veth from a second namespace, where the product runs as
 * a child JVM under an unprivileged user (uid 65534, no capabilities) with a remote target profile.
 * The phase-1 and ESP scenarios behind the emulated NAT must PASS and the run exit 0; a scenario
 * without a NAT and one with a port-preserving NAT, which need UDP port 500, must be NOT_APPLICABLE
 * with that reason.
 */
public class RemoteDeviceIntegrationTest {
  private static final int NOBODY = 65534;
  private static final String HARNESS = "198.51.100.1";
  private static final String DEVICE = "198.51.100.2";
  private static final List<String> SCENARIOS =
      List.of(
          "testsuites/rfc3947/mm-float-behind-nat.yaml",
          "testsuites/rfc3948/keepalive-from-harness.yaml",
          "testsuites/rfc3947/mm-direct-no-nat.yaml",
          "testsuites/rfc3947/mm-port-preserving-nat.yaml");

  @Test
  public void anUnprivilegedRunAgainstAStrongSwanTheProjectDidNotStartPasses() throws Exception {
    Integration.require();
    String hns = NetNs.name("rmt-h");
    String dns = NetNs.name("rmt-d");
    Path work = io.natt.testutil.TempDirs.create("natt-remote-");
    List<String> made = new ArrayList<>();
    StrongSwan charon = null;
    AutoCloseable cleanup =
        () -> {
          for (String ns : List.of(hns, dns)) {
            NetNs.delete(ns);
          }
        };
    Cleanup.register(cleanup);
    try {
      for (String ns : List.of(hns, dns)) {
        NetNs.create(ns);
        made.add(ns);
      }
      Exec.check(
          "ip", "link", "add", "h0", "netns", hns, "type", "veth", "peer", "name", "d0", "netns",
          dns);
      Exec.check("ip", "-n", hns, "addr", "add", HARNESS + "/24", "dev", "h0");
      Exec.check("ip", "-n", dns, "addr", "add", DEVICE + "/24", "dev", "d0");
      Exec.check("ip", "-n", hns, "link", "set", "h0", "up");
      Exec.check("ip", "-n", dns, "link", "set", "d0", "up");
      Exec.check("ip", "-n", dns, "addr", "add", "10.9.0.1/32", "dev", "lo");
      // kernel-libipsec's TUN device wants the usual offloads off, as the testbeds do
      Exec.run("ip", "netns", "exec", dns, "ethtool", "-K", "d0", "tx", "off");
      Exec.run("ip", "netns", "exec", hns, "ethtool", "-K", "h0", "tx", "off");

      // the device: strongSwan configured for the profile below, started by the test
      String psk = HexFormat.of().formatHex(randomBytes(16));
      TargetProfile deviceConfig =
          TargetProfile.of(
              "test-device",
              "strongswan",
              ip(DEVICE),
              "harness.example.org",
              "iut.example.org",
              psk.getBytes(StandardCharsets.US_ASCII),
              "10.9.0.0/24",
              ip("10.9.0.1"),
              Set.of("ikev1"));
      // the harness's inner addresses: 10.0.1.2 behind its emulated NAT, 10.0.2.2 without
      charon =
          StrongSwan.start(new Host("iut", dns, "d0", ip(DEVICE), 24), deviceConfig, "10.0.0.0/16");
      // the hook (run as the unprivileged user) clears the device's SAs before each scenario
      Path vici = charon.viciSocket();
      Files.setPosixFilePermissions(
          vici.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(
          vici, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));

      // what the unprivileged user gets: the classes and libraries, the profile, a writable folder
      Path cp = copyClasspath(work.resolve("lib"));
      // and the files the run reads: the checkout may sit where that user cannot read (/root)
      Path catalog = work.resolve("requirements.yaml");
      Files.copy(Path.of("testsuites/requirements.yaml"), catalog);
      List<String> scenarios = new ArrayList<>();
      for (String sc : suite()) {
        Path to = work.resolve("suite").resolve(Path.of(sc).getFileName().toString());
        Files.createDirectories(to.getParent());
        Exec.check("cp", "-r", sc, to.toString()); // a file, or a folder (-Dnatt.remoteSuite)
        scenarios.add(to.toString());
      }
      Path allureHome = work.resolve("allure");
      Exec.check(
          "cp", "-r", Path.of("target/allure-commandline").toString(), allureHome.toString());
      Path profileDir = work.resolve("profile");
      Files.createDirectories(profileDir);
      Path pskFile = profileDir.resolve("device.psk");
      Files.writeString(pskFile, psk + "\n");
      Path hookLog = work.resolve("run").resolve("hook.log");
      String uri = "unix://" + vici;
      Path profile = profileDir.resolve("remote-strongswan.yaml");
      Files.writeString(
          profile,
          """
          name: remote-strongswan
          address: %s
          ids: { local: harness.example.org, remote: iut.example.org }
          auth: { psk-file: device.psk }
          protected: 10.9.0.0/24
          protected-host: 10.9.0.1
          claims: [ikev1, ikev1-main, nat-t-rfc3947, forces-encapsulation]
          remote:
            bind: %s
            nat-ports: 20000-20999
            retransmit-interval: 1s
            retransmits: 3
            response-timeout: 3s
            before-each: >-
              swanctl --stats --uri %s > /dev/null &&
              { swanctl --terminate --ike harness --force --uri %s > /dev/null 2>&1 || true; } &&
              echo "cleared $NATT_TARGET_ADDRESS" >> %s
            version: strongSwan (started by the test)
          """
              .formatted(DEVICE, HARNESS, uri, uri, hookLog));
      Path run = work.resolve("run");
      Files.createDirectories(run.resolve("tmp"));
      chownTree(work, NOBODY);
      Exec.check("chmod", "600", pskFile.toString());

      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  hns,
                  "setpriv",
                  "--reuid=" + NOBODY,
                  "--regid=" + NOBODY,
                  "--clear-groups",
                  "--inh-caps=-all",
                  "--bounding-set=-all",
                  "--",
                  javaBin(),
                  "-XX:-UsePerfData",
                  "-Djava.io.tmpdir=" + run.resolve("tmp"),
                  "-Dnatt.allure.home=" + allureHome,
                  "-cp",
                  cp.toString(),
                  "io.natt.cli.Main",
                  "run",
                  "--target",
                  profile.toString(),
                  "--catalog",
                  catalog.toString(),
                  "--report",
                  run.resolve("reports").toString(),
                  "--suite",
                  String.join(",", scenarios)));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(run.toFile())
              .redirectErrorStream(true)
              .redirectOutput(run.resolve("natt.out").toFile());
      Map<String, String> env = pb.environment();
      env.clear();
      env.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
      env.put("HOME", run.toString());
      env.put("LANG", "C.UTF-8");
      long t0 = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(6, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("the unprivileged run did not end within 6 minutes");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      String out = Files.readString(run.resolve("natt.out"));
      System.out.printf(
          "remote-device run as uid %d: %d scenarios in %.1f s (wall time of the child JVM)%n",
          NOBODY, scenarioVerdictsCount(run), seconds);
      System.out.println(out);

      assertEquals(p.exitValue(), 0, "exit code of the unprivileged run:\n" + out);
      Object matrix = Json.parse(Files.readString(run.resolve("reports").resolve("matrix.json")));
      Map<String, String> scenarioVerdicts = new HashMap<>();
      for (Object o : (List<?>) ((Map<?, ?>) matrix).get("scenarios")) {
        Map<?, ?> m = (Map<?, ?>) o;
        scenarioVerdicts.put((String) m.get("id"), (String) m.get("verdict"));
      }
      assertEquals(scenarioVerdicts.get("3947-mm-float-behind-nat"), "PASS", out);
      assertEquals(scenarioVerdicts.get("3948-keepalive-from-harness"), "PASS", out);
      assertEquals(
          scenarioVerdicts.get("3947-mm-direct-no-nat"),
          "NOT_APPLICABLE",
          "a direct scenario needs UDP 500, which uid 65534 cannot bind:\n" + out);
      assertEquals(
          scenarioVerdicts.get("3947-mm-port-preserving-nat"),
          "NOT_APPLICABLE",
          "a NAT that keeps port 500 needs it too:\n" + out);
      // every requirement the two scenarios name was judged PASS in them
      Map<String, Map<String, String>> cells = cells(matrix);
      for (String judged :
          List.of(
              "3947-3.1-vid", "3947-3.2-natd-present", "3947-5.1-encap-mode", "3948-3-esp-decap")) {
        assertEquals(
            cells.getOrDefault(judged, Map.of()).get("3947-mm-float-behind-nat"),
            "PASS",
            judged + " in 3947-mm-float-behind-nat:\n" + out);
      }
      assertEquals(cells.get("3948-3-esp-decap").get("3948-keepalive-from-harness"), "PASS", out);
      // the reason is the port, not a strange failure
      String direct =
          out.lines().filter(l -> l.contains("3947-mm-direct-no-nat")).findFirst().orElse("");
      assertTrue(
          direct.contains("NOT_APPLICABLE")
              && direct.contains("sends from UDP port 500")
              && direct.contains("cannot bind " + HARNESS + ":500")
              && direct.contains("uid " + NOBODY),
          "NOT_APPLICABLE names port 500 and the user: " + direct);
      String preserving =
          out.lines().filter(l -> l.contains("3947-mm-port-preserving-nat")).findFirst().orElse("");
      assertTrue(
          preserving.contains("NOT_APPLICABLE")
              && preserving.contains("NAT router preserves ports")
              && preserving.contains("cannot bind " + HARNESS + ":500"),
          preserving);
      // the before-each hook ran for the two scenarios that ran, not for those that did not apply
      long ran =
          scenarioVerdicts.values().stream().filter(v -> !v.equals("NOT_APPLICABLE")).count();
      assertEquals(
          Files.readAllLines(hookLog),
          java.util.Collections.nCopies((int) ran, "cleared " + DEVICE),
          out);
      String environment =
          Files.readString(run.resolve("reports/allure-results/environment.properties"));
      assertTrue(
          environment.contains("remote device, version strongSwan (started by the test)"),
          environment);
    } finally {
      if (charon != null) {
        charon.close();
      }
      for (String ns : made) {
        NetNs.delete(ns);
      }
      Cleanup.unregister(cleanup);
      deleteTree(work);
    }
  }

  /**
   * The scenario files or folders: the four above, or {@code -Dnatt.remoteSuite=a,b} (e.g. the
   * folders testsuites/rfc3947,testsuites/rfc3948, to see every scenario in a remote run).
   */
  private static List<String> suite() {
    String more = System.getProperty("natt.remoteSuite", "");
    return more.isBlank() ? SCENARIOS : List.of(more.split(","));
  }

  private static long scenarioVerdictsCount(Path run) {
    try {
      Object m = Json.parse(Files.readString(run.resolve("reports").resolve("matrix.json")));
      return ((List<?>) ((Map<?, ?>) m).get("scenarios")).size();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** requirement id -> scenario id -> verdict, from matrix.json. */
  private static Map<String, Map<String, String>> cells(Object matrix) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (Object o : (List<?>) ((Map<?, ?>) matrix).get("requirements")) {
      Map<?, ?> r = (Map<?, ?>) o;
      Map<String, String> row = new HashMap<>();
      for (Object v : (List<?>) r.get("verdicts")) {
        Map<?, ?> c = (Map<?, ?>) v;
        row.put((String) c.get("scenario"), (String) c.get("verdict"));
      }
      out.put((String) r.get("id"), row);
    }
    return out;
  }

  /**
   * The test JVM's class path (through surefire's manifest-only jar when there is one), without the
   * test classes and the test-only libraries' surefire parts, copied where uid 65534 can read it;
   * returns the class path of the copy.
   */
  private static Path copyClasspath(Path lib) throws IOException {
    Set<Path> entries = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(e);
      if (p.getFileName().toString().startsWith("surefirebooter")) {
        try (JarFile jar = new JarFile(p.toFile())) {
          String manifestCp = jar.getManifest().getMainAttributes().getValue("Class-Path");
          for (String u : manifestCp.trim().split("\\s+")) {
            entries.add(Path.of(java.net.URI.create(u)));
          }
        }
      } else {
        entries.add(p);
      }
    }
    Files.createDirectories(lib);
    List<String> cp = new ArrayList<>();
    int n = 0;
    for (Path e : entries) {
      String name = e.getFileName().toString();
      if (name.equals("test-classes") || name.startsWith("surefire") || !Files.exists(e)) {
        continue;
      }
      Path to = lib.resolve(String.format("%03d-%s", n++, name));
      if (Files.isDirectory(e)) {
        Exec.check("cp", "-r", e.toString(), to.toString());
      } else {
        Files.copy(e, to);
      }
      cp.add(to.toString());
    }
    assertTrue(
        cp.stream().anyMatch(c -> c.endsWith("-classes")), "the product's classes are copied");
    return Path.of(String.join(java.io.File.pathSeparator, cp));
  }

  private static void chownTree(Path p, int uid) {
    Exec.check("chown", "-R", uid + ":" + uid, p.toString());
    Exec.check("chmod", "-R", "u+rwX,go+rX", p.toString());
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static Inet4Address ip(String s) throws IOException {
    return (Inet4Address) InetAddress.getByName(s);
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp folder
    }
  }
}
