package io.natt.report;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Turns Allure results (the {@code allure-results} folder the suite writes while TestNG runs) into
 * one self-contained HTML file that opens from file:// without a network.
 *
 * <p>It runs the Allure command line that the build unpacks from Maven Central into {@code
 * target/allure-commandline/} ({@code mvn -DskipTests package} does it): {@code allure generate
 * RESULTS -o OUT --single-file --clean}. A multi-file Allure report stays on its spinner when
 * opened from file://, the single-file one renders. Nothing is fetched or sent at run time:
 * Allure's analytics (a POST while generating, a Google Tag Manager script in the page) are
 * switched off.
 *
 * <p>The tool is looked for next to the running code: {@code target/classes} and {@code
 * target/natt-conformance.jar} both lead to {@code target/allure-commandline}. The system property
 * {@value #HOME_PROPERTY} overrides that with either the unpacked {@code allure-VERSION} folder or
 * the folder holding it.
 */
public final class HtmlReport {
  /** The Allure command line version the pom unpacks (property allure.commandline.version). */
  public static final String ALLURE_VERSION = "2.34.1";

  /** System property naming where the Allure command line is, instead of target/. */
  public static final String HOME_PROPERTY = "natt.allure.home";

  /** Generation of a few hundred results takes seconds; this only stops a hung tool. */
  static final long TIMEOUT_SECONDS = 60;

  private static final String FIX =
      "run `mvn -DskipTests package` in the natt-conformance checkout (it unpacks"
          + " io.qameta.allure:allure-commandline:"
          + ALLURE_VERSION
          + " into target/allure-commandline/), or point -D"
          + HOME_PROPERTY
          + " at an unpacked allure-"
          + ALLURE_VERSION;

  private HtmlReport() {}

  /**
   * Generates the single-file report of {@code allureResults} into {@code outDir} (emptied first)
   * and returns {@code outDir/index.html}.
   *
   * @throws HtmlReportException with a message for the user when the results or the tool are
   *     missing, or the tool fails or hangs
   */
  public static Path generate(Path allureResults, Path outDir) {
    Path results = allureResults.toAbsolutePath().normalize();
    Path out = outDir.toAbsolutePath().normalize();
    checkResults(results);
    if (results.startsWith(out)) {
      // --clean empties the output folder first: it must not hold the results
      throw new HtmlReportException(
          "the HTML report folder "
              + out
              + " holds the Allure results "
              + results
              + " and would be emptied before generation; choose another output folder, for"
              + " example "
              + results.resolveSibling("allure-report"));
    }
    Path home = locateHome();
    Path script = home.resolve("bin").resolve("allure");
    Path log;
    try {
      Files.createDirectories(out.getParent() == null ? out : out.getParent());
      log = Files.createTempFile("natt-allure-generate", ".log");
    } catch (IOException e) {
      throw new HtmlReportException("cannot prepare the HTML report in " + out + ": " + e, e);
    }
    try {
      List<String> command =
          List.of(
              script.toString(),
              "generate",
              results.toString(),
              "-o",
              out.toString(),
              "--single-file",
              "--clean");
      if (!Files.isExecutable(script)) {
        // an unpacker that drops the executable bit: the script is POSIX sh
        command = Stream.concat(Stream.of("/bin/sh"), command.stream()).toList();
      }
      ProcessBuilder pb = new ProcessBuilder(command);
      Map<String, String> env = pb.environment();
      env.put("APP_HOME", home.toString());
      env.put("JAVA_HOME", System.getProperty("java.home"));
      // "true" (parsed as a boolean) keeps Allure from posting usage analytics to Google while it
      // generates and from putting a Google Tag Manager script into the HTML
      env.put("ALLURE_NO_ANALYTICS", "true");
      env.remove("JAVA_OPTS");
      env.remove("ALLURE_OPTS");
      pb.redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new HtmlReportException(
            "cannot start " + script + ": " + e.getMessage() + "; " + FIX);
      }
      boolean done;
      try {
        done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
        throw new HtmlReportException("interrupted while generating the HTML report into " + out);
      }
      if (!done) {
        kill(p);
        throw new HtmlReportException(
            "Allure did not finish the HTML report within "
                + TIMEOUT_SECONDS
                + " s and was stopped; its output:\n"
                + tail(log));
      }
      if (p.exitValue() != 0) {
        throw new HtmlReportException(
            "Allure failed to generate the HTML report from "
                + results
                + " (exit "
                + p.exitValue()
                + "); its output:\n"
                + tail(log));
      }
      Path index = out.resolve("index.html");
      if (!Files.isRegularFile(index)) {
        throw new HtmlReportException(
            "Allure finished but wrote no " + index + "; its output:\n" + tail(log));
      }
      return index;
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }

  /** The unpacked Allure command line (the folder holding bin/allure and lib/). */
  public static Path locateHome() {
    String override = System.getProperty(HOME_PROPERTY);
    if (override != null && !override.isBlank()) {
      Path given = Path.of(override).toAbsolutePath().normalize();
      Path home = homeIn(given);
      if (home == null) {
        throw new HtmlReportException(
            "-D"
                + HOME_PROPERTY
                + "="
                + override
                + " holds no Allure command line (no bin/allure in it or in allure-"
                + ALLURE_VERSION
                + "/ under it); "
                + FIX);
      }
      return home;
    }
    Path buildDir = buildDir();
    if (buildDir == null) {
      throw new HtmlReportException(
          "cannot tell where natt-conformance runs from to find the Allure command line; " + FIX);
    }
    Path unpacked = buildDir.resolve("allure-commandline");
    Path home = homeIn(unpacked);
    if (home == null) {
      throw new HtmlReportException(
          "the Allure command line that writes the HTML report is missing (looked in "
              + unpacked
              + "); "
              + FIX);
    }
    return home;
  }

  /** {@code dir} itself or its allure-VERSION child, whichever has bin/allure. */
  private static Path homeIn(Path dir) {
    if (Files.isRegularFile(dir.resolve("bin").resolve("allure"))) {
      return dir;
    }
    Path versioned = dir.resolve("allure-" + ALLURE_VERSION);
    if (Files.isRegularFile(versioned.resolve("bin").resolve("allure"))) {
      return versioned;
    }
    return null;
  }

  /** target/ for target/classes and for target/natt-conformance.jar; null when unknown. */
  private static Path buildDir() {
    CodeSource cs = HtmlReport.class.getProtectionDomain().getCodeSource();
    if (cs == null || cs.getLocation() == null) {
      return null;
    }
    try {
      Path where = Path.of(cs.getLocation().toURI()).toAbsolutePath().normalize();
      return where.getParent();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void checkResults(Path results) {
    if (!Files.isDirectory(results)) {
      throw new HtmlReportException(
          "no Allure results at "
              + results
              + "; run the suite first (it writes allure-results into its report folder)");
    }
    try (Stream<Path> files = Files.list(results)) {
      if (files.noneMatch(f -> f.getFileName().toString().endsWith("-result.json"))) {
        throw new HtmlReportException(
            "the Allure results folder "
                + results
                + " holds no test results (*-result.json); run the suite first");
      }
    } catch (IOException e) {
      throw new HtmlReportException("cannot read the Allure results in " + results + ": " + e, e);
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** The last lines of the tool's output, enough to see why it failed. */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> last = lines.subList(Math.max(0, lines.size() - 20), lines.size());
      return last.isEmpty() ? "(no output)" : String.join("\n", last);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}
