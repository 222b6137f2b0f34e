package io.natt.report;

import io.natt.trace.Trace;
import io.natt.verdict.Evidence;
import io.natt.verdict.Judgement;
import io.natt.verdict.Level;
import io.natt.verdict.Requirement;
import io.natt.verdict.Verdict;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Dresses the Allure result of one scenario test: labels (epic = RFC, feature = section, story =
 * requirement, severity from MUST/SHOULD/MAY, tags for topology and role), links to the RFC
 * sections, parameters, a step per scenario step and per judged requirement with its evidence, and
 * the attachments (captures, key tables when asked, the ladder, the IUT's log).
 */
public final class AllureScenarioReport {
  /** A scenario step as it ran. */
  public record StepLine(String name, String status, String detail) {}

  /** Everything shown for one scenario. */
  public record Content(
      String scenarioId,
      String title,
      List<String> judged,
      Map<String, String> parameters,
      List<String> tags,
      List<StepLine> steps,
      List<Judgement> judgements,
      Trace trace,
      List<Path> captures,
      String iutLog,
      boolean exportKeys,
      ScenarioStatus.Result result) {}

  private AllureScenarioReport() {}

  public static void decorate(Content c) {
    // factory instances share one method name: name each result after its scenario, so that
    // Allure does not take the scenarios for retries of one test
    Allure.getLifecycle()
        .updateTestCase(
            tc ->
                tc.setName(c.scenarioId() + ": " + c.title())
                    .setFullName("scenario." + c.scenarioId())
                    .setHistoryId(c.scenarioId())
                    .setTestCaseId(c.scenarioId()));
    // labels for what the scenario is about (its judged requirements) and for any failure
    Set<Requirement> reqs = new LinkedHashSet<>();
    c.judgements().stream()
        .filter(j -> c.judged().contains(j.id()) || j.verdict() == Verdict.FAIL)
        .forEach(j -> reqs.add(j.requirement()));
    Set<String> epics = new LinkedHashSet<>();
    for (Requirement r : reqs) {
      epics.add("RFC " + r.rfc());
      Allure.feature("RFC " + r.rfc() + " section " + r.section());
      Allure.story(r.id());
      Allure.link("RFC " + r.rfc() + " section " + r.section(), r.link());
    }
    epics.forEach(Allure::epic);
    Allure.label("severity", severity(c.judgements()));
    c.tags().forEach(t -> Allure.label("tag", t));
    Allure.description(c.title());
    c.parameters().forEach(Allure::parameter);
    for (StepLine s : c.steps()) {
      step("step " + s.name() + ": " + s.detail(), status(s.status()), null);
    }
    for (Judgement j : c.judgements()) {
      if (j.verdict() == Verdict.NOT_APPLICABLE && j.requirement().everyTrace()) {
        continue;
      }
      String text = evidenceText(j);
      step(
          j.id() + " [" + j.requirement().level() + "] " + j.verdict() + ": " + j.reason(),
          status(j.verdict()),
          text);
    }
    // the scenario's verdict, not its TestNG outcome, decides how it shows: a failure the target
    // profile lists as known passes the test but is shown failed (and known), never green
    ScenarioStatus.Shown shown = ScenarioStatus.shown(c.result(), c.judgements());
    AllureLifecycle life = Allure.getLifecycle();
    life.getCurrentTestCase()
        .ifPresent(
            uuid -> {
              ScenarioStatus.intend(uuid, shown);
              life.updateTestCase(uuid, tc -> ScenarioStatus.apply(tc, shown));
            });
    Allure.label("tag", "verdict:" + c.result().overall());
    if (shown.known()) {
      Allure.label("tag", "known-result");
    }
    if (c.trace() != null) {
      attachText("notes and ladder", ladder(c.trace()));
    }
    for (Path p : c.captures()) {
      if (Files.isRegularFile(p)) {
        try (InputStream in = Files.newInputStream(p)) {
          Allure.addAttachment(
              p.getFileName().toString(), "application/vnd.tcpdump.pcap", in, ".pcap");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    if (c.exportKeys() && c.trace() != null && !c.trace().keys().isEmpty()) {
      attachText("esp_sa (Wireshark key table)", WiresharkKeys.espTable(c.trace()));
      attachText(
          "ikev1_decryption_table (Wireshark key table)", WiresharkKeys.ikev1Table(c.trace()));
    }
    if (c.iutLog() != null && !c.iutLog().isBlank()) {
      attachText("IUT log (excerpt)", tail(c.iutLog(), 200));
    }
  }

  static String severity(List<Judgement> js) {
    Set<Level> levels = js.stream().map(j -> j.requirement().level()).collect(Collectors.toSet());
    return levels.contains(Level.MUST)
        ? "critical"
        : levels.contains(Level.SHOULD) ? "normal" : "minor";
  }

  static String evidenceText(Judgement j) {
    StringBuilder b = new StringBuilder();
    b.append(j.requirement().summary())
        .append("\n\n")
        .append(j.verdict())
        .append(": ")
        .append(j.reason())
        .append('\n');
    for (Evidence e : j.evidence()) {
      b.append("  ").append(e).append('\n');
    }
    if (j.verdict() == Verdict.FAIL) {
      b.append("\nWhat this breaks in the field:\n")
          .append(j.requirement().diagnosis())
          .append('\n');
    }
    return b.toString();
  }

  private static String ladder(Trace t) {
    StringBuilder b = new StringBuilder();
    t.notes().forEach(n -> b.append(n).append('\n'));
    Set<String> points = new LinkedHashSet<>();
    points.add(Trace.PEER);
    try {
      points.addAll(t.context().points());
    } catch (IllegalStateException e) {
      // no context: only the harness's own packets
    }
    for (String p : points) {
      b.append("\n--- ").append(p).append(" ---\n").append(t.ladder(p)).append('\n');
    }
    return b.toString();
  }

  private static void step(String name, Status status, String attachment) {
    AllureLifecycle life = Allure.getLifecycle();
    if (life.getCurrentTestCase().isEmpty()) {
      return;
    }
    String uuid = UUID.randomUUID().toString();
    life.startStep(uuid, new StepResult().setName(name).setStatus(status));
    if (attachment != null) {
      attachText("evidence", attachment);
    }
    life.stopStep(uuid);
  }

  private static void attachText(String name, String text) {
    Allure.addAttachment(name, "text/plain", text, ".txt");
  }

  static Status status(Verdict v) {
    return switch (v) {
      case PASS -> Status.PASSED;
      case FAIL -> Status.FAILED;
      case ERROR -> Status.BROKEN;
      case INCONCLUSIVE, NOT_APPLICABLE -> Status.SKIPPED;
    };
  }

  static Status status(String stepStatus) {
    return switch (stepStatus) {
      case "OK" -> Status.PASSED;
      case "FAILED" -> Status.FAILED;
      case "ERROR" -> Status.BROKEN;
      default -> Status.SKIPPED;
    };
  }

  static String tail(String s, int lines) {
    List<String> all = s.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /**
   * The categories of the report, one per kind of outcome; each result's message matches exactly
   * one of them (see {@link ScenarioStatus}).
   */
  static final String CATEGORIES =
      """
      [
        {"name": "Known non-compliance (listed in the target profile)",
         "matchedStatuses": ["failed"], "messageRegex": "(?s)^Known non-compliance.*"},
        {"name": "Non-compliance", "matchedStatuses": ["failed"], "messageRegex": "(?s)^FAIL .*"},
        {"name": "Undecided (INCONCLUSIVE)", "matchedStatuses": ["broken"],
         "messageRegex": "(?s)^INCONCLUSIVE.*"},
        {"name": "IUT unreachable", "matchedStatuses": ["broken", "failed"],
         "messageRegex": "(?s)^ERROR:.*(unreachable|did not answer at all).*"},
        {"name": "Harness or set-up errors", "matchedStatuses": ["broken", "failed"],
         "messageRegex": "(?s)^ERROR:(?!.*(unreachable|did not answer at all)).*"},
        {"name": "Verdicts differ from the expectations (scenario or target profile)",
         "matchedStatuses": ["failed", "broken", "skipped"],
         "messageRegex": "(?s)^(Verdicts differ|verdicts differ).*"},
        {"name": "Scenario file errors", "matchedStatuses": ["failed", "broken"],
         "messageRegex": "(?s)^[^\\n]*[.]ya?ml:[0-9]+:.*"},
        {"name": "Conformance statement (the whole run)", "matchedStatuses": ["failed", "broken"],
         "messageRegex": "(?s)^Whole run: .*"},
        {"name": "Not applicable to this IUT", "matchedStatuses": ["skipped"],
         "messageRegex": "(?s)^NOT_APPLICABLE.*"}
      ]
      """;

  /**
   * Writes the run's extras into the Allure results folder: environment.properties (the conformance
   * statement and the MUST/SHOULD counts first, then the IUT, the harness version and host),
   * executor.json (the statement as the report's name, the Overview's heading), categories.json,
   * and the conformance statement's own result with the compliance matrix.
   *
   * @param knownResults the target profile's known results, to mark known failures
   */
  public static void writeExtras(
      Path results,
      Map<String, String> environment,
      ComplianceMatrix matrix,
      Map<String, String> knownResults) {
    try {
      Files.createDirectories(results);
      Map<String, String> env = new LinkedHashMap<>(ConformanceStatement.environment(matrix));
      env.putAll(environment);
      StringBuilder props = new StringBuilder();
      env.forEach(
          (k, v) ->
              props
                  .append(escapeProperty(k, true))
                  .append('=')
                  .append(escapeProperty(v.replace("\n", " "), false))
                  .append('\n'));
      Files.writeString(results.resolve("environment.properties"), props, StandardCharsets.UTF_8);
      Files.writeString(
          results.resolve("executor.json"),
          ConformanceStatement.executorJson(matrix),
          StandardCharsets.UTF_8);
      Files.writeString(results.resolve("categories.json"), CATEGORIES, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write Allure extras to " + results, e);
    }
    ConformanceStatement.writeResult(results, matrix, knownResults);
  }

  /** A key or value in the .properties syntax (ISO 8859-1 with escapes). */
  static String escapeProperty(String s, boolean key) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
        case '=', ':', '#', '!' -> b.append('\\').append(ch);
        default -> {
          if (ch < 0x20 || ch > 0x7e) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.toString();
  }
}
