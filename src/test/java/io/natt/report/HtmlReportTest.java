package io.natt.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.AllureResultsWriter;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.testng.AllureTestNg;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testng.SkipException;
import org.testng.TestNG;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Generates the single-file HTML report from the Allure results of a tiny TestNG run (one passing
 * and one failing test, labels, an attachment) and renders it from file:// in headless Chromium.
 */
public class HtmlReportTest {
  static final String PASSING = "initiatorFloatsTo4500AtMessage5";
  static final String FAILING = "responderNatdHashCoversFloatedPort";

  private Path dir;
  private Path results;
  private Path index;
  private long generationMillis;

  @BeforeClass
  public void generate() throws IOException {
    dir = Path.of(System.getProperty("basedir", "."), "target", "html-report-test");
    deleteTree(dir);
    results = dir.resolve("allure-results");
    runSample(results);
    long start = System.nanoTime();
    index = HtmlReport.generate(results, dir.resolve("html"));
    generationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf(
        "HtmlReportTest: generated %s (%d bytes) in %d ms%n",
        index, Files.size(index), generationMillis);
  }

  /**
   * Runs {@link HtmlReportSample} in its own TestNG with its own Allure lifecycle writing into
   * {@code out}. Setting allure.results.directory alone would not do: the global lifecycle of this
   * JVM was made when surefire started and keeps writing the project's own results elsewhere.
   */
  static void runSample(Path out) throws IOException {
    TestNG testng = runAllure(HtmlReportSample.class, new FileSystemResultsWriter(out), out);
    assertTrue(testng.hasFailure(), "the sample suite has one failing test");
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          files.filter(f -> f.getFileName().toString().endsWith("-result.json")).count(),
          2L,
          "one Allure result per sample test in " + out);
    }
  }

  /**
   * Runs a sample class (whose tests run only while {@link HtmlReportSample#enabled} is set) in its
   * own TestNG with an Allure lifecycle of its own writing through {@code writer}.
   */
  static TestNG runAllure(Class<?> sample, AllureResultsWriter writer, Path out)
      throws IOException {
    Files.createDirectories(out);
    AllureLifecycle lifecycle = new AllureLifecycle(writer);
    AllureLifecycle previous = Allure.getLifecycle();
    String previousDir = System.getProperty("allure.results.directory");
    TestNG testng = new TestNG(false);
    testng.setVerbose(0);
    testng.setOutputDirectory(out.resolveSibling("testng-output").toString());
    testng.setTestClasses(new Class<?>[] {sample});
    // the service-loaded listener would write to the global lifecycle: use ours only
    testng.setListenersToSkipFromBeingWiredInViaServiceLoaders(AllureTestNg.class.getName());
    testng.addListener(new AllureTestNg(lifecycle));
    Allure.setLifecycle(lifecycle);
    System.setProperty("allure.results.directory", out.toString());
    HtmlReportSample.enabled = true;
    try {
      testng.run();
    } finally {
      HtmlReportSample.enabled = false;
      Allure.setLifecycle(previous);
      if (previousDir == null) {
        System.clearProperty("allure.results.directory");
      } else {
        System.setProperty("allure.results.directory", previousDir);
      }
    }
    return testng;
  }

  @Test
  public void writesOneSelfContainedFile() throws IOException {
    assertEquals(index, dir.resolve("html").resolve("index.html").toAbsolutePath().normalize());
    assertTrue(Files.isRegularFile(index));
    try (Stream<Path> siblings = Files.list(index.getParent())) {
      List<Path> folders = siblings.filter(Files::isDirectory).toList();
      assertEquals(folders, List.of(), "a single-file report needs no data/ or other folders");
    }
    String html = Files.readString(index, StandardCharsets.UTF_8);
    assertTrue(html.contains("d('data/test-cases/"), "the test cases are embedded in the page");
    assertFalse(
        Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(),
        "the page loads nothing from the network");
    assertFalse(html.contains("googletagmanager"), "Allure's analytics script is switched off");
  }

  @Test
  public void embedsTheDiagnosisTheAttachmentAndTheLabels() throws IOException {
    Map<String, String> data = embeddedData(Files.readString(index, StandardCharsets.UTF_8));
    String failing =
        data.entrySet().stream()
            .filter(e -> e.getKey().startsWith("data/test-cases/"))
            .map(Map.Entry::getValue)
            .filter(json -> json.contains("\"name\":\"" + FAILING + "\""))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no embedded test case " + FAILING));
    assertTrue(failing.contains(HtmlReportSample.DIAGNOSIS), failing);
    assertTrue(failing.contains("\"status\":\"failed\""), failing);
    assertTrue(failing.contains("\"severity\":\"blocker\""), failing);
    assertTrue(
        data.entrySet().stream()
            .anyMatch(
                e ->
                    e.getKey().startsWith("data/attachments/")
                        && e.getValue().equals(HtmlReportSample.ATTACHMENT_TEXT)),
        "the attachment is embedded: " + data.keySet());
    String behaviors = data.get("data/behaviors.json");
    for (String label :
        List.of("RFC 3947", "NAT detection", "NAT-D hashes", "Float to port 4500")) {
      assertTrue(behaviors.contains(label), label + " in " + behaviors);
    }
  }

  /** The page's {@code d('data/NAME','BASE64')} calls, decoded. */
  public static Map<String, String> embeddedData(String html) {
    Matcher m = Pattern.compile("d\\('(data/[^']+)','([A-Za-z0-9+/=]*)'\\)").matcher(html);
    Map<String, String> data = new TreeMap<>();
    while (m.find()) {
      data.put(
          m.group(1), new String(Base64.getDecoder().decode(m.group(2)), StandardCharsets.UTF_8));
    }
    assertFalse(data.isEmpty(), "no embedded data in the page");
    return data;
  }

  @Test
  public void rendersFromFileUrlWithoutNetwork() throws IOException {
    Path chromium = chromium();
    long start = System.nanoTime();
    String overview = text(dumpDom(chromium, ""));
    assertTrue(
        overview.contains("2 test cases"),
        "the overview shows the counts, not a spinner: " + overview);
    String suites = text(dumpDom(chromium, "#suites"));
    assertTrue(suites.contains(PASSING) && suites.contains(FAILING), suites);
    String categories = text(dumpDom(chromium, "#categories"));
    assertTrue(categories.contains("Product defects"), categories);
    assertTrue(categories.contains(HtmlReportSample.DIAGNOSIS), categories);
    assertTrue(categories.contains(FAILING), categories);

    Path png = index.resolveSibling("screenshot.png");
    chromium(
        chromium,
        "--virtual-time-budget=10000",
        "--screenshot=" + png,
        "--window-size=1400,1000",
        url(""));
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(
        bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "a PNG: " + png);
    Allure.addAttachment("report overview", "image/png", new ByteArrayInputStream(bytes), "png");
    System.out.printf(
        "HtmlReportTest: rendered in Chromium (3 DOM dumps, 1 screenshot) in %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  @Test
  public void explainsAMissingTool() {
    String previous = System.getProperty(HtmlReport.HOME_PROPERTY);
    System.setProperty(HtmlReport.HOME_PROPERTY, dir.resolve("no-such-allure").toString());
    try {
      HtmlReportException e =
          expectThrows(
              HtmlReportException.class,
              () -> HtmlReport.generate(results, dir.resolve("html-missing-tool")));
      assertTrue(e.getMessage().contains("mvn -DskipTests package"), e.getMessage());
      assertTrue(e.getMessage().contains(HtmlReport.HOME_PROPERTY), e.getMessage());
    } finally {
      if (previous == null) {
        System.clearProperty(HtmlReport.HOME_PROPERTY);
      } else {
        System.setProperty(HtmlReport.HOME_PROPERTY, previous);
      }
    }
  }

  @Test
  public void explainsMissingResultsAndRefusesToEmptyThem() throws IOException {
    HtmlReportException none =
        expectThrows(
            HtmlReportException.class,
            () -> HtmlReport.generate(dir.resolve("no-results"), dir.resolve("html-none")));
    assertTrue(none.getMessage().contains("run the suite first"), none.getMessage());
    Path empty = Files.createDirectories(dir.resolve("empty-results"));
    HtmlReportException nothing =
        expectThrows(
            HtmlReportException.class, () -> HtmlReport.generate(empty, dir.resolve("html-none")));
    assertTrue(nothing.getMessage().contains("no test results"), nothing.getMessage());
    HtmlReportException inside =
        expectThrows(HtmlReportException.class, () -> HtmlReport.generate(results, dir));
    assertTrue(inside.getMessage().contains("would be emptied"), inside.getMessage());
    assertTrue(Files.isDirectory(results), "the results are still there");
  }

  private String url(String fragment) {
    return index.toUri() + fragment;
  }

  private String dumpDom(Path chromium, String fragment) throws IOException {
    return dumpDom(dir, chromium, index, fragment);
  }

  /** The DOM of the report at {@code fragment} after its scripts ran; kept in {@code dir}. */
  public static String dumpDom(Path dir, Path chromium, Path index, String fragment)
      throws IOException {
    String dom =
        chromium(
            dir, chromium, "--virtual-time-budget=10000", "--dump-dom", index.toUri() + fragment);
    String name =
        fragment.isEmpty() ? "overview" : fragment.substring(1).replaceAll("[^A-Za-z0-9]+", "-");
    Files.writeString(dir.resolve("dom-" + name + ".html"), dom);
    return dom;
  }

  /** The visible text of a DOM: scripts and tags dropped, blanks collapsed. */
  public static String text(String dom) {
    int body = Math.max(0, dom.indexOf("<body"));
    return dom.substring(body)
        .replaceAll("(?s)<script[^>]*>.*?</script>", " ")
        .replaceAll("(?s)<[^>]+>", " ")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replaceAll("\\s+", " ");
  }

  /** Chromium's path; a test prerequisite that bin/install-deps installs. */
  public static Path chromium() {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String why =
        "headless Chromium (/usr/bin/chromium) is missing; run bin/install-deps, which installs"
            + " the Debian package chromium";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but " + why);
    }
    throw new SkipException(why);
  }

  /** Runs headless Chromium with a fresh profile and no network side traffic; returns stdout. */
  private String chromium(Path exe, String... args) throws IOException {
    return chromium(dir, exe, args);
  }

  /** Runs headless Chromium with a fresh profile in {@code dir}; returns its stdout. */
  public static String chromium(Path dir, Path exe, String... args) throws IOException {
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    Path stdout = dir.resolve("chromium.out");
    Path stderr = dir.resolve("chromium.err");
    List<String> command = new ArrayList<>();
    command.add(exe.toString());
    command.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      if (!p.waitFor(45, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("Chromium did not finish within 45 s: " + command);
      }
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while Chromium ran", e);
    } finally {
      deleteTree(profile);
    }
    assertEquals(
        p.exitValue(),
        0,
        "Chromium failed: " + command + "\n" + Files.readString(stderr, StandardCharsets.UTF_8));
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
