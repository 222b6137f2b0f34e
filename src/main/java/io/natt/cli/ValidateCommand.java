package io.natt.cli;

import io.natt.iut.TargetLoader;
import io.natt.nat.Testbed;
import io.natt.nat.Testbeds;
import io.natt.scenario.Mutant;
import io.natt.scenario.ScenarioLoader;
import io.natt.scenario.SuiteFiles;
import io.natt.yaml.LoadException;
import io.natt.yaml.YamlDoc;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Checks scenario files, mutant IUTs and target profiles without running anything. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks scenario files, mutant IUTs and target profiles: every key, value and reference,"
          + " with the line and column of every mistake in a file (not only the first). A file"
          + " with a 'steps' key is a scenario, one with 'breaks' a mutant IUT, one with 'address'"
          + " a target profile; otherwise its folder decides (mutants/, targets/). Folders are"
          + " checked file by file. Without arguments: everything under testsuites/. Nothing is"
          + " sent anywhere."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every file is valid", "2:at least one file is not"})
final class ValidateCommand implements Callable<Integer> {
  static final Path DEFAULT_REQUIREMENTS = Path.of("testsuites", "requirements.yaml");
  static final Path DEFAULT_SUITE = Path.of("testsuites");

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "FILE|DIR",
      arity = "0..*",
      description = "Scenario, mutant or target files, or folders of them (default: testsuites).")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--requirements",
      paramLabel = "FILE",
      description =
          "The requirement catalog whose ids scenarios may judge and mutants break (default:"
              + " ${DEFAULT-VALUE}; when it does not exist, requirement ids are only checked for"
              + " their form).")
  Path requirements = DEFAULT_REQUIREMENTS;

  @Option(
      names = "--nat",
      paramLabel = "kernel|emulated",
      description =
          "Also check that this NAT backend can realise each scenario's NATs (for example the"
              + " kernel NAT filters by address and port only). Without it, a topology is refused"
              + " only when no backend can realise it.")
  String nat;

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
    Testbed.Backend backend = null;
    if (nat != null) {
      if (!Testbeds.names().contains(nat)) {
        out.println(
            "natt: --nat " + nat + ": choose one of " + String.join(", ", Testbeds.names()));
        out.flush();
        return Main.SETUP_ERROR;
      }
      backend = Testbeds.backend(nat);
    }
    List<Path> args = files.isEmpty() ? List.of(DEFAULT_SUITE) : files;
    for (Path a : args) {
      List<SuiteFiles.Entry> entries;
      if (Files.isDirectory(a)) {
        try {
          entries = SuiteFiles.walk(a);
        } catch (UncheckedIOException e) {
          out.println(a + ": cannot read: " + e.getCause().getMessage());
          invalid++;
          continue;
        }
        if (files.isEmpty() && entries.isEmpty()) {
          out.println(a + ": no files to check");
        }
      } else {
        entries = List.of(new SuiteFiles.Entry(a, SuiteFiles.kindOf(a)));
      }
      for (SuiteFiles.Entry e : entries) {
        if (e.kind() == SuiteFiles.Kind.CATALOG
            && e.file().normalize().equals(requirements.normalize())) {
          continue; // read above, for its ids
        }
        try {
          check(e, known, backend, out);
          out.println("ok   " + e.file());
          valid++;
        } catch (LoadException x) {
          out.println(x.getMessage());
          invalid++;
        }
      }
    }
    if (files.isEmpty() && !Files.isDirectory(DEFAULT_SUITE)) {
      out.println(
          DEFAULT_SUITE
              + ": no such folder; run natt from the project's root, or name the files to check");
      invalid++;
    }
    out.println(valid + " valid, " + invalid + " invalid");
    out.flush();
    return invalid == 0 ? Main.OK : Main.SETUP_ERROR;
  }

  /** Loads one file with the loader of its kind; throws for its mistakes. */
  private static void check(
      SuiteFiles.Entry e, Set<String> known, Testbed.Backend backend, PrintWriter out) {
    Path f = e.file();
    switch (e.kind()) {
      case SCENARIO -> {
        io.natt.scenario.Scenario s = ScenarioLoader.load(f, known, backend);
        if (backend != null) {
          // loads on every backend; what this one cannot realise makes the run NOT_APPLICABLE
          io.natt.scenario.Runner.needsFiltering(s, backend)
              .or(() -> io.natt.scenario.Runner.needsFlowsApart(s, backend))
              .ifPresent(
                  why ->
                      out.println(
                          "note: "
                              + f
                              + ": NOT_APPLICABLE on the "
                              + backend.name()
                              + " backend: "
                              + why));
        }
      }
      case MUTANT -> Mutant.load(f, known);
      case TARGET -> TargetLoader.validate(f);
      case CATALOG -> requirementIds(f, out);
      case UNKNOWN -> {
        YamlMap root = YamlDoc.load(f).map(); // its own mistakes first
        throw root.node()
            .error(
                "neither a scenario (no 'steps' key), a mutant IUT (no 'breaks' key) nor a"
                    + " target profile (no 'address' key)");
      }
    }
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
