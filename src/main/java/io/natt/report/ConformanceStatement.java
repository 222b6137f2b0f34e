package io.natt.report;

import io.natt.verdict.Judgement;
import io.natt.verdict.Level;
import io.natt.verdict.Requirement;
import io.natt.verdict.Verdict;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Puts the conformance statement and the compliance matrix on the report's first page: the
 * statement is the report's name (the heading of the Overview, above the charts), the MUST and
 * SHOULD counts are the first entries of the Environment widget, and a result of its own, in the
 * suite {@value #NAME} (listed in the Overview's Suites widget), holds the whole matrix as an HTML
 * table and as matrix.md. That result passes only when every requirement judged in the run passed.
 */
final class ConformanceStatement {
  /** The name of the statement's own result and of its suite. */
  static final String NAME = "Conformance statement";

  /** Start of the statement result's message (a category of its own matches it). */
  static final String PREFIX = "Whole run: ";

  private ConformanceStatement() {}

  /** The first entries of the Environment widget, before the IUT and the harness. */
  static Map<String, String> environment(ComplianceMatrix m) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(NAME, m.statement());
    for (Level l : List.of(Level.MUST, Level.SHOULD)) {
      env.put(l + " requirements", counts(m, l));
    }
    env.put(
        "Compliance matrix",
        "Suites > "
            + NAME
            + " (requirements by scenarios); also matrix.md and matrix.json next to index.html");
    return env;
  }

  static String counts(ComplianceMatrix m, Level l) {
    Map<ComplianceMatrix.Outcome, Integer> c = m.counts(l);
    return c.get(ComplianceMatrix.Outcome.PASSED)
        + " passed, "
        + c.get(ComplianceMatrix.Outcome.FAILED)
        + " failed, "
        + c.get(ComplianceMatrix.Outcome.UNDECIDED)
        + " undecided, "
        + c.get(ComplianceMatrix.Outcome.NOT_APPLICABLE)
        + " not applicable";
  }

  /** executor.json: the report's name, which Allure shows as the Overview's heading. */
  static String executorJson(ComplianceMatrix m) {
    return "{\"name\": \"natt-conformance\", \"type\": \"natt\", \"reportName\": "
        + ComplianceMatrix.q(m.statement())
        + "}\n";
  }

  /** How the whole run shows: failed if a requirement failed, broken if one stayed undecided. */
  static ScenarioStatus.Shown shown(ComplianceMatrix m, Map<String, String> knownResults) {
    List<Requirement> failed = with(m, ComplianceMatrix.Outcome.FAILED);
    String message = PREFIX + m.statement();
    if (!failed.isEmpty()) {
      boolean known = failed.stream().allMatch(r -> knownFailure(r, knownResults));
      return new ScenarioStatus.Shown(
          Status.FAILED,
          message
              + "\nFailed: "
              + String.join(", ", failed.stream().map(Requirement::id).toList())
              + (known ? " (all known: listed in the target profile)" : ""),
          known);
    }
    List<Requirement> undecided =
        with(m, ComplianceMatrix.Outcome.UNDECIDED).stream()
            .filter(r -> r.level() != Level.MAY)
            .toList();
    if (!undecided.isEmpty()) {
      return new ScenarioStatus.Shown(
          Status.BROKEN,
          message
              + "\nUndecided: "
              + String.join(", ", undecided.stream().map(Requirement::id).toList()),
          false);
    }
    return new ScenarioStatus.Shown(Status.PASSED, message, false);
  }

  private static boolean knownFailure(Requirement r, Map<String, String> knownResults) {
    return "FAIL".equals(knownResults.get(r.id()));
  }

  private static List<Requirement> with(ComplianceMatrix m, ComplianceMatrix.Outcome o) {
    return m.requirements().stream().filter(r -> m.outcome(r.id()) == o).toList();
  }

  /** Writes the statement's own result with the matrix attached into the Allure results. */
  static void writeResult(Path results, ComplianceMatrix m, Map<String, String> knownResults) {
    FileSystemResultsWriter w = new FileSystemResultsWriter(results);
    String html = UUID.randomUUID() + "-attachment.html";
    String md = UUID.randomUUID() + "-attachment.md";
    w.write(html, new ByteArrayInputStream(matrixHtml(m).getBytes(StandardCharsets.UTF_8)));
    w.write(md, new ByteArrayInputStream(m.toMarkdown().getBytes(StandardCharsets.UTF_8)));
    long now = m.date().toEpochMilli();
    List<StepResult> steps = new ArrayList<>();
    for (Requirement r : m.requirements()) {
      ComplianceMatrix.Outcome o = m.outcome(r.id());
      steps.add(
          new StepResult()
              .setName(
                  r.id()
                      + " ["
                      + r.level()
                      + "] "
                      + o
                      + (o == ComplianceMatrix.Outcome.FAILED && knownFailure(r, knownResults)
                          ? " (known: listed in the target profile)"
                          : "")
                      + ": "
                      + r.summary())
              .setStatus(
                  switch (o) {
                    case PASSED -> Status.PASSED;
                    case FAILED -> Status.FAILED;
                    case UNDECIDED -> Status.BROKEN;
                    case NOT_APPLICABLE -> Status.SKIPPED;
                  })
              .setStage(Stage.FINISHED)
              .setStart(now)
              .setStop(now));
    }
    ScenarioStatus.Shown s = shown(m, knownResults);
    TestResult tr =
        new TestResult()
            .setUuid(UUID.randomUUID().toString())
            .setHistoryId("natt.conformance-statement")
            .setTestCaseId("natt.conformance-statement")
            .setName(NAME + ": " + m.iut())
            .setFullName("natt." + NAME)
            .setDescription(m.statement())
            .setStage(Stage.FINISHED)
            .setStart(now)
            .setStop(now)
            .setSteps(steps)
            .setLabels(
                new ArrayList<>(
                    List.of(
                        new Label().setName("suite").setValue(NAME),
                        new Label().setName("severity").setValue("critical"))))
            .setAttachments(
                new ArrayList<>(
                    List.of(
                        new Attachment()
                            .setName("Compliance matrix")
                            .setSource(html)
                            .setType("text/html"),
                        new Attachment()
                            .setName("matrix.md")
                            .setSource(md)
                            .setType("text/plain"))));
    ScenarioStatus.apply(tr, s);
    if (tr.getStatusDetails() == null) {
      tr.setStatusDetails(new StatusDetails());
    }
    w.write(tr);
  }

  /** The matrix as one HTML page: statement, counts, requirements by scenarios, failures. */
  static String matrixHtml(ComplianceMatrix m) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Compliance matrix</title>")
        .append("<style>body{font-family:sans-serif;font-size:13px}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}")
        .append(".PASS{background:#97cc64}.FAIL{background:#fd5a3e;color:#fff;font-weight:bold}")
        .append(".INCONCLUSIVE,.ERROR{background:#ffd050}.NOT_APPLICABLE{color:#888}")
        .append("</style></head><body>");
    b.append("<p><b>").append(esc(m.statement())).append("</b></p>");
    b.append("<table><tr><th>level</th><th>passed</th><th>failed</th><th>undecided</th></tr>");
    for (Level l : Level.values()) {
      Map<ComplianceMatrix.Outcome, Integer> c = m.counts(l);
      b.append("<tr><td>")
          .append(l)
          .append("</td><td>")
          .append(c.get(ComplianceMatrix.Outcome.PASSED))
          .append("</td><td>")
          .append(c.get(ComplianceMatrix.Outcome.FAILED))
          .append("</td><td>")
          .append(c.get(ComplianceMatrix.Outcome.UNDECIDED))
          .append("</td></tr>");
    }
    b.append("</table><h3>Requirements by scenarios</h3><table><tr><th>requirement</th>")
        .append("<th>level</th><th>outcome</th>");
    for (ComplianceMatrix.Column c : m.columns()) {
      b.append("<th title=\"").append(esc(c.title())).append("\">");
      b.append(esc(c.scenario())).append("</th>");
    }
    b.append("</tr>");
    for (Requirement r : m.requirements()) {
      b.append("<tr><td><a href=\"")
          .append(esc(r.link()))
          .append("\" title=\"")
          .append(esc(r.summary()))
          .append("\">")
          .append(esc(r.id()))
          .append("</a></td><td>")
          .append(r.level())
          .append("</td><td>")
          .append(m.outcome(r.id()))
          .append("</td>");
      for (ComplianceMatrix.Column c : m.columns()) {
        var cell = m.cell(r.id(), c.scenario());
        if (cell.isEmpty()) {
          b.append("<td></td>");
        } else {
          Judgement j = cell.get();
          b.append("<td class=\"")
              .append(j.verdict().name())
              .append("\" title=\"")
              .append(esc(j.reason()))
              .append("\">")
              .append(j.verdict() == Verdict.NOT_APPLICABLE ? "n/a" : j.verdict().name())
              .append("</td>");
        }
      }
      b.append("</tr>");
    }
    b.append("</table>");
    if (!m.diagnoses().isEmpty()) {
      b.append("<h3>Diagnosis</h3><ul>");
      for (ComplianceMatrix.Column c : m.columns()) {
        for (io.natt.verdict.Diagnosis d : c.diagnoses()) {
          b.append("<li><b>")
              .append(esc(d.headline()))
              .append("</b> (")
              .append(esc(c.scenario()))
              .append(")<ul><li>")
              .append(esc(d.detail()));
          d.evidence().forEach(e -> b.append("<li>").append(esc(e.toString())));
          List<String> follows = d.failuresExplained(c.judgements());
          if (!follows.isEmpty()) {
            b.append("<li>failures that follow from it: ").append(esc(String.join(", ", follows)));
          }
          b.append("</ul>");
        }
      }
      b.append("</ul>");
    }
    StringBuilder failures = new StringBuilder();
    for (ComplianceMatrix.Column c : m.columns()) {
      for (Judgement j : c.judgements()) {
        if (j.verdict() == Verdict.FAIL && !c.explained(j.id())) {
          failures
              .append("<li><b>")
              .append(esc(j.id()))
              .append("</b> [")
              .append(j.requirement().level())
              .append("] in ")
              .append(esc(c.scenario()))
              .append(": ")
              .append(esc(j.reason()))
              .append("<ul>");
          j.evidence().forEach(e -> failures.append("<li>").append(esc(e.toString())));
          failures
              .append("<li>why it matters: ")
              .append(esc(j.requirement().diagnosis()))
              .append("</ul>");
        }
      }
    }
    if (!failures.isEmpty()) {
      b.append("<h3>Failures</h3><ul>").append(failures).append("</ul>");
    }
    return b.append("</body></html>\n").toString();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
