package io.natt.scenario;

import io.natt.ike.Knobs;
import io.natt.yaml.YamlDoc;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.nio.file.Path;

/**
 * A mutant IUT: the harness's own responder with knobs that break exactly one requirement, and the
 * scenario that exercises it. The requirement's check must say FAIL on it.
 *
 * <pre>
 * breaks: 3947-4-float-follow
 * scenario: ../rfc3947/mm-float-behind-nat.yaml   # relative to this file
 * iut-knobs: { float: never }
 * </pre>
 */
public record Mutant(Path file, String breaks, Path scenario, Knobs iutKnobs) {
  public static Mutant load(Path file) {
    YamlMap m = YamlDoc.load(file).map().allowedKeys("breaks", "scenario", "iut-knobs");
    m.requireKeys("breaks", "scenario", "iut-knobs");
    String breaks = m.get("breaks").string(ScenarioLoader.REQUIREMENT_ID, "a requirement id");
    YamlNode sn = m.get("scenario");
    Path scenario = file.toAbsolutePath().getParent().resolve(sn.string()).normalize();
    if (!scenario.toFile().isFile()) {
      throw sn.error("no such scenario file: " + scenario);
    }
    return new Mutant(file, breaks, scenario, ScenarioLoader.knobs(m.get("iut-knobs")));
  }
}
