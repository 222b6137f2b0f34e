package io.natt.iut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

import io.natt.testutil.Json;
import io.natt.yaml.LoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class TargetLoaderTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/targets");
  static final SecureRandom RND = new SecureRandom();

  static Object[][] yamlFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml"))
          .sorted()
          .map(p -> new Object[] {p})
          .toArray(Object[][]::new);
    }
  }

  @DataProvider
  public static Object[][] good() throws IOException {
    return yamlFiles(FIXTURES.resolve("good"));
  }

  @DataProvider
  public static Object[][] bad() throws IOException {
    return yamlFiles(FIXTURES.resolve("bad"));
  }

  @Test(dataProvider = "good")
  public void goodFilesLoad(Path file) {
    TargetProfile t = TargetLoader.load(file, RND);
    assertTrue(t.psk().length > 0);
  }

  @Test(dataProvider = "bad")
  public void badFilesFailWithTheExpectedMessage(Path file) throws IOException {
    String name = file.getFileName().toString().replaceFirst("\\.yaml$", ".expected");
    String want =
        Files.readString(file.resolveSibling(name)).strip().replace("{file}", file.toString());
    try {
      TargetLoader.load(file, RND);
      fail("loaded, but should fail with: " + want);
    } catch (LoadException e) {
      assertEquals(e.getMessage(), want);
      assertEquals(e.all().size(), want.lines().count(), "one LoadException per mistake");
    }
  }

  @Test
  public void proposalsTheDeviceAccepts() {
    TargetProfile t = TargetLoader.load(FIXTURES.resolve("good/proposals.yaml"), RND);
    assertEquals(t.phase1Proposals(), List.of("aes256-sha256-modp2048", "aes128-sha1-modp1536"));
    assertEquals(t.espProposals(), List.of("aes256-sha256"));
    TargetProfile none = TargetLoader.load(FIXTURES.resolve("good/remote-literal.yaml"), RND);
    assertEquals(none.phase1Proposals(), List.of());
    assertEquals(none.espProposals(), List.of());
  }

  @Test
  public void theTemplateValidatesButDoesNotLoadForARun() {
    Path template = Path.of("testsuites/targets/remote-device.template.yaml");
    assertTrue(TargetLoader.isTemplate(template));
    TargetLoader.validate(template);
    LoadException e =
        org.testng.Assert.expectThrows(LoadException.class, () -> TargetLoader.load(template, RND));
    assertTrue(e.getMessage().contains("psk-file: no such file 'my-gateway.psk'"), e.getMessage());
  }

  @Test
  public void enoughDistinctMistakes() throws IOException {
    assertTrue(bad().length >= 6);
  }

  @Test
  public void bundledProfile() {
    TargetProfile t = TargetLoader.load(Path.of("testsuites/targets/bundled-strongswan.yaml"), RND);
    assertEquals(t.name(), "bundled-strongswan");
    assertTrue(t.launchesStrongSwan());
    assertEquals(t.address().getHostAddress(), "198.51.100.2");
    assertEquals(t.localId(), "harness.example.org");
    assertEquals(t.remoteId(), "iut.example.org");
    assertEquals(t.psk().length, TargetLoader.GENERATED_PSK_BYTES);
    assertEquals(t.protectedNet(), "10.9.0.0/24");
    assertEquals(t.protectedHost().getHostAddress(), "10.9.0.1");
    assertEquals(
        List.copyOf(t.claims()),
        List.of(
            "ikev1",
            "ikev1-main",
            "ikev1-aggressive",
            "nat-t-rfc3947",
            "nat-t-draft-02",
            "forces-encapsulation",
            "ikev1-transport",
            "iut-rekey-on-request",
            "dpd"));
    assertEquals(t.configuredKeepalive(), java.util.Optional.of(java.time.Duration.ofSeconds(2)));
    TargetProfile again =
        TargetLoader.load(Path.of("testsuites/targets/bundled-strongswan.yaml"), RND);
    assertTrue(!java.util.Arrays.equals(t.psk(), again.psk()), "a fresh PSK each time");
  }

  @Test
  public void remoteSettings() throws Exception {
    TargetProfile t = TargetLoader.load(FIXTURES.resolve("good/remote-full.yaml"), RND);
    assertTrue(t.isRemote());
    RemoteSettings r = t.remote();
    assertEquals(r.bind().getHostAddress(), "198.51.100.1");
    assertEquals(r.natPortMin(), 20000);
    assertEquals(r.natPortMax(), 20999);
    assertEquals(r.retransmitInterval(), java.time.Duration.ofSeconds(3));
    assertEquals(r.retransmits(), 5);
    assertEquals(r.responseTimeout(), java.time.Duration.ofSeconds(10));
    assertEquals(r.beforeEach(), "ssh admin@gw4 'clear crypto sa'");
    assertEquals(r.initiate(), "ssh admin@gw4 'ping vrf inside 10.0.1.2'");
    assertEquals(r.version(), "VendorOS 9.1");
    assertEquals(Iuts.version(t), "remote device, version VendorOS 9.1");
    TargetProfile d = TargetLoader.load(FIXTURES.resolve("good/remote-psk-file.yaml"), RND);
    assertEquals(d.remote(), RemoteSettings.bindingTo(d.remote().bind()));
    assertEquals(Iuts.version(d), "remote device, version not known");
    TargetProfile b = TargetLoader.load(Path.of("testsuites/targets/bundled-strongswan.yaml"), RND);
    assertEquals(b.remote(), null);
    assertTrue(!b.isRemote());
  }

  @Test
  public void pskFileAndLiteral() {
    TargetProfile f = TargetLoader.load(FIXTURES.resolve("good/remote-psk-file.yaml"), RND);
    assertEquals(new String(f.psk(), StandardCharsets.UTF_8), "not so secret");
    assertEquals(f.launch(), "");
    TargetProfile l = TargetLoader.load(FIXTURES.resolve("good/remote-literal.yaml"), RND);
    assertEquals(new String(l.psk(), StandardCharsets.UTF_8), "literal key");
    assertTrue(!l.toString().contains("literal key"));
  }

  @Test
  public void launchCommandWithEveryKey() {
    TargetProfile t = TargetLoader.load(FIXTURES.resolve("good/command.yaml"), RND);
    assertEquals(t.launch(), LaunchCommand.LAUNCH);
    assertTrue(t.launchesCommand());
    assertTrue(!t.launchesStrongSwan());
    assertEquals(t.psk().length, TargetLoader.GENERATED_PSK_BYTES, "psk: generate works");
    LaunchCommand c = t.command();
    assertEquals(c.command(), "exec ./my-daemon.sh --foreground");
    assertEquals(c.prepare(), Optional.of("test -x ./my-daemon.sh"));
    assertEquals(c.stop(), Optional.of("./my-daemon.sh stop"));
    assertEquals(c.status(), Optional.of("./my-daemon.sh status"));
    assertEquals(c.version(), Optional.of("./my-daemon.sh --version"));
    assertEquals(c.readyTimeout(), Duration.ofSeconds(45));
    assertEquals(c.dir(), FIXTURES.resolve("good").toAbsolutePath(), "the profile's folder");
  }

  @Test
  public void launchCommandDefaults() {
    TargetProfile t = TargetLoader.load(FIXTURES.resolve("good/command-minimal.yaml"), RND);
    LaunchCommand c = t.command();
    assertEquals(c.command(), "exec ./my-daemon.sh");
    assertEquals(c.prepare(), Optional.empty());
    assertEquals(c.stop(), Optional.empty());
    assertEquals(c.status(), Optional.empty());
    assertEquals(c.version(), Optional.empty());
    assertEquals(c.readyTimeout(), Duration.ofSeconds(20));
    TargetProfile bundled =
        TargetLoader.load(Path.of("testsuites/targets/bundled-strongswan.yaml"), RND);
    assertEquals(bundled.command(), null);
    assertTrue(!bundled.launchesCommand());
  }

  @Test
  public void strongswanThroughTheScriptBesideItsProfile() {
    Path profile = Path.of("testsuites/targets/strongswan-command.yaml");
    TargetProfile t = TargetLoader.load(profile, RND);
    assertEquals(t.command().command(), "exec ./strongswan-launch.sh");
    Path script = t.command().dir().resolve("strongswan-launch.sh");
    assertTrue(Files.isExecutable(script), script + " is executable");
    TargetProfile bundled =
        TargetLoader.load(Path.of("testsuites/targets/bundled-strongswan.yaml"), RND);
    // the same claims, but the script's charon cannot be asked to rekey (no VICI hook for it)
    java.util.Set<String> claims = new java.util.LinkedHashSet<>(bundled.claims());
    claims.remove(io.natt.iut.Iut.REKEY_CLAIM);
    assertEquals(t.claims(), claims);
    assertEquals(t.knownResults(), bundled.knownResults());
    assertEquals(t.address(), bundled.address());
  }

  /** One trailing newline (LF or CR LF) ends the line of a psk-file; it is not part of the key. */
  @Test
  public void pskFileLosesOneTrailingNewlineOnly() throws IOException {
    Path dir = io.natt.testutil.TempDirs.create("natt-psk-test-");
    try {
      Map<String, String> cases =
          Map.of(
              "k3y", "k3y",
              "k3y\n", "k3y",
              "k3y\r\n", "k3y",
              "k3y\n\n", "k3y\n",
              " k3y \n", " k3y ");
      for (Map.Entry<String, String> c : cases.entrySet()) {
        Files.writeString(dir.resolve("gw.psk"), c.getKey());
        Files.writeString(
            dir.resolve("gw.yaml"),
            Files.readString(FIXTURES.resolve("good/remote-psk-file.yaml"))
                .replace("lab-gw.psk", "gw.psk"));
        TargetProfile t = TargetLoader.load(dir.resolve("gw.yaml"), RND);
        assertEquals(
            new String(t.psk(), StandardCharsets.UTF_8), c.getValue(), "file " + c.getKey());
      }
    } finally {
      try (Stream<Path> s = Files.list(dir)) {
        s.forEach(p -> p.toFile().delete());
      }
      Files.delete(dir);
    }
  }

  @Test
  public void schemaKnowsEveryKeyTheLoaderAccepts() throws IOException {
    Object schema = Json.parse(Files.readString(Path.of("testsuites/schema/target.schema.json")));
    Map<String, Object> root = Json.at(schema);
    assertEquals(root.get("$schema"), "https://json-schema.org/draft/2020-12/schema");
    assertEquals(root.get("additionalProperties"), false);
    Map<String, Object> top = Json.at(schema, "properties");
    assertEquals(Json.keys(top), new TreeSet<>(TargetLoader.TOP_KEYS));
    assertEquals(Json.keys(Json.at(top, "ids", "properties")), new TreeSet<>(TargetLoader.ID_KEYS));
    assertEquals(
        Json.keys(Json.at(top, "auth", "properties")), new TreeSet<>(TargetLoader.AUTH_KEYS));
    List<?> launch = (List<?>) Json.at(top, "launch").get("oneOf");
    assertEquals(Json.enumOf(Json.at(launch.get(0))), Set.of("strongswan"));
    assertEquals(
        Json.keys(Json.at(launch.get(1), "properties")), new TreeSet<>(LaunchCommand.KEYS));
    assertEquals(Json.at(launch.get(1)).get("required"), List.of("command"));
    assertEquals(
        Json.keys(Json.at(top, "remote", "properties")), new TreeSet<>(RemoteSettings.KEYS));
    Map<String, Object> proposals = Json.at(top, "proposals", "properties");
    assertEquals(Json.keys(proposals), new TreeSet<>(TargetLoader.PROPOSAL_KEYS));
    assertEquals(
        Json.at(proposals, "phase1", "items").get("pattern"), ProposalGrammar.phase1Pattern());
    assertEquals(Json.at(proposals, "esp", "items").get("pattern"), ProposalGrammar.espPattern());
  }
}
