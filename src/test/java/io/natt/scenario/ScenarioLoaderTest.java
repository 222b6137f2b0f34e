package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;
import static org.testng.Assert.fail;

import io.natt.ike.Knobs;
import io.natt.testutil.Json;
import io.natt.yaml.LoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class ScenarioLoaderTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/scenarios");

  static Object[][] yamlFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml"))
          .sorted()
          .map(p -> new Object[] {p})
          .toArray(Object[][]::new);
    }
  }

  /** The sidecar NAME.expected, with {file} replaced by the path as given to the loader. */
  static String expected(Path yaml) throws IOException {
    String name = yaml.getFileName().toString().replaceFirst("\\.yaml$", ".expected");
    return Files.readString(yaml.resolveSibling(name)).strip().replace("{file}", yaml.toString());
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
    Scenario s = ScenarioLoader.load(file, Set.of());
    assertEquals(s.file(), file);
    assertTrue(!s.steps().isEmpty());
  }

  @Test(dataProvider = "bad")
  public void badFilesFailWithTheExpectedMessage(Path file) throws IOException {
    String want = expected(file);
    try {
      ScenarioLoader.load(file, Set.of());
      fail("loaded, but should fail with: " + want);
    } catch (LoadException e) {
      assertEquals(e.getMessage(), want);
      assertEquals(e.all().size(), want.lines().count(), "one LoadException per mistake");
    }
  }

  @Test
  public void clientsBehindNatsOfTheirOwnShareTheHarnessAddress() {
    Scenario s = ScenarioLoader.load(FIXTURES.resolve("good/clients-same-address.yaml"), Set.of());
    io.natt.nat.Testbed.Layout l = s.topology().layout();
    assertEquals(l.clients(), 2);
    assertEquals(
        l.clientNats().stream().map(io.natt.nat.Testbed.Nat::name).toList(),
        List.of("home-a", "home-b"));
    assertTrue(l.sameAddress());
    assertEquals(io.natt.nat.ClientHosts.address(l, 2), io.natt.nat.ClientHosts.address(1));
    assertEquals(io.natt.nat.ClientHosts.ownNat(l, 2).orElseThrow().name(), "home-b");
    assertTrue(io.natt.nat.ClientHosts.ownNat(l, 1).isEmpty());
    for (String backend : io.natt.nat.Testbeds.names()) {
      assertEquals(io.natt.nat.Testbeds.backend(backend).refusal(l), Optional.empty(), backend);
    }
    // a remote device gives the emulated NAT one public address: the second NAT has none
    io.natt.nat.Testbed.Request remote =
        new io.natt.nat.Testbed.Request(
            l,
            io.natt.nat.ClientHosts.address(1),
            io.natt.nat.ClientHosts.address(1),
            new io.natt.nat.Testbed.Remote(io.natt.nat.ClientHosts.address(1), 20000, 20100));
    assertTrue(
        io.natt.nat.EmulatedTestbed.BACKEND
            .notApplicable(remote)
            .orElseThrow()
            .contains("a public address of its own"));
  }

  @Test
  public void natRebindReadsWhichFlows() {
    List<io.natt.nat.RebindFlows> flows =
        ScenarioLoader.load(FIXTURES.resolve("good/every-step.yaml"), Set.of()).steps().stream()
            .filter(x -> x instanceof Scenario.Step.NatRebind)
            .map(x -> ((Scenario.Step.NatRebind) x).flows())
            .toList();
    assertEquals(
        flows,
        List.of(
            io.natt.nat.RebindFlows.ALL,
            io.natt.nat.RebindFlows.ALL,
            io.natt.nat.RebindFlows.ESP,
            io.natt.nat.RebindFlows.IKE,
            io.natt.nat.RebindFlows.ALL));
  }

  @Test
  public void someFixturesHaveSeveralMistakesAllReported() throws IOException {
    long several = Stream.of(bad()).map(o -> (Path) o[0]).filter(f -> lines(f) >= 5).count();
    assertTrue(several >= 2, "fixtures with five or more mistakes: " + several);
  }

  private static long lines(Path yaml) {
    try {
      return expected(yaml).lines().count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  public void ifNotAcceptedDefaultsToUseAccepted() {
    Scenario.IkeSpec minimal =
        ScenarioLoader.load(FIXTURES.resolve("good/minimal.yaml"), Set.of()).harness().ike();
    assertEquals(minimal.ifNotAccepted(), Scenario.IfNotAccepted.USE_ACCEPTED);
    Scenario.IkeSpec strict =
        ScenarioLoader.load(FIXTURES.resolve("good/if-not-accepted.yaml"), Set.of())
            .harness()
            .ike();
    assertEquals(
        strict,
        new Scenario.IkeSpec(
            1,
            "main",
            "psk",
            "aes256-sha1-modp1536",
            "aes256-sha1",
            Scenario.IfNotAccepted.NOT_APPLICABLE));
  }

  @Test
  public void theAes256ScenarioIsAboutItsProposal() {
    Scenario s =
        ScenarioLoader.load(Path.of("testsuites/rfc3947/aes256-sha1-behind-nat.yaml"), Set.of());
    assertEquals(s.harness().ike().ifNotAccepted(), Scenario.IfNotAccepted.NOT_APPLICABLE);
    assertEquals(s.harness().ike().proposal(), "aes256-sha1-modp2048");
  }

  @Test
  public void espPingOptionsLoad() {
    List<Scenario.Step> steps =
        ScenarioLoader.load(FIXTURES.resolve("good/esp-ping-options.yaml"), Set.of()).steps();
    Scenario.Step.EspPing zero = (Scenario.Step.EspPing) steps.get(2);
    assertEquals(zero.sizes(), List.of(0, 1371));
    assertEquals(zero.count(), 2);
    assertTrue(zero.zeroUdpChecksum() && !zero.spoofed());
    Scenario.Step.EspPing spoofed = (Scenario.Step.EspPing) steps.get(3);
    assertTrue(spoofed.spoofed() && !spoofed.zeroUdpChecksum());
    assertEquals(spoofed.sizes(), List.of());
    Scenario.Step.EspPing one = (Scenario.Step.EspPing) steps.get(4);
    assertEquals(one.sizes(), List.of(64), "one size without a list");
    assertEquals(one.count(), 3, "the default count");
    assertEquals(one.fromPort(), 0, "from the SA's own port by default");
    Scenario.Step.EspPing second = (Scenario.Step.EspPing) steps.get(5);
    assertEquals(second.fromPort(), 4501);
  }

  @Test
  public void enoughDistinctMistakes() throws IOException {
    assertTrue(bad().length >= 22, "only " + bad().length + " bad fixtures");
  }

  @Test
  public void theExampleLoadsAsWritten() {
    Scenario s = ScenarioLoader.load(FIXTURES.resolve("good/mm-float-behind-nat.yaml"), Set.of());
    assertEquals(s.id(), "3947-mm-float-behind-nat");
    assertEquals(s.judges(), List.of("3947-3.1-vid", "3947-4-float"));
    assertEquals(s.appliesWhen(), List.of("ikev1", "nat-t-rfc3947"));
    Scenario.NatSpec home = s.topology().nats().get("home");
    assertEquals(
        home,
        new Scenario.NatSpec(
            "endpoint-independent",
            "address-and-port-dependent",
            "random",
            Duration.ofSeconds(30)));
    assertEquals(s.topology().harnessBehind(), List.of("home"));
    assertEquals(s.topology().iutBehind(), List.of());
    assertEquals(s.harness().role(), "initiator");
    assertEquals(
        s.harness().ike(),
        new Scenario.IkeSpec(1, "main", "psk", "aes128-sha256-modp2048", "aes128-sha256"));
    assertEquals(s.harness().knobs(), Knobs.rfc3947());
    assertEquals(
        s.steps(),
        List.of(
            new Scenario.Step.Phase1(18),
            new Scenario.Step.QuickMode(19, "tunnel"),
            new Scenario.Step.EspPing(20, "iut.protected", 3)));
    assertEquals(s.expect(), java.util.Map.of("3947-4-float", "FAIL"));
  }

  @Test
  public void aPersonaGivesItsDefaultsAndTheFileOverridesKnobs() {
    Scenario s = ScenarioLoader.load(FIXTURES.resolve("good/transport-persona.yaml"), Set.of());
    assertEquals(s.harness().persona(), "windows-xp-l2tp");
    assertEquals(
        s.harness().ike(),
        new Scenario.IkeSpec(1, "main", "psk", "3des-sha1-modp1024", "3des-sha1"));
    assertEquals(s.harness().knobs().vendorIds(), List.of(Knobs.VendorIdChoice.DRAFT_02N));
    // the file's keepalive overrides the persona's 20 s
    assertEquals(s.harness().knobs().keepaliveInterval(), Duration.ofSeconds(5));
    // a bare quick-mode is the persona's: transport, UDP port 1701
    assertEquals(s.steps().get(1), new Scenario.Step.QuickMode(14, "transport", 17, 1701));
    assertEquals(((Scenario.Step.EspPing) s.steps().get(2)).to(), "iut");
    assertEquals(Personas.vendorIds("windows-xp-l2tp").size(), 2);
    assertTrue(Personas.vendorIds("").isEmpty());
  }

  @Test
  public void aFilteringTheKernelCannotRealiseLoadsAndIsNotApplicableThere() {
    // like a rebinding of one flow alone: every backend loads the suite; the run says why not
    Path f = FIXTURES.resolve("good/filtering-endpoint-independent.yaml");
    Scenario s = ScenarioLoader.load(f, Set.of(), io.natt.nat.EmulatedTestbed.BACKEND);
    ScenarioLoader.load(f, Set.of(), io.natt.nat.KernelTestbed.BACKEND);
    assertEquals(Runner.needsFiltering(s, io.natt.nat.EmulatedTestbed.BACKEND), Optional.empty());
    assertEquals(
        Runner.needsFiltering(s, io.natt.nat.KernelTestbed.BACKEND).orElseThrow(),
        "NAT home: filtering: endpoint-independent is not realised by the kernel backend, which"
            + " filters by address and port (netfilter conntrack); the emulated backend can");
  }

  @Test
  public void everyScenarioUnderTestsuitesLoadsForBothBackends() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("testsuites"))) {
      files =
          s.filter(p -> p.toString().endsWith(".yaml"))
              .filter(p -> p.startsWith("testsuites/rfc3947") || p.startsWith("testsuites/rfc3948"))
              .sorted()
              .toList();
    }
    assertTrue(files.size() >= 20, files.toString());
    for (Path f : files) {
      for (String nat : io.natt.nat.Testbeds.names()) {
        ScenarioLoader.load(f, Set.of(), io.natt.nat.Testbeds.backend(nat));
      }
    }
  }

  @Test
  public void aggressiveModeLoadsForTheHarnessAsInitiator() {
    Scenario s =
        ScenarioLoader.load(Path.of("testsuites/rfc3947/am-float-behind-nat.yaml"), Set.of());
    assertEquals(s.harness().ike().exchange(), "aggressive");
    assertEquals(s.harness().role(), "initiator");
    assertEquals(s.harness().knobs().floatAt(), Knobs.FloatMode.AT_MESSAGE_5);
    assertTrue(s.appliesWhen().contains("ikev1-aggressive"), s.appliesWhen().toString());
  }

  @Test
  public void everyStepKind() {
    Scenario s = ScenarioLoader.load(FIXTURES.resolve("good/every-step.yaml"), Set.of());
    Set<String> kinds = new TreeSet<>();
    s.steps().forEach(st -> kinds.add(st.getClass().getSimpleName()));
    assertEquals(kinds.size(), 14, kinds.toString());
    Scenario.Step.SendRaw raw = (Scenario.Step.SendRaw) s.steps().get(7);
    assertEquals(raw.bytes(), new byte[] {0, 0, 0, 0, (byte) 0xff});
    Scenario.Step.Replay replay = (Scenario.Step.Replay) s.steps().get(9);
    assertTrue(Files.isRegularFile(replay.file()));
    assertTrue(replay.rewriteCookies() && replay.rewriteSpis());
    Knobs k = s.harness().knobs();
    assertEquals(k.keepaliveInterval(), Duration.ofMillis(500));
    assertEquals(k.keepaliveByte(), 0);
    assertEquals(k.natD(), Knobs.NatDMode.EXTRA_LOCAL);
  }

  @Test
  public void judgedIdsMustBeKnownWhenACatalogIsGiven() {
    Path f = FIXTURES.resolve("good/mm-float-behind-nat.yaml");
    LoadException e =
        expectThrows(
            LoadException.class,
            () -> ScenarioLoader.load(f, Set.of("3947-3.1-vid", "3947-4-floats")));
    assertEquals(
        e.getMessage(),
        f
            + ":4:24: judges[1]: unknown requirement id '3947-4-float' (did you mean"
            + " '3947-4-floats'?) (not in the requirement catalog)");
    ScenarioLoader.load(f, Set.of("3947-3.1-vid", "3947-4-float"));
  }

  @Test
  public void schemaKnowsEveryKeyTheLoaderAccepts() throws IOException {
    Object schema = Json.parse(Files.readString(Path.of("testsuites/schema/scenario.schema.json")));
    Map<String, Object> root = Json.at(schema);
    assertEquals(root.get("$schema"), "https://json-schema.org/draft/2020-12/schema");
    assertEquals(root.get("additionalProperties"), false);
    assertEquals(
        new TreeSet<>((List<?>) root.get("required")),
        Set.of("id", "title", "judges", "topology", "harness", "steps"));
    Map<String, Object> top = Json.at(schema, "properties");
    assertEquals(Json.keys(top), new TreeSet<>(ScenarioLoader.TOP_KEYS));
    Map<String, Object> topo = Json.at(top, "topology", "properties");
    assertEquals(Json.keys(topo), new TreeSet<>(ScenarioLoader.TOPOLOGY_KEYS));
    assertEquals(
        Json.keys(Json.at(topo, "harness", "properties")),
        new TreeSet<>(ScenarioLoader.HARNESS_PLACE_KEYS));
    assertEquals(
        Json.keys(Json.at(topo, "iut", "properties")),
        new TreeSet<>(ScenarioLoader.IUT_PLACE_KEYS));
    List<?> clientForms = (List<?>) Json.at(topo, "harness", "properties", "clients").get("oneOf");
    assertEquals(
        Json.keys(Json.at(clientForms.get(1), "properties")),
        new TreeSet<>(ScenarioLoader.CLIENTS_KEYS));
    assertEquals(
        Json.keys(Json.at(schema, "$defs", "nat", "properties")),
        new TreeSet<>(ScenarioLoader.NAT_KEYS));
    assertEquals(
        Json.enumOf(Json.at(schema, "$defs", "nat", "properties", "mapping")),
        new TreeSet<>(List.of(ScenarioLoader.NAT_TYPES)));
    Map<String, Object> harness = Json.at(top, "harness", "properties");
    assertEquals(Json.keys(harness), new TreeSet<>(ScenarioLoader.HARNESS_KEYS));
    assertEquals(
        Json.keys(Json.at(harness, "ike", "properties")), new TreeSet<>(ScenarioLoader.IKE_KEYS));
    assertEquals(
        Json.enumOf(Json.at(harness, "ike", "properties", "if-not-accepted")),
        words(Scenario.IfNotAccepted.values()));
    assertEquals(
        Json.at(harness, "ike", "properties", "proposal").get("pattern"),
        io.natt.iut.ProposalGrammar.phase1Pattern());
    assertEquals(
        Json.at(harness, "ike", "properties", "esp").get("pattern"),
        io.natt.iut.ProposalGrammar.espPattern());
    Map<String, Object> knobs = Json.at(harness, "knobs", "properties");
    assertEquals(Json.keys(knobs), new TreeSet<>(ScenarioLoader.KNOB_KEYS));
    assertEquals(
        Json.keys(Json.at(knobs, "keepalive", "properties")),
        new TreeSet<>(ScenarioLoader.KEEPALIVE_KEYS));
    assertEquals(Json.enumOf(Json.at(knobs, "nat-d")), words(Knobs.NatDMode.values()));
    assertEquals(Json.enumOf(Json.at(knobs, "float")), words(Knobs.FloatMode.values()));
    assertEquals(
        Json.enumOf(Json.at(knobs, "vendor-ids", "items")), words(Knobs.VendorIdChoice.values()));
    assertEquals(
        Json.enumOf(Json.at(knobs, "encapsulation")), Set.of("1", "2", "3", "4", "61443", "61444"));
    // the harness's schema offers only the deviations the harness acts on
    assertEquals(
        Json.enumOf(Json.at(knobs, "deviations", "items")),
        words(
            java.util.Arrays.stream(Knobs.Deviation.values())
                .filter(d -> d.honouredBy(Knobs.Side.HARNESS))
                .toArray(Knobs.Deviation[]::new)));
    List<?> stepForms = (List<?>) Json.at(top, "steps", "items").get("oneOf");
    Set<String> bare = Json.enumOf(Json.at(stepForms.get(0)));
    Map<String, Object> withSettings = Json.at(stepForms.get(1), "properties");
    assertEquals(Json.keys(withSettings), new TreeSet<>(ScenarioLoader.STEPS.keySet()));
    for (var e : ScenarioLoader.STEPS.entrySet()) {
      if (!e.getValue().isEmpty()) {
        assertEquals(
            Json.keys(Json.at(withSettings, e.getKey(), "properties")),
            new TreeSet<>(e.getValue()),
            e.getKey());
      }
    }
    assertTrue(ScenarioLoader.STEPS.keySet().containsAll(bare));
    assertEquals(
        Json.enumOf(Json.at(top, "expect", "additionalProperties")),
        new TreeSet<>(List.of(ScenarioLoader.VERDICTS)));
  }

  static Set<String> words(Enum<?>[] values) {
    List<String> l = new ArrayList<>();
    for (Enum<?> v : values) {
      l.add(io.natt.yaml.YamlNode.word(v));
    }
    return new TreeSet<>(l);
  }
}
