package io.natt.cli;

import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.yaml.LoadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the scenarios of a suite: id, title, what they judge, what they need. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the scenarios found under the suite folders (every *.yaml except targets/, schema/"
          + " and requirements.yaml): id, title, the requirements each judges and the PICS items"
          + " it applies to. Files that do not load are listed as errors at the end."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every scenario loaded", "2:some did not, or a suite folder is missing"})
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
      errors.add(e.getMessage());
      known = Set.of();
    }
    List<Path> files = new ArrayList<>();
    for (Path s : suites) {
      if (!Files.exists(s)) {
        errors.add(s + ": no such file or folder");
      } else {
        try {
          files.addAll(scenarioFiles(s));
        } catch (UncheckedIOException e) {
          errors.add(s + ": cannot read: " + e.getCause().getMessage());
        }
      }
    }
    List<Scenario> loaded = new ArrayList<>();
    for (Path f : files) {
      try {
        loaded.add(ScenarioLoader.load(f, known));
      } catch (LoadException e) {
        errors.add(e.getMessage());
      }
    }
    table(out, loaded);
    if (!errors.isEmpty()) {
      out.println();
      out.println("errors:");
      errors.forEach(e -> out.println("  " + e));
    }
    out.println();
    out.println(loaded.size() + " scenarios, " + errors.size() + " errors");
    out.flush();
    return errors.isEmpty() ? Main.OK : Main.SETUP_ERROR;
  }

  /** Scenario files under a folder (sorted), or the file itself. */
  static List<Path> scenarioFiles(Path suite) {
    if (Files.isRegularFile(suite)) {
      return List.of(suite);
    }
    try (Stream<Path> s = Files.walk(suite)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("requirements.yaml"))
          .filter(p -> !underSkipped(suite.relativize(p)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean underSkipped(Path relative) {
    for (int i = 0; i < relative.getNameCount() - 1; i++) {
      String dir = relative.getName(i).toString();
      if (dir.equals("targets") || dir.equals("schema")) {
        return true;
      }
    }
    return false;
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
