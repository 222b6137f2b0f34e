package io.natt.scenario;

import io.natt.ike.Knobs;
import io.natt.yaml.LoadException;
import io.natt.yaml.Problems;
import io.natt.yaml.YamlDoc;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A mutant IUT: the harness's own responder with knobs that break exactly one requirement, and the
 * scenario that exercises it. The requirement's check must say FAIL on it. Its own kind of file
 * (testsuites/mutants/, testsuites/schema/mutant.schema.json), never run as a scenario.
 *
 * <pre>
 * breaks: 3947-4-float-follow
 * scenario: ../rfc3947/mm-float-behind-nat.yaml   # relative to this file
 * iut-knobs: { float: never }
 * </pre>
 */
public record Mutant(Path file, String breaks, Path scenario, Knobs iutKnobs) {
  /** The key that marks a mutant file. */
  public static final String BREAKS = "breaks";

  // The accepted keys, also compared with testsuites/schema/mutant.schema.json by a test.
  static final List<String> KEYS = List.of(BREAKS, "scenario", "iut-knobs");

  /** Loads a mutant file, its requirement id only checked for its form. */
  public static Mutant load(Path file) {
    return load(file, Set.of());
  }

  /**
   * Loads and checks a mutant file, reporting every mistake in it.
   *
   * @param knownRequirementIds the catalog's ids; when empty, {@code breaks} is only checked for
   *     its form
   * @throws LoadException for the mistakes, each located at line and column, in file order
   */
  public static Mutant load(Path file, Set<String> knownRequirementIds) {
    Problems p = new Problems();
    YamlMap m =
        YamlDoc.load(file).map().allowedKeys(p, KEYS).requireKeys(p, KEYS.toArray(String[]::new));
    String breaks = null;
    if (m.has(BREAKS)) {
      breaks =
          p.get(
                  () -> {
                    YamlNode n = m.get(BREAKS);
                    String id =
                        n.string(
                            ScenarioLoader.REQUIREMENT_ID,
                            "a requirement id such as 3947-4-float-follow");
                    if (!knownRequirementIds.isEmpty() && !knownRequirementIds.contains(id)) {
                      throw n.error(
                          "unknown requirement id '"
                              + id
                              + "'"
                              + YamlNode.hint(id, knownRequirementIds)
                              + " (not in the requirement catalog)");
                    }
                    return id;
                  })
              .orElse(null);
    }
    Path scenario = null;
    if (m.has("scenario")) {
      scenario =
          p.get(
                  () -> {
                    YamlNode sn = m.get("scenario");
                    String name = sn.string();
                    Path s = file.toAbsolutePath().getParent().resolve(name).normalize();
                    if (!Files.isRegularFile(s)) {
                      throw sn.error(
                          "no such scenario file '" + name + "' (named relative to this file)");
                    }
                    return s;
                  })
              .orElse(null);
    }
    Knobs knobs = null;
    if (m.has("iut-knobs")) {
      YamlNode k = m.get("iut-knobs");
      knobs = p.get(() -> ScenarioLoader.knobs(k, p, Knobs.Side.IUT), null);
    }
    p.throwIfAny();
    return new Mutant(file, breaks, scenario, knobs);
  }
}
