package io.natt.cli;

import io.natt.iut.TargetLoader;
import io.natt.scenario.ScenarioLoader;
import io.natt.yaml.LoadException;
import io.natt.yaml.YamlDoc;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Checks scenario files and target profiles without running anything. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks scenario files and target profiles: every key, value and reference, with the line"
          + " and column of each mistake. A file with a 'steps' key is a scenario, one with an"
          + " 'address' key a target profile. Nothing is sent anywhere."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every file is valid", "2:at least one file is not"})
final class ValidateCommand implements Callable<Integer> {
  static final Path DEFAULT_REQUIREMENTS = Path.of("testsuites", "requirements.yaml");

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Scenario or target files.")
  List<Path> files;

  @Option(
      names = "--requirements",
      paramLabel = "FILE",
      description =
          "The requirement catalog whose ids scenarios may judge (default: ${DEFAULT-VALUE};"
              + " when it does not exist, requirement ids are only checked for their form).")
  Path requirements = DEFAULT_REQUIREMENTS;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int valid = 0;
    int invalid = 0;
    Set<String> known;
    try {
      known = requirementIds(requirements, out);
    } catch (LoadException e) {
      out.println(e.getMessage());
      out.println("(requirement ids are only checked for their form)");
      known = Set.of();
      invalid++;
    }
    SecureRandom rnd = new SecureRandom();
    for (Path f : files) {
      try {
        YamlMap root = YamlDoc.load(f).map();
        if (root.has("steps")) {
          ScenarioLoader.load(f, known);
        } else if (root.has("address")) {
          TargetLoader.load(f, rnd);
        } else {
          throw root.node()
              .error("neither a scenario (no 'steps' key) nor a target profile (no 'address' key)");
        }
        out.println("ok   " + f);
        valid++;
      } catch (LoadException e) {
        out.println(e.getMessage());
        invalid++;
      }
    }
    out.println(valid + " valid, " + invalid + " invalid");
    out.flush();
    return invalid == 0 ? Main.OK : Main.SETUP_ERROR;
  }

  /**
   * The ids of the requirement catalog (a list of maps, each with an id; other keys ignored), or an
   * empty set with a note when the file does not exist.
   */
  static Set<String> requirementIds(Path file, PrintWriter out) {
    if (!Files.exists(file)) {
      out.println("note: " + file + " not found; requirement ids are only checked for their form");
      return Set.of();
    }
    Set<String> ids = new LinkedHashSet<>();
    for (YamlNode item : YamlDoc.load(file).list()) {
      YamlNode id = item.map().get("id");
      if (!ids.add(id.string(ScenarioLoader.REQUIREMENT_ID, "a requirement id"))) {
        throw id.error("requirement id '" + id.string() + "' is listed twice");
      }
    }
    return ids;
  }
}
