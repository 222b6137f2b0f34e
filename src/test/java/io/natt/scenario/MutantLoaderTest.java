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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** Mutant IUT files: their loader, their fixtures, their schema, and the project's own mutants. */
public class MutantLoaderTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/mutants");
  static final Path MUTANTS = Path.of("testsuites/mutants");

  @DataProvider
  public static Object[][] bad() throws IOException {
    return ScenarioLoaderTest.yamlFiles(FIXTURES.resolve("bad"));
  }

  @DataProvider
  public static Object[][] projectMutants() throws IOException {
    return ScenarioLoaderTest.yamlFiles(MUTANTS);
  }

  @Test(dataProvider = "bad")
  public void badFilesFailWithEveryExpectedMessage(Path file) throws IOException {
    String want = ScenarioLoaderTest.expected(file);
    try {
      Mutant.load(file);
      fail("loaded, but should fail with: " + want);
    } catch (LoadException e) {
      assertEquals(e.getMessage(), want);
      assertEquals(e.all().size(), want.lines().count());
    }
  }

  @Test
  public void goodMutantLoads() {
    Mutant m = Mutant.load(FIXTURES.resolve("good/no-float.yaml"));
    assertEquals(m.breaks(), "3947-4-float-follow");
    assertEquals(
        m.scenario(),
        Path.of("src/test/resources/fixtures/scenarios/good/mm-float-behind-nat.yaml")
            .toAbsolutePath()
            .normalize());
    assertEquals(m.iutKnobs().floatAt(), Knobs.FloatMode.NEVER);
    assertEquals(m.iutKnobs().deviations(), Set.of(Knobs.Deviation.NO_MARKER));
  }

  @Test
  public void breaksMustBeInTheCatalogWhenOneIsGiven() {
    Path f = FIXTURES.resolve("good/no-float.yaml");
    LoadException e =
        expectThrows(LoadException.class, () -> Mutant.load(f, Set.of("3947-4-float-follows")));
    assertEquals(
        e.getMessage(),
        f
            + ":2:9: breaks: unknown requirement id '3947-4-float-follow' (did you mean"
            + " '3947-4-float-follows'?) (not in the requirement catalog)");
  }

  @Test(dataProvider = "projectMutants")
  public void everyProjectMutantIsAMutantAndNoScenario(Path file) {
    assertEquals(SuiteFiles.kindOf(file), SuiteFiles.Kind.MUTANT);
    Mutant.load(file);
    LoadException e = expectThrows(LoadException.class, () -> ScenarioLoader.load(file, Set.of()));
    assertTrue(e.getMessage().contains("this is a mutant IUT file"), e.getMessage());
  }

  @Test
  public void aMutantIsKnownByItsKeyOutsideMutantsAndByItsFolderWhenTheKeyIsMisspelt()
      throws IOException {
    Path dir = io.natt.testutil.TempDirs.create("suite");
    Files.createDirectories(dir.resolve("rfc3947"));
    Files.createDirectories(dir.resolve("mutants"));
    Files.writeString(dir.resolve("rfc3947/stray.yaml"), "breaks: 3947-4-float-follow\n");
    Files.writeString(dir.resolve("mutants/typo.yaml"), "braeks: 3947-4-float-follow\n");
    Files.writeString(dir.resolve("rfc3947/target.yaml"), "address: 203.0.113.1\n");
    Files.writeString(dir.resolve("rfc3947/typo.yaml"), "stpes: []\n");
    Files.writeString(dir.resolve("requirements.yaml"), "- id: 3947-4-float-follow\n");
    Map<String, SuiteFiles.Kind> kinds = new java.util.TreeMap<>();
    SuiteFiles.walk(dir).forEach(en -> kinds.put(dir.relativize(en.file()).toString(), en.kind()));
    assertEquals(
        kinds,
        Map.of(
            "mutants/typo.yaml", SuiteFiles.Kind.MUTANT,
            "rfc3947/stray.yaml", SuiteFiles.Kind.MUTANT,
            "rfc3947/target.yaml", SuiteFiles.Kind.TARGET,
            "rfc3947/typo.yaml", SuiteFiles.Kind.SCENARIO,
            "requirements.yaml", SuiteFiles.Kind.CATALOG));
    assertEquals(SuiteFiles.kindOf(dir.resolve("rfc3947/typo.yaml")), SuiteFiles.Kind.UNKNOWN);
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  public void schemaKnowsEveryKeyTheLoaderAccepts() throws IOException {
    Object schema = Json.parse(Files.readString(Path.of("testsuites/schema/mutant.schema.json")));
    Map<String, Object> root = Json.at(schema);
    assertEquals(root.get("$schema"), "https://json-schema.org/draft/2020-12/schema");
    assertEquals(root.get("additionalProperties"), false);
    assertEquals(new TreeSet<>((List<?>) root.get("required")), new TreeSet<>(Mutant.KEYS));
    Map<String, Object> top = Json.at(schema, "properties");
    assertEquals(Json.keys(top), new TreeSet<>(Mutant.KEYS));
    Map<String, Object> knobs = Json.at(top, "iut-knobs", "properties");
    assertEquals(Json.keys(knobs), new TreeSet<>(ScenarioLoader.KNOB_KEYS));
    assertEquals(
        Json.keys(Json.at(knobs, "keepalive", "properties")),
        new TreeSet<>(ScenarioLoader.KEEPALIVE_KEYS));
    assertEquals(
        Json.enumOf(Json.at(knobs, "nat-d")), ScenarioLoaderTest.words(Knobs.NatDMode.values()));
    // the emulated IUT's schema offers only the float modes a responder acts on
    assertEquals(
        Json.enumOf(Json.at(knobs, "float")),
        ScenarioLoaderTest.words(
            java.util.Arrays.stream(Knobs.FloatMode.values())
                .filter(f -> f.honouredBy(Knobs.Side.IUT))
                .toArray(Knobs.FloatMode[]::new)));
    assertEquals(
        Json.enumOf(Json.at(knobs, "vendor-ids", "items")),
        ScenarioLoaderTest.words(Knobs.VendorIdChoice.values()));
    assertEquals(
        Json.enumOf(Json.at(knobs, "deviations", "items")),
        ScenarioLoaderTest.words(Knobs.Deviation.values()));
  }
}
