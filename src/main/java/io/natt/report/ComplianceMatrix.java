package io.natt.report;

import io.natt.verdict.Diagnosis;
import io.natt.verdict.Judgement;
import io.natt.verdict.Level;
import io.natt.verdict.Requirement;
import io.natt.verdict.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Requirements by scenarios with their verdicts, and the conformance statement at its head: which
 * IUT, when, and how many MUST and SHOULD requirements passed and failed.
 */
public final class ComplianceMatrix {
  /** One scenario's column: its overall verdict, its judgements and its diagnoses. */
  public record Column(
      String scenario,
      String title,
      Verdict overall,
      List<Judgement> judgements,
      List<Diagnosis> diagnoses) {
    public Column {
      judgements = List.copyOf(judgements);
      diagnoses = List.copyOf(diagnoses);
    }

    /** A column without diagnoses. */
    public Column(String scenario, String title, Verdict overall, List<Judgement> judgements) {
      this(scenario, title, overall, judgements, List.of());
    }

    /** Whether one of this column's diagnoses explains a FAIL of {@code requirementId}. */
    public boolean explained(String requirementId) {
      return diagnoses.stream().anyMatch(d -> d.explains(requirementId));
    }
  }

  /** How a requirement fared across all scenarios. */
  public enum Outcome {
    /** FAIL in at least one scenario. */
    FAILED,
    /** PASS somewhere, FAIL nowhere. */
    PASSED,
    /** Neither PASS nor FAIL anywhere: INCONCLUSIVE or ERROR somewhere. */
    UNDECIDED,
    /** NOT_APPLICABLE in every scenario (the target does not claim it, or nothing provoked it). */
    NOT_APPLICABLE
  }

  private final String iut;
  private final Instant date;
  private final List<Column> columns;
  private final Map<String, Requirement> requirements = new LinkedHashMap<>();
  private final Map<String, Map<String, Judgement>> cells = new LinkedHashMap<>();

  public ComplianceMatrix(String iut, Instant date, List<Column> columns) {
    this.iut = iut;
    this.date = date;
    this.columns = List.copyOf(columns);
    for (Column c : columns) {
      for (Judgement j : c.judgements()) {
        requirements.putIfAbsent(j.id(), j.requirement());
        cells.computeIfAbsent(j.id(), k -> new LinkedHashMap<>()).put(c.scenario(), j);
      }
    }
  }

  /** The IUT's name, as the target profile gives it. */
  public String iut() {
    return iut;
  }

  public Instant date() {
    return date;
  }

  /** The scenarios, in run order. */
  public List<Column> columns() {
    return columns;
  }

  /** Every requirement judged in the run, in the order first judged. */
  public List<Requirement> requirements() {
    return List.copyOf(requirements.values());
  }

  /** The verdict on a requirement in one scenario, if that scenario judged it. */
  public java.util.Optional<Judgement> cell(String requirementId, String scenario) {
    return java.util.Optional.ofNullable(cells.getOrDefault(requirementId, Map.of()).get(scenario));
  }

  public Outcome outcome(String requirementId) {
    var verdicts =
        cells.getOrDefault(requirementId, Map.of()).values().stream()
            .map(Judgement::verdict)
            .toList();
    if (verdicts.contains(Verdict.FAIL)) {
      return Outcome.FAILED;
    }
    if (verdicts.contains(Verdict.PASS)) {
      return Outcome.PASSED;
    }
    return verdicts.stream().allMatch(v -> v == Verdict.NOT_APPLICABLE)
        ? Outcome.NOT_APPLICABLE
        : Outcome.UNDECIDED;
  }

  /** The ids of the requirements of one level with the given outcome, in catalog order. */
  public List<String> ids(Level level, Outcome outcome) {
    return requirements.values().stream()
        .filter(r -> r.level() == level && outcome(r.id()) == outcome)
        .map(Requirement::id)
        .toList();
  }

  /** Counts of requirement outcomes at one level. */
  public Map<Outcome, Integer> counts(Level level) {
    Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      m.put(o, 0);
    }
    requirements.values().stream()
        .filter(r -> r.level() == level)
        .forEach(r -> m.merge(outcome(r.id()), 1, Integer::sum));
    return m;
  }

  /**
   * "Conformance statement: IUT bundled-strongswan, tested 2026-11-24T21:30:00Z. MUST: 10 passed, 0
   * failed, 0 undecided, 2 not applicable. SHOULD: ..." and the conclusion a CI gate draws: failed,
   * undecided (nothing shown either way), or every judged MUST requirement passed.
   */
  public String statement() {
    Map<Outcome, Integer> must = counts(Level.MUST);
    Map<Outcome, Integer> should = counts(Level.SHOULD);
    return String.format(
        "Conformance statement: IUT %s, tested %s. MUST: %s. SHOULD: %s. %s%s",
        iut, date, line(must), line(should), conclusion(), diagnosisLine());
  }

  /**
   * The diagnoses of the run, each once with the scenarios that show it: "This gateway cannot serve
   * clients behind a NAT; [...] (scenarios a, b)".
   */
  public Map<String, List<String>> diagnoses() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Column c : columns) {
      for (Diagnosis d : c.diagnoses()) {
        out.computeIfAbsent(d.headline(), k -> new ArrayList<>()).add(c.scenario());
      }
    }
    return out;
  }

  private String diagnosisLine() {
    StringBuilder b = new StringBuilder();
    diagnoses()
        .forEach(
            (headline, scenarios) ->
                b.append(" DIAGNOSIS: ")
                    .append(headline)
                    .append(" (shown by ")
                    .append(String.join(", ", scenarios))
                    .append(")"));
    return b.toString();
  }

  private static String line(Map<Outcome, Integer> c) {
    return String.format(
        "%d passed, %d failed, %d undecided, %d not applicable",
        c.get(Outcome.PASSED),
        c.get(Outcome.FAILED),
        c.get(Outcome.UNDECIDED),
        c.get(Outcome.NOT_APPLICABLE));
  }

  /** The verdict of the run on the MUST requirements, in plain words. */
  public String conclusion() {
    List<String> failed = ids(Level.MUST, Outcome.FAILED);
    List<String> undecided = ids(Level.MUST, Outcome.UNDECIDED);
    if (!failed.isEmpty()) {
      return "At least one MUST requirement failed " + failed + ": the IUT does not conform.";
    }
    if (!undecided.isEmpty()) {
      return "UNDECIDED: "
          + undecided.size()
          + " MUST requirement(s) could not be judged "
          + undecided
          + ", so this run does not show conformance.";
    }
    if (ids(Level.MUST, Outcome.PASSED).isEmpty()) {
      return "UNDECIDED: no MUST requirement was judged, so this run does not show conformance.";
    }
    return "Every MUST requirement judged in this run passed.";
  }

  private static String cell(Judgement j) {
    if (j == null) {
      return "";
    }
    return switch (j.verdict()) {
      case PASS -> "PASS";
      case FAIL -> "**FAIL**";
      case INCONCLUSIVE -> "INC";
      case NOT_APPLICABLE -> "n/a";
      case ERROR -> "ERR";
    };
  }

  public String toMarkdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Compliance matrix\n\n").append(statement()).append("\n\n");
    b.append("| requirement | level | outcome |");
    columns.forEach(c -> b.append(' ').append(c.scenario()).append(" |"));
    b.append("\n|---|---|---|");
    columns.forEach(c -> b.append("---|"));
    b.append('\n');
    for (Requirement r : requirements.values()) {
      b.append("| [")
          .append(r.id())
          .append("](")
          .append(r.link())
          .append(") | ")
          .append(r.level())
          .append(" | ")
          .append(outcome(r.id()))
          .append(" |");
      Map<String, Judgement> row = cells.get(r.id());
      columns.forEach(c -> b.append(' ').append(cell(row.get(c.scenario()))).append(" |"));
      b.append('\n');
    }
    List<String> failures = new ArrayList<>();
    for (Column c : columns) {
      for (Judgement j : c.judgements()) {
        if (j.verdict() == Verdict.FAIL) {
          failures.add(
              "- **"
                  + j.id()
                  + "** ("
                  + j.requirement().level()
                  + ") in `"
                  + c.scenario()
                  + "`: "
                  + j.reason()
                  + j.evidence().stream().map(e -> "\n  - " + e).collect(Collectors.joining())
                  + "\n  - why it matters: "
                  + j.requirement().diagnosis());
        }
      }
    }
    if (!failures.isEmpty()) {
      b.append("\n## Failures\n\n").append(String.join("\n", failures)).append('\n');
    }
    return b.toString();
  }

  public String toJson() {
    StringBuilder b = new StringBuilder();
    b.append("{\n  \"iut\": ").append(q(iut)).append(",\n  \"date\": ").append(q(date.toString()));
    b.append(",\n  \"statement\": ").append(q(statement()));
    b.append(",\n  \"summary\": {");
    b.append("\"MUST\": ")
        .append(countsJson(Level.MUST))
        .append(", \"SHOULD\": ")
        .append(countsJson(Level.SHOULD));
    b.append("},\n  \"scenarios\": [");
    b.append(
        columns.stream()
            .map(
                c ->
                    "{\"id\": "
                        + q(c.scenario())
                        + ", \"title\": "
                        + q(c.title())
                        + ", \"verdict\": "
                        + q(c.overall().name())
                        + "}")
            .collect(Collectors.joining(", ")));
    b.append("],\n  \"requirements\": [\n");
    List<String> rows = new ArrayList<>();
    for (Requirement r : requirements.values()) {
      String verdicts =
          cells.get(r.id()).entrySet().stream()
              .map(
                  e ->
                      "{\"scenario\": "
                          + q(e.getKey())
                          + ", \"verdict\": "
                          + q(e.getValue().verdict().name())
                          + ", \"reason\": "
                          + q(e.getValue().reason())
                          + ", \"evidence\": ["
                          + e.getValue().evidence().stream()
                              .map(ev -> q(ev.toString()))
                              .collect(Collectors.joining(", "))
                          + "]}")
              .collect(Collectors.joining(", "));
      rows.add(
          "    {\"id\": "
              + q(r.id())
              + ", \"rfc\": "
              + r.rfc()
              + ", \"section\": "
              + q(r.section())
              + ", \"level\": "
              + q(r.level().name())
              + ", \"outcome\": "
              + q(outcome(r.id()).name())
              + ", \"summary\": "
              + q(r.summary())
              + ", \"verdicts\": ["
              + verdicts
              + "]}");
    }
    b.append(String.join(",\n", rows)).append("\n  ]\n}\n");
    return b.toString();
  }

  private String countsJson(Level l) {
    Map<Outcome, Integer> c = counts(l);
    return "{\"passed\": "
        + c.get(Outcome.PASSED)
        + ", \"failed\": "
        + c.get(Outcome.FAILED)
        + ", \"undecided\": "
        + c.get(Outcome.UNDECIDED)
        + ", \"not_applicable\": "
        + c.get(Outcome.NOT_APPLICABLE)
        + "}";
  }

  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
