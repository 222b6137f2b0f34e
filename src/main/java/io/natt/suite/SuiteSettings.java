package io.natt.suite;

import io.natt.iut.TargetProfile;
import io.natt.scenario.Runner;
import io.natt.scenario.SuiteFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a conformance run uses: the target profile, the scenario files, the catalog, where the
 * report goes and the NAT backend. `natt run` and `mvn verify` pass them as system properties, so
 * that both run the very same TestNG tests.
 *
 * @param nat the NAT backend's name (kernel, emulated), or empty for the target's default (kernel
 *     for an IUT the project launches, emulated for a remote device)
 */
public record SuiteSettings(Path target, List<Path> suites, Path catalog, Path report, String nat) {
  public static final String TARGET = "natt.target";
  public static final String SUITE = "natt.suite";
  public static final String CATALOG = "natt.catalog";
  public static final String REPORT = "natt.report";
  public static final String NAT = "natt.nat";

  public SuiteSettings {
    nat = nat == null ? "" : nat;
  }

  /** With the target's default NAT backend. */
  public SuiteSettings(Path target, List<Path> suites, Path catalog, Path report) {
    this(target, suites, catalog, report, "");
  }

  public static SuiteSettings fromSystemProperties() {
    return new SuiteSettings(
        Path.of(System.getProperty(TARGET, "testsuites/targets/bundled-strongswan.yaml")),
        Arrays.stream(System.getProperty(SUITE, "testsuites").split(","))
            .filter(x -> !x.isBlank())
            .map(Path::of)
            .toList(),
        Path.of(System.getProperty(CATALOG, "testsuites/requirements.yaml")),
        Path.of(System.getProperty(REPORT, "reports")),
        System.getProperty(NAT, ""));
  }

  public void toSystemProperties() {
    System.setProperty(TARGET, target.toString());
    System.setProperty(SUITE, String.join(",", suites.stream().map(Path::toString).toList()));
    System.setProperty(CATALOG, catalog.toString());
    System.setProperty(REPORT, report.toString());
    System.setProperty(NAT, nat);
  }

  /** The NAT backend to use against this target: the chosen one, or the target's default. */
  public String natFor(TargetProfile t) {
    return nat.isEmpty() ? Runner.defaultBackend(t, new Runner.IutLaunch.FromTarget()) : nat;
  }

  /**
   * The scenario files under the suite paths, sorted: every *.yaml below a folder, except target
   * profiles, schemas, mutants and the catalog itself.
   */
  public List<Path> scenarioFiles() {
    List<Path> out = new ArrayList<>();
    for (Path p : suites) {
      if (Files.isRegularFile(p)) {
        out.add(p);
        continue;
      }
      if (!Files.isDirectory(p)) {
        throw new IllegalArgumentException("no such suite file or folder: " + p);
      }
      // mutant IUTs, target profiles and the catalog are never run as scenarios, wherever they are
      SuiteFiles.walk(p).stream()
          .filter(e -> e.kind() == SuiteFiles.Kind.SCENARIO)
          .map(SuiteFiles.Entry::file)
          .filter(f -> !isExcluded(p.relativize(f)))
          .forEach(out::add);
    }
    return out;
  }

  private static boolean isExcluded(Path rel) {
    String first = rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
    String name = rel.getFileName().toString();
    return List.of("targets", "schema", "mutants").contains(first)
        || name.startsWith("requirements.");
  }
}
