package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.iut.CharonAlgorithms;
import io.natt.sys.SetupException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.testng.annotations.Test;

/** The doctor's verdicts on what charon lists and on missing tools, without root. */
public class DoctorTest {
  /** What swanctl --list-algs printed for a charon without its openssl plugin (abridged). */
  static final String WITHOUT_OPENSSL =
      """
      encryption:
        AES_CBC[aes]
      integrity:
        HMAC_SHA1_96[hmac]
        HMAC_SHA1_128[hmac]
        HMAC_SHA2_256_128[hmac]
      aead:
      hasher:
        HASH_SHA1[sha1]
        HASH_SHA2_256[sha2]
      prf:
        PRF_HMAC_SHA1[hmac]
        PRF_HMAC_SHA2_256[hmac]
      dh:
      rng:
        RNG_STRONG[random]
      nonce-gen:
        NONCE_GEN[nonce]
      """;

  static final String WITH_OPENSSL =
      WITHOUT_OPENSSL.replace("dh:\n", "dh:\n  MODP_2048[openssl]\n  MODP_1536[openssl]\n");

  /** A `swanctl --list-algs` output with every needed algorithm but the one named. */
  private static String listAlgs(Map<Doctor.Algorithm, Set<String>> needed, String without) {
    StringBuilder list = new StringBuilder();
    for (String section : List.of("encryption", "aead", "integrity", "hasher", "prf", "dh")) {
      list.append(section).append(":\n");
      needed.keySet().stream()
          .filter(a -> a.section().equals(section) && !a.name().equals(without))
          .forEach(a -> list.append("  ").append(a.name()).append("[openssl]\n"));
    }
    return list.toString();
  }

  private static Map<Doctor.Algorithm, Set<String>> neededBySuite() {
    List<Path> files =
        new SuiteSettings(
                Path.of("testsuites/targets/bundled-strongswan.yaml"),
                List.of(Path.of("testsuites")),
                Path.of("testsuites/requirements.yaml"),
                Path.of("reports"))
            .scenarioFiles();
    return Doctor.needed(files);
  }

  @Test
  public void parsesTheAlgorithmList() {
    CharonAlgorithms a = CharonAlgorithms.parse(WITH_OPENSSL);
    assertTrue(a.has("dh", "MODP_2048"));
    assertTrue(a.has("encryption", "AES_CBC"));
    assertFalse(a.has("encryption", "3DES_CBC"));
    assertFalse(a.has("dh", "AES_CBC"), "an algorithm belongs to its section");
    assertFalse(CharonAlgorithms.parse(WITHOUT_OPENSSL).has("dh", "MODP_2048"));
  }

  @Test
  public void theSuiteNeedsModp2048AndItsHashes() {
    Map<Doctor.Algorithm, Set<String>> needed = neededBySuite();
    assertTrue(needed.containsKey(new Doctor.Algorithm("dh", "MODP_2048")), needed.toString());
    assertTrue(needed.containsKey(new Doctor.Algorithm("prf", "PRF_HMAC_SHA2_256")));
    assertTrue(needed.containsKey(new Doctor.Algorithm("integrity", "HMAC_SHA1_96")));
    assertTrue(
        needed.get(new Doctor.Algorithm("dh", "MODP_2048")).contains("aes128-sha256-modp2048"));
  }

  @Test
  public void charonWithoutModp2048FailsWithThePackageToInstall() {
    // a charon with every algorithm the suite needs but MODP_2048
    Map<Doctor.Algorithm, Set<String>> needed = neededBySuite();
    List<Doctor.Check> checks =
        Doctor.algorithmChecks(needed, CharonAlgorithms.parse(listAlgs(needed, "MODP_2048")));
    List<Doctor.Check> failed = checks.stream().filter(c -> !c.ok()).toList();
    assertEquals(failed.size(), 1, checks.toString());
    Doctor.Check modp = failed.get(0);
    assertEquals(modp.name(), "charon dh MODP_2048");
    assertEquals(modp.need(), Doctor.Need.RUN);
    assertTrue(modp.line().startsWith("  FAIL  charon dh MODP_2048"), modp.line());
    assertTrue(modp.line().contains("aes128-sha256-modp2048"), modp.line());
    assertTrue(modp.line().contains("install libstrongswan-standard-plugins"), modp.line());
    assertFalse(Doctor.runnable(checks));
    assertTrue(Doctor.summary(checks).contains("a conformance run would be refused"));

    List<Doctor.Check> fine =
        Doctor.algorithmChecks(needed, CharonAlgorithms.parse(listAlgs(needed, "none")));
    assertTrue(Doctor.runnable(fine), fine.toString());
  }

  @Test
  public void aThreeDesProposalNeedsThreeDesAndModp1024() {
    Map<Doctor.Algorithm, Set<String>> needed = new LinkedHashMap<>();
    Doctor.needForPhase1("3des-sha1-modp1024", needed);
    Doctor.needForEsp("aes256-sha256", needed);
    assertEquals(
        needed.keySet(),
        Set.of(
            new Doctor.Algorithm("encryption", "3DES_CBC"),
            new Doctor.Algorithm("hasher", "HASH_SHA1"),
            new Doctor.Algorithm("prf", "PRF_HMAC_SHA1"),
            new Doctor.Algorithm("integrity", "HMAC_SHA1_96"),
            new Doctor.Algorithm("dh", "MODP_1024"),
            new Doctor.Algorithm("encryption", "AES_CBC"),
            new Doctor.Algorithm("integrity", "HMAC_SHA2_256_128")));
    List<Doctor.Check> checks =
        Doctor.algorithmChecks(needed, CharonAlgorithms.parse(WITH_OPENSSL));
    List<String> failed = checks.stream().filter(c -> !c.ok()).map(Doctor.Check::name).toList();
    assertEquals(failed, List.of("charon dh MODP_1024", "charon encryption 3DES_CBC"));
  }

  @Test
  public void aMissingToolSaysWhichPackage() {
    Doctor.Check c =
        Doctor.tool("conntrack", "natt-no-such-tool-here", "conntrack", Doctor.Need.RUN);
    assertFalse(c.ok());
    assertEquals(
        c.line(), "  FAIL  conntrack: natt-no-such-tool-here not found -> install conntrack");
    assertTrue(Doctor.tool("sh", "sh", "dash", Doctor.Need.RUN).ok());
  }

  @Test
  public void testOnlyFailuresDoNotStopARun() {
    List<Doctor.Check> checks =
        List.of(
            Doctor.tool("sh", "sh", "dash", Doctor.Need.RUN),
            Doctor.tool("chromium", "natt-no-such-chromium", "chromium", Doctor.Need.TESTS));
    assertTrue(Doctor.runnable(checks));
    assertTrue(checks.get(1).line().contains("chromium (tests only)"), checks.get(1).line());
    assertTrue(Doctor.summary(checks).contains("1 FAIL (0 needed by a run)"));
  }

  @Test
  public void aCharonThatDoesNotStartIsAFailedCheck() {
    List<Doctor.Check> checks =
        Doctor.charonChecks(
            neededBySuite(),
            () -> {
              throw new SetupException("charon exited with code 1: no plugins\nmore");
            });
    assertEquals(checks.size(), 1);
    assertFalse(checks.get(0).ok());
    assertTrue(checks.get(0).line().contains("charon exited with code 1: no plugins -> install"));
  }

  @Test
  public void aRootThatIsNoMountPointIsNamed() {
    String fix =
        Doctor.fixFor(
            "command failed (exit 255): ip -n natt-1-doctor-h link set lo up\n"
                + "\"mount --make-rslave /\" failed: Invalid argument",
            "modprobe veth");
    assertTrue(fix.contains("not a mount point"), fix);
    assertEquals(
        Doctor.fixFor("RTNETLINK answers: Operation not supported", "modprobe veth"),
        "modprobe veth");
  }

  @Test
  public void readsTheSourceOfAUdpFrame() {
    byte[] f = new byte[14 + 20 + 8];
    f[12] = 0x08;
    f[14] = 0x45;
    f[14 + 9] = 17;
    f[26] = (byte) 198;
    f[27] = 51;
    f[28] = 100;
    f[29] = 1;
    f[14 + 20 + 2] = (byte) (4500 >> 8);
    f[14 + 20 + 3] = (byte) (4500 & 0xff);
    assertEquals(Doctor.NetworkProbe.udpSourceTo(f, 4500), "198.51.100.1");
    assertEquals(Doctor.NetworkProbe.udpSourceTo(f, 500), null);
  }

  private static io.natt.iut.TargetProfile remote(String bind, String hook) throws Exception {
    io.natt.iut.RemoteSettings d =
        io.natt.iut.RemoteSettings.bindingTo(
            (java.net.Inet4Address) java.net.InetAddress.getByName(bind));
    return io.natt.iut.IutsTestAccess.target()
        .withRemote(
            new io.natt.iut.RemoteSettings(
                d.bind(),
                d.natPortMin(),
                d.natPortMax(),
                d.retransmitInterval(),
                d.retransmits(),
                d.responseTimeout(),
                hook,
                "",
                ""));
  }

  @Test
  public void aRemoteRunNeedsNoRootOnlyItsBindAddress() throws Exception {
    List<Doctor.Check> checks = Doctor.remoteChecks(remote("127.0.0.1", "true"));
    assertTrue(Doctor.runnable(checks), checks.toString());
    assertEquals(
        checks.stream().map(Doctor.Check::name).toList(),
        List.of("bind address 127.0.0.1", "UDP 500/4500 on 127.0.0.1", "sh (for the hooks)"));
  }

  @Test
  public void aBindAddressNotOfThisMachineBlocksARemoteRun() throws Exception {
    List<Doctor.Check> checks = Doctor.remoteChecks(remote("198.51.100.77", ""));
    assertFalse(Doctor.runnable(checks));
    assertEquals(checks.size(), 1);
    assertTrue(
        checks.get(0).line().startsWith("  FAIL  bind address 198.51.100.77: cannot bind"),
        checks.get(0).line());
    assertTrue(checks.get(0).line().contains("-> set remote: bind: in gw's profile"));
  }
}
