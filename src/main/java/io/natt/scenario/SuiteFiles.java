package io.natt.scenario;

import io.natt.yaml.LoadException;
import io.natt.yaml.YamlDoc;
import io.natt.yaml.YamlMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The kinds of file in a suite tree, told apart in one place for every command: scenarios, mutant
 * IUTs, target profiles and the requirement catalog. A file's top-level keys decide ({@code steps}:
 * a scenario, {@code breaks}: a mutant, {@code address}: a target profile); when they don't (a
 * mistake, a syntax error), the folder does (mutants/, targets/).
 */
public final class SuiteFiles {
  /** What a file is. */
  public enum Kind {
    SCENARIO,
    MUTANT,
    TARGET,
    CATALOG,
    /** Neither of the others, by its keys or its folder. */
    UNKNOWN
  }

  /** A file and its kind. */
  public record Entry(Path file, Kind kind) {}

  private SuiteFiles() {}

  /**
   * Every YAML file below a folder (sorted), with its kind; schema/ is skipped. A file there that
   * is not recognised otherwise counts as a scenario, so that its mistakes are reported as such. A
   * file given instead of a folder is the one entry.
   */
  public static List<Entry> walk(Path suite) {
    if (Files.isRegularFile(suite)) {
      return List.of(new Entry(suite, kindOf(suite)));
    }
    try (Stream<Path> s = Files.walk(suite)) {
      return s.filter(Files::isRegularFile)
          .filter(SuiteFiles::isYaml)
          .filter(f -> !under(suite.relativize(f), "schema"))
          .sorted()
          .map(f -> new Entry(f, kindOf(f, suite.relativize(f), Kind.SCENARIO)))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The kind of a file named on its own (its folder counts only when it is mutants/ or targets/).
   */
  public static Kind kindOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    Path rel =
        parent == null ? file.getFileName() : parent.getFileName().resolve(file.getFileName());
    return kindOf(file, rel, Kind.UNKNOWN);
  }

  static boolean isYaml(Path f) {
    String n = f.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  private static Kind kindOf(Path file, Path relative, Kind otherwise) {
    String name = file.getFileName().toString();
    if (name.equals("requirements.yaml") || name.equals("requirements.yml")) {
      return Kind.CATALOG;
    }
    Optional<YamlMap> top = topLevel(file);
    if (top.isPresent()) {
      if (top.get().has("steps")) {
        return Kind.SCENARIO;
      }
      if (top.get().has(Mutant.BREAKS)) {
        return Kind.MUTANT;
      }
      if (top.get().has("address")) {
        return Kind.TARGET;
      }
    }
    if (under(relative, "mutants")) {
      return Kind.MUTANT;
    }
    if (under(relative, "targets")) {
      return Kind.TARGET;
    }
    return otherwise;
  }

  private static Optional<YamlMap> topLevel(Path file) {
    try {
      return Optional.of(YamlDoc.load(file).map());
    } catch (LoadException e) {
      return Optional.empty(); // the file's own loader reports it
    }
  }

  /** Whether one of the folders of a relative path is {@code dir}. */
  private static boolean under(Path relative, String dir) {
    for (int i = 0; i < relative.getNameCount() - 1; i++) {
      if (relative.getName(i).toString().equals(dir)) {
        return true;
      }
    }
    return false;
  }
}
