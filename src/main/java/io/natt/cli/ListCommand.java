package io.natt.cli;

import io.natt.scenario.Mutant;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.scenario.SuiteFiles;
import io.natt.yaml.LoadException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Lists the scenarios of a suite (id, title, what they judge, what they need) and its mutant IUTs.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the scenarios found under the suite folders: id, title, the requirements each judges"
          + " and the PICS items it applies to; then the mutant IUTs (testsuites/mutants/: the"
          + " requirement each breaks and the scenario it runs). Target profiles, schemas and the"
          + " requirement catalog are not listed. Files that do not load are listed as errors at"
          + " the end, every mistake with its line and column."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every file loaded", "2:some did not, or a suite folder is missing"})
final class ListCommand implements Callable<Integer> {
  static final int TITLE_WIDTH = 60;

  @Spec CommandSpec spec;

  @Option(
      names = "--suite",
      paramLabel = "DIR|FILE",
      description = "Folders or files to list (default: testsuites); may be repeated.")
  List<Path> suites = List.of(Path.of("testsuites"));

  @Option(
      names = "--requirements",
      paramLabel = "FILE",
      description =
          "The requirement catalog, to check judged ids (default: ${DEFAULT-VALUE}; skipped"
              + " when it does not exist).")
  Path requirements = ValidateCommand.DEFAULT_REQUIREMENTS;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<String> errors = new ArrayList<>();
    Set<String> known;
    try {
      known = ValidateCommand.requirementIds(requirements, out);
    } catch (LoadException e) {
      errors.addAll(messages(e));
      known = Set.of();
    }
    List<SuiteFiles.Entry> files = new ArrayList<>();
    for (Path s : suites) {
      if (!Files.exists(s)) {
        errors.add(s + ": no such file or folder");
      } else {
        try {
          files.addAll(SuiteFiles.walk(s));
        } catch (UncheckedIOException e) {
          errors.add(s + ": cannot read: " + e.getCause().getMessage());
        }
      }
    }
    List<Scenario> loaded = new ArrayList<>();
    List<Mutant> mutants = new ArrayList<>();
    for (SuiteFiles.Entry f : files) {
      try {
        switch (f.kind()) {
          case SCENARIO, UNKNOWN -> loaded.add(ScenarioLoader.load(f.file(), known));
          case MUTANT -> mutants.add(Mutant.load(f.file(), known));
          case TARGET, CATALOG -> {} // not listed
        }
      } catch (LoadException e) {
        errors.addAll(messages(e));
      }
    }
    table(out, loaded);
    if (!mutants.isEmpty()) {
      out.println();
      out.println("Mutant IUTs (each check must FAIL on its mutant; never run as scenarios):");
      mutantTable(out, mutants);
    }
    if (!errors.isEmpty()) {
      out.println();
      out.println("errors:");
      errors.forEach(e -> out.println("  " + e));
    }
    out.println();
    out.println(
        loaded.size()
            + " scenarios, "
            + (mutants.isEmpty() ? "" : mutants.size() + " mutant IUTs, ")
            + errors.size()
            + " errors");
    out.flush();
    return errors.isEmpty() ? Main.OK : Main.SETUP_ERROR;
  }

  /** One line per mistake. */
  private static List<String> messages(LoadException e) {
    return e.all().stream().map(LoadException::getMessage).toList();
  }

  private static void mutantTable(PrintWriter out, List<Mutant> mutants) {
    Path here = Path.of("").toAbsolutePath();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"FILE", "BREAKS", "SCENARIO"});
    for (Mutant m : mutants) {
      Path s = m.scenario();
      rows.add(
          new String[] {
            m.file().getFileName().toString(),
            m.breaks(),
            s.startsWith(here) ? here.relativize(s).toString() : s.toString()
          });
    }
    int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(4);
    int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(6);
    String format = "%-" + w0 + "s  %-" + w1 + "s  %s%n";
    rows.forEach(r -> out.printf(format, (Object[]) r));
  }

  private static void table(PrintWriter out, List<Scenario> scenarios) {
    if (scenarios.isEmpty()) {
      out.println("no scenarios found");
      return;
    }
    int idWidth = Math.max(2, scenarios.stream().mapToInt(s -> s.id().length()).max().orElse(2));
    int judgesWidth =
        Math.max(
            6,
            scenarios.stream()
                .mapToInt(s -> String.join(",", s.judges()).length())
                .max()
                .orElse(6));
    String format = "%-" + idWidth + "s  %-" + TITLE_WIDTH + "s  %-" + judgesWidth + "s  %s%n";
    out.printf(format, "ID", "TITLE", "JUDGES", "APPLIES-WHEN");
    for (Scenario s : scenarios) {
      out.printf(
          format,
          s.id(),
          truncate(s.title(), TITLE_WIDTH),
          String.join(",", s.judges()),
          s.appliesWhen().isEmpty() ? "-" : String.join(",", s.appliesWhen()));
    }
  }

  static String truncate(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 3) + "...";
  }
}
