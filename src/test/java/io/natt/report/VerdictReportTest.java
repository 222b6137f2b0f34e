package io.natt.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import io.natt.testutil.Json;
import io.natt.verdict.Level;
import io.natt.verdict.Verdict;
import io.qameta.allure.Allure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.testng.TestNG;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * A report that does not hide a failure: the results of {@link VerdictReportSample} (a failure the
 * target lists as known, a new failure, an undecided scenario, an error, a scenario that does not
 * apply, a pass) turned into the single-file HTML and looked at in headless Chromium.
 */
public class VerdictReportTest {
  private Path dir;
  private Path results;
  private Path index;
  private ComplianceMatrix matrix;
  private TestNG testng;

  @BeforeClass
  public void generate() throws IOException {
    dir = Path.of(System.getProperty("basedir", "."), "target", "verdict-report-test");
    HtmlReportTest.deleteTree(dir);
    results = dir.resolve("allure-results");
    testng =
        HtmlReportTest.runAllure(
            VerdictReportSample.class, ScenarioStatus.resultsWriter(results), results);
    List<ComplianceMatrix.Column> cols = new ArrayList<>();
    VerdictReportSample.JUDGEMENTS.forEach(
        (id, js) ->
            cols.add(
                new ComplianceMatrix.Column(
                    id,
                    "sample scenario " + id,
                    js.stream().anyMatch(j -> j.verdict() == Verdict.FAIL)
                        ? Verdict.FAIL
                        : js.get(0).verdict(),
                    js)));
    matrix =
        new ComplianceMatrix(
            VerdictReportSample.TARGET, Instant.parse("2026-11-24T21:35:00Z"), cols);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("IUT", VerdictReportSample.TARGET + " (198.51.100.2)");
    env.put("Harness", "natt-conformance test");
    AllureScenarioReport.writeExtras(results, env, matrix, VerdictReportSample.KNOWN);
    index = HtmlReport.generate(results, dir.resolve("html"));
  }

  /** The written Allure results by test name (scenario id or the statement's name). */
  private Map<String, Map<String, Object>> resultsByName() throws IOException {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(results)) {
      for (Path f : files.filter(p -> p.toString().endsWith("-result.json")).toList()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) Json.parse(Files.readString(f));
        String name = (String) r.get("name");
        out.put(name.contains(":") ? name.substring(0, name.indexOf(':')) : name, r);
      }
    }
    return out;
  }

  private static String message(Map<String, Object> r) {
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) r.get("statusDetails");
    return d == null || d.get("message") == null ? "" : (String) d.get("message");
  }

  private static boolean known(Map<String, Object> r) {
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) r.get("statusDetails");
    return d != null && Boolean.TRUE.equals(d.get("known"));
  }

  @Test
  public void eachScenarioShowsTheStatusOfItsVerdict() throws IOException {
    assertTrue(testng.hasFailure(), "the sample's failing scenarios fail their TestNG tests");
    Map<String, Map<String, Object>> r = resultsByName();
    assertEquals(r.size(), 7, "six scenarios and the conformance statement: " + r.keySet());
    // the known failure passed its TestNG test, and yet it is failed (and known), not passed
    Map<String, Object> knownFailure = r.get("known-failure");
    assertEquals(knownFailure.get("status"), "failed", knownFailure.toString());
    assertTrue(known(knownFailure), knownFailure.toString());
    assertTrue(message(knownFailure).startsWith("Known non-compliance"), message(knownFailure));
    assertTrue(message(knownFailure).contains("FAIL 3947-7-rebind [SHOULD]"));
    Map<String, Object> newFailure = r.get("new-failure");
    assertEquals(newFailure.get("status"), "failed");
    assertFalse(known(newFailure), "a failure the target does not list is not known");
    assertTrue(message(newFailure).startsWith("FAIL 3948-2.2-marker [MUST]"), message(newFailure));
    assertEquals(r.get("undecided").get("status"), "broken", "INCONCLUSIVE never looks passed");
    assertTrue(message(r.get("undecided")).startsWith("INCONCLUSIVE (undecided)"));
    assertEquals(r.get("error").get("status"), "broken");
    assertTrue(message(r.get("error")).startsWith("ERROR: "));
    assertEquals(r.get("not-applicable").get("status"), "skipped");
    assertEquals(r.get("all-pass").get("status"), "passed");
    Map<String, Object> statement = r.get(ConformanceStatement.NAME);
    assertEquals(statement.get("status"), "failed", "a run with a failure is not a clean pass");
    assertTrue(message(statement).contains(matrix.statement()), message(statement));
  }

  @Test
  public void everyResultFallsInExactlyOneCategory() throws IOException {
    Map<String, String> data =
        HtmlReportTest.embeddedData(Files.readString(index, StandardCharsets.UTF_8));
    Object categories = Json.parse(data.get("data/categories.json"));
    Map<String, List<String>> byCategory = new TreeMap<>();
    for (Object c : children(categories)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> cat = (Map<String, Object>) c;
      List<String> names = new ArrayList<>();
      for (Object t : leaves(cat)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> tc = (Map<String, Object>) t;
        names.add(((String) tc.get("name")).split(":")[0]);
      }
      byCategory.put((String) cat.get("name"), names);
    }
    assertEquals(
        byCategory,
        Map.of(
            "Known non-compliance (listed in the target profile)", List.of("known-failure"),
            "Non-compliance", List.of("new-failure"),
            "Undecided (INCONCLUSIVE)", List.of("undecided"),
            "IUT unreachable", List.of("error"),
            "Not applicable to this IUT", List.of("not-applicable"),
            "Conformance statement (the whole run)", List.of(ConformanceStatement.NAME)),
        "no result in Allure's default 'Product defects' or 'Test defects'");
  }

  /** The test cases under a category (Allure groups them by message first). */
  @SuppressWarnings("unchecked")
  private static List<Object> leaves(Object node) {
    List<Object> out = new ArrayList<>();
    for (Object c : children(node)) {
      if (((Map<String, Object>) c).containsKey("status")) {
        out.add(c);
      } else {
        out.addAll(leaves(c));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> children(Object node) {
    Object c = ((Map<String, Object>) node).get("children");
    return c == null ? List.of() : (List<Object>) c;
  }

  @Test
  public void overviewShowsTheStatementBeforeAnyChartAndNoCleanPass() throws IOException {
    Path chromium = HtmlReportTest.chromium();
    String dom = HtmlReportTest.dumpDom(dir, chromium, index, "");
    String overview = HtmlReportTest.text(dom);
    String statement = matrix.statement();
    assertTrue(overview.contains(statement), "the statement on the Overview: " + overview);
    for (Level l : List.of(Level.MUST, Level.SHOULD)) {
      assertTrue(
          overview.contains(l + " requirements " + ConformanceStatement.counts(matrix, l)),
          l + " counts in the Environment widget: " + overview);
    }
    assertTrue(overview.contains("Compliance matrix"), overview);
    // the statement is the Overview's heading: it comes before the summary chart
    int heading = dom.indexOf(statement);
    int chart = dom.indexOf("<svg");
    assertTrue(heading >= 0 && (chart < 0 || heading < chart), "statement before the charts");
    assertFalse(overview.contains("100%"), "no 100% pass rate with a failure: " + overview);
    // the Suites widget names the statement's own result, the way to the full matrix
    assertTrue(overview.contains(ConformanceStatement.NAME + " "), overview);

    Path png = dir.resolve("overview.png");
    HtmlReportTest.chromium(
        dir,
        chromium,
        "--virtual-time-budget=10000",
        "--screenshot=" + png,
        "--window-size=1400,1000",
        index.toUri().toString());
    attachPng("report overview with a known failure", png);
  }

  @Test
  public void knownFailurePageShowsFailedAndKnown() throws IOException {
    Map<String, String> data =
        HtmlReportTest.embeddedData(Files.readString(index, StandardCharsets.UTF_8));
    Object categories = Json.parse(data.get("data/categories.json"));
    String catUid = null;
    String testUid = null;
    for (Object c : children(categories)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> cat = (Map<String, Object>) c;
      if (((String) cat.get("name")).startsWith("Known non-compliance")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> tc = (Map<String, Object>) leaves(cat).get(0);
        testUid = (String) tc.get("uid");
        catUid = (String) tc.get("parentUid");
        assertEquals(tc.get("status"), "failed", tc.toString());
      }
    }
    assertNotNull(testUid, "the known failure is in its category");
    Path chromium = HtmlReportTest.chromium();
    String fragment = "#categories/" + catUid + "/" + testUid;
    String page = HtmlReportTest.text(HtmlReportTest.dumpDom(dir, chromium, index, fragment));
    assertTrue(page.contains("known-failure"), page);
    assertTrue(page.contains("Known non-compliance (listed in the target profile"), page);
    assertTrue(page.contains("FAIL 3947-7-rebind [SHOULD]"), page);
    String categoriesPage =
        HtmlReportTest.text(HtmlReportTest.dumpDom(dir, chromium, index, "#categories"));
    assertTrue(categoriesPage.contains("Known non-compliance (listed in the target profile)"));
    Path png = dir.resolve("known-failure.png");
    HtmlReportTest.chromium(
        dir,
        chromium,
        "--virtual-time-budget=10000",
        "--screenshot=" + png,
        "--window-size=1400,1000",
        index.toUri() + fragment);
    attachPng("the known failure's page", png);
  }

  private static void attachPng(String name, Path png) throws IOException {
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(
        bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "a PNG: " + png);
    Allure.addAttachment(name, "image/png", new ByteArrayInputStream(bytes), "png");
  }
}
