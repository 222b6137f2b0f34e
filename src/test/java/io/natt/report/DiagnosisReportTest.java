package io.natt.report;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.verdict.Catalog;
import io.natt.verdict.Diagnosis;
import io.natt.verdict.Evidence;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.testng.annotations.Test;

/**
 * The matrix page and the statement give a diagnosis once, with the failures that follow from it
 * under it; a failure it does not explain stays in the list of failures.
 */
public class DiagnosisReportTest {
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));

  static Judgement fail(String id, String reason) {
    return Judgement.fail(
        CATALOG.get(id).orElseThrow(), reason, List.of(Evidence.of("#1", "x", "y")));
  }

  @Test
  public void aDiagnosisHeadsThePageAndTakesTheFailuresItExplains() {
    Diagnosis d =
        new Diagnosis(
            "no-nat-t-behind-nat",
            "This gateway cannot serve clients behind a NAT; IPsec through this NAT will fail.",
            "no NAT-T vendor ID in answer to RFC 3947",
            List.of(Evidence.of("harness.pcap #2", "a NAT-T vendor ID", "none")),
            List.of("3947-3.1-vid", "3948-3-esp-decap"));
    List<Judgement> js =
        List.of(
            fail("3947-3.1-vid", "message 2 lacks the RFC 3947 vendor ID"),
            fail("3948-3-esp-decap", "2 of 2 echo requests got no ESP back"),
            fail("3947-4-id-port", "the IUT's identity payload carries port 500"));
    ComplianceMatrix m =
        new ComplianceMatrix(
            "persona",
            Instant.parse("2026-12-03T10:00:00Z"),
            List.of(
                new ComplianceMatrix.Column("s1", "behind a NAT", Verdict.FAIL, js, List.of(d)),
                new ComplianceMatrix.Column("s2", "again", Verdict.FAIL, js, List.of(d))));
    assertEquals(m.diagnoses().get(d.headline()), List.of("s1", "s2"));
    assertTrue(
        m.statement().endsWith(" DIAGNOSIS: " + d.headline() + " (shown by s1, s2)"),
        m.statement());
    String html = ConformanceStatement.matrixHtml(m);
    assertEquals(html.split("<h3>Diagnosis</h3>", -1).length, 2, html);
    assertTrue(html.contains("failures that follow from it: 3947-3.1-vid, 3948-3-esp-decap"), html);
    String failures = html.substring(html.indexOf("<h3>Failures</h3>"));
    assertTrue(failures.contains("3947-4-id-port"), failures);
    assertFalse(failures.contains("<b>3947-3.1-vid</b>"), failures);
    assertFalse(failures.contains("<b>3948-3-esp-decap</b>"), failures);
  }

  @Test
  public void withoutADiagnosisNothingChanges() {
    List<Judgement> js = List.of(fail("3947-3.1-vid", "message 2 lacks the RFC 3947 vendor ID"));
    ComplianceMatrix m =
        new ComplianceMatrix(
            "plain",
            Instant.parse("2026-12-03T10:00:00Z"),
            List.of(new ComplianceMatrix.Column("s1", "t", Verdict.FAIL, js)));
    assertTrue(m.diagnoses().isEmpty());
    assertFalse(m.statement().contains("DIAGNOSIS"), m.statement());
    String html = ConformanceStatement.matrixHtml(m);
    assertFalse(html.contains("<h3>Diagnosis</h3>"), html);
    assertTrue(html.contains("<b>3947-3.1-vid</b>"), html);
  }
}
