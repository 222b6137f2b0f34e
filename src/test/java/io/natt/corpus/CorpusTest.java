package io.natt.corpus;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.trace.TraceFile;
import io.natt.verdict.Catalog;
import io.natt.verdict.Check;
import io.natt.verdict.Checks;
import io.natt.verdict.Judgement;
import io.natt.verdict.Requirement;
import io.natt.verdict.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Soundness: every check of {@link Checks#all()} (a new check is run here without being named) is
 * judged on every trace of the compliant-but-unusual corpus (src/test/resources/corpus/), and none
 * may FAIL or ERROR there.
 */
public class CorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/corpus");
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));

  static List<Path> traces() throws IOException {
    try (Stream<Path> s = Files.walk(CORPUS)) {
      return s.filter(p -> p.toString().endsWith(".trace")).sorted().toList();
    }
  }

  @DataProvider
  public Object[][] corpus() throws IOException {
    return traces().stream()
        .map(p -> new Object[] {CORPUS.relativize(p).toString(), p})
        .toArray(Object[][]::new);
  }

  @Test
  public void theCorpusHoldsRecordedAndGeneratedTraces() throws IOException {
    List<Path> all = traces();
    assertTrue(all.stream().anyMatch(p -> p.startsWith(CORPUS.resolve("recorded"))), "recorded");
    assertTrue(all.stream().anyMatch(p -> p.startsWith(CORPUS.resolve("generated"))), "generated");
  }

  @Test(dataProvider = "corpus")
  public void noCheckFailsOnCompliantTraffic(String name, Path file) {
    TraceFile.Stored s = TraceFile.read(file);
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, Check> c : Checks.all().entrySet()) {
      Judgement j = judge(c.getKey(), c.getValue(), s);
      if (j.verdict() == Verdict.FAIL || j.verdict() == Verdict.ERROR) {
        bad.add(c.getKey() + " " + j.verdict() + ": " + j.reason() + " " + j.evidence());
      }
    }
    assertTrue(bad.isEmpty(), name + " (" + s.title() + "):\n  " + String.join("\n  ", bad));
  }

  /** The stored form is stable: read, written and read again gives the same text. */
  @Test(dataProvider = "corpus")
  public void traceFilesRoundTrip(String name, Path file) throws IOException {
    TraceFile.Stored s = TraceFile.read(file);
    String text = TraceFile.format(s.trace(), s.title());
    Path tmp = Files.createTempFile("corpus", ".trace");
    try {
      Files.writeString(tmp, text);
      assertEquals(TraceFile.format(TraceFile.read(tmp).trace(), s.title()), text, name);
    } finally {
      Files.delete(tmp);
    }
  }

  /**
   * The corpus must exercise the checks, not only leave them NOT_APPLICABLE: the ones this
   * soundness proof is about (reply-to-source, float-follow) PASS on at least one trace each, and
   * every trace names an IKEv2 message as IKEv2 where it has one. The table of verdicts is printed.
   */
  @Test
  public void theCorpusExercisesTheChecks() throws IOException {
    Map<String, TreeSet<String>> passedOn = new TreeMap<>();
    StringBuilder table = new StringBuilder("corpus verdicts (P=PASS, -=N/A, ?=INCONCLUSIVE):\n");
    for (Path p : traces()) {
      TraceFile.Stored s = TraceFile.read(p);
      StringBuilder row = new StringBuilder();
      for (Map.Entry<String, Check> c : Checks.all().entrySet()) {
        Verdict v = judge(c.getKey(), c.getValue(), s).verdict();
        row.append(
            switch (v) {
              case PASS -> 'P';
              case NOT_APPLICABLE -> '-';
              case INCONCLUSIVE -> '?';
              default -> 'X';
            });
        if (v == Verdict.PASS) {
          passedOn
              .computeIfAbsent(c.getKey(), k -> new TreeSet<>())
              .add(p.getFileName().toString());
        }
      }
      table.append(row).append("  ").append(CORPUS.relativize(p)).append('\n');
    }
    table.append("columns: ").append(String.join(", ", Checks.all().keySet()));
    System.out.println(table);
    for (String id : List.of("3947-3-reply-to-source", "3947-4-float-follow")) {
      assertTrue(passedOn.containsKey(id), id + " never PASSes on the corpus:\n" + table);
    }
  }

  static Judgement judge(String id, Check c, TraceFile.Stored s) {
    Requirement r = CATALOG.get(id).orElseThrow(() -> new AssertionError(id + " not in catalog"));
    try {
      return c.judge(s.trace(), r);
    } catch (RuntimeException e) {
      throw new AssertionError(id + " threw on " + s.title() + ": " + e, e);
    }
  }
}
