package io.natt.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

/**
 * {@code natt bench} through the real entry point: every figure and both ratios are printed and
 * positive (their values depend on the machine, so they are not compared with anything).
 */
public class BenchCommandTest {
  record Run(int exit, String out, String err) {}

  static Run natt(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.execute(args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static final List<String> FIGURES =
      List.of(
          "harness seal aes128-cbc/hmac-sha2-256-128",
          "bare JCE aes128-cbc/hmac-sha2-256-128",
          "kernel UDP send, one per call",
          "kernel UDP send, 16 per wake-up",
          "harness seal + send aes128-cbc/hmac-sha2-256-128",
          "decode captures (wire codecs)");

  @Test
  public void printsEveryFigureAndBothRatios() {
    Run r = natt("bench", "--seconds", "0.2", "--rounds", "1", "--warmup", "0.5");
    assertEquals(r.exit(), 0, r.out() + r.err());
    assertTrue(r.out().startsWith("natt bench: " + cpus() + " CPUs"), r.out());
    assertTrue(r.out().contains("load average "), r.out());
    for (String f : FIGURES) {
      Matcher m =
          Pattern.compile("(?m)^" + Pattern.quote(f) + ".*?\\s(\\d+)\\s+(\\d+) - (\\d+)\\s*$")
              .matcher(r.out());
      assertTrue(m.find(), f + " not printed:\n" + r.out());
      for (int g = 1; g <= 3; g++) {
        assertTrue(Long.parseLong(m.group(g)) > 0, f + " is not positive:\n" + r.out());
      }
    }
    for (String ratio :
        List.of(
            "harness seal / bare JCE, aes128-cbc/hmac-sha2-256-128",
            "harness seal + send / kernel send")) {
      Matcher m =
          Pattern.compile(
                  "(?m)^ratio "
                      + Pattern.quote(ratio)
                      + "\\s+(\\d+\\.\\d+)  goal >= \\d\\.\\d\\d  (PASS|MISS)$")
              .matcher(r.out());
      assertTrue(m.find(), ratio + " not printed:\n" + r.out());
      assertTrue(Double.parseDouble(m.group(1)) > 0, ratio + " is not positive:\n" + r.out());
    }
    assertTrue(r.out().contains("0 malformed"), r.out());
  }

  private static String cpus() {
    return String.valueOf(Runtime.getRuntime().availableProcessors());
  }

  @Test
  public void aWrongOptionIsAUsageErrorWithoutStackTrace() {
    Run r = natt("bench", "--seconds", "0");
    assertEquals(r.exit(), 2);
    assertTrue(
        r.err().contains("natt: --seconds must be more than 0 and at most 60, not 0.0"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    Run noCaptures = natt("bench", "--captures", "no/such/folder", "--seconds", "0.1");
    assertEquals(noCaptures.exit(), 2);
    assertTrue(
        noCaptures
            .err()
            .contains("natt bench: no/such/folder: no such folder; run from the project folder"),
        noCaptures.err());
  }
}
