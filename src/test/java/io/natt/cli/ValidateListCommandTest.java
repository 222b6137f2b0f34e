package io.natt.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;
import picocli.CommandLine;

public class ValidateListCommandTest {
  static final Path SCENARIOS = Path.of("src/test/resources/fixtures/scenarios");
  static final Path TARGETS = Path.of("src/test/resources/fixtures/targets");

  record Run(int exit, String out) {}

  static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    int exit = cl.execute(args);
    return new Run(exit, out.toString());
  }

  @Test
  public void validateAllGood() {
    Path s = SCENARIOS.resolve("good/mm-float-behind-nat.yaml");
    Path t = TARGETS.resolve("good/bundled-strongswan.yaml");
    Run r =
        run(
            new ValidateCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            s.toString(),
            t.toString());
    assertEquals(r.exit(), 0, r.out());
    assertTrue(r.out().contains("ok   " + s + "\n"), r.out());
    assertTrue(r.out().contains("ok   " + t + "\n"), r.out());
    assertTrue(r.out().contains("note: no/such/requirements.yaml not found"), r.out());
    assertTrue(r.out().endsWith("2 valid, 0 invalid\n"), r.out());
  }

  @Test
  public void validateReportsEachMistakeWithoutStackTraces() throws IOException {
    Path bad = SCENARIOS.resolve("bad/port-501.yaml");
    Path badTarget = TARGETS.resolve("bad/reserved-address.yaml");
    Path neither = Files.createTempFile("neither", ".yaml");
    Files.writeString(neither, "hello: world\n");
    Run r =
        run(
            new ValidateCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            bad.toString(),
            badTarget.toString(),
            neither.toString(),
            "no/such/file.yaml");
    assertEquals(r.exit(), 2, r.out());
    assertTrue(
        r.out().contains(bad + ":20:23: steps[3].send-raw.port: expected one of [500, 4500]"),
        r.out());
    assertTrue(r.out().contains(badTarget + ":3:10: address: 192.0.2.0/24 is reserved"), r.out());
    assertTrue(
        r.out()
            .contains(
                neither
                    + ":1:1: neither a scenario (no 'steps' key), a mutant IUT (no 'breaks'"
                    + " key) nor a target profile (no 'address' key)"),
        r.out());
    assertTrue(r.out().contains("no/such/file.yaml: no such file"), r.out());
    assertTrue(r.out().endsWith("0 valid, 4 invalid\n"), r.out());
    assertTrue(!r.out().contains("Exception") && !r.out().contains("\tat "), r.out());
    Files.delete(neither);
  }

  @Test
  public void validateChecksJudgesAgainstTheCatalog() throws IOException {
    Path catalog = Files.createTempFile("requirements", ".yaml");
    Files.writeString(
        catalog,
        "- id: 3947-3.1-vid\n  level: MUST\n- id: 3947-4-float\n  summary: floats at message 5\n");
    Path s = SCENARIOS.resolve("good/mm-float-behind-nat.yaml");
    Path other = SCENARIOS.resolve("good/minimal.yaml");
    Run ok = run(new ValidateCommand(), "--requirements", catalog.toString(), s.toString());
    assertEquals(ok.exit(), 0, ok.out());
    Run no =
        run(
            new ValidateCommand(),
            "--requirements",
            catalog.toString(),
            SCENARIOS.resolve("good/every-step.yaml").toString(),
            other.toString());
    assertEquals(no.exit(), 2, no.out());
    assertTrue(no.out().contains("unknown requirement id '3947-3.2-natd-hash'"), no.out());
    assertTrue(no.out().endsWith("1 valid, 1 invalid\n"), no.out());
    Files.delete(catalog);
  }

  @Test
  public void listGoodScenarios() {
    Run r =
        run(
            new ListCommand(),
            "--requirements",
            "no/such/requirements.yaml",
            "--suite",
            SCENARIOS.resolve("good").toString());
    assertEquals(r.exit(), 0, r.out());
    assertTrue(r.out().contains("ID"), r.out());
    assertTrue(r.out().contains("3947-mm-float-behind-nat"), r.out());
    assertTrue(r.out().contains("3947-3.1-vid,3947-4-float"), r.out());
    assertTrue(r.out().contains("ikev1,nat-t-rfc3947"), r.out());
    assertTrue(
        r.out().contains("Initiator behind a port-randomising NAT floats to 4500 at..."), r.out());
    assertTrue(r.out().endsWith("6 scenarios, 0 errors\n"), r.out());
  }

  @Test
  public void listSkipsTargetsAndSchemaAndReportsErrorsLast() throws IOException {
    Path suite = Files.createTempDirectory("suite");
    Files.createDirectories(suite.resolve("rfc3947"));
    Files.createDirectories(suite.resolve("targets"));
    Files.createDirectories(suite.resolve("schema"));
    Files.copy(SCENARIOS.resolve("good/minimal.yaml"), suite.resolve("rfc3947/minimal.yaml"));
    Files.copy(
        SCENARIOS.resolve("bad/unknown-step.yaml"), suite.resolve("rfc3947/unknown-step.yaml"));
    Files.writeString(suite.resolve("targets/x.yaml"), "not: a scenario\n");
    Files.writeString(suite.resolve("schema/x.yaml"), "not: a scenario\n");
    Files.writeString(
        suite.resolve("requirements.yaml"), "- id: 3947-3.1-vid\n- id: 3947-4-float\n");
    Run r =
        run(
            new ListCommand(),
            "--requirements",
            suite.resolve("requirements.yaml").toString(),
            "--suite",
            suite.toString());
    assertEquals(r.exit(), 2, r.out());
    assertTrue(r.out().contains("minimal"), r.out());
    assertTrue(
        r.out().contains("errors:\n  " + suite.resolve("rfc3947/unknown-step.yaml") + ":17:5:"),
        r.out());
    assertTrue(r.out().endsWith("1 scenarios, 1 errors\n"), r.out());
    Run missing = run(new ListCommand(), "--suite", suite.resolve("nope").toString());
    assertEquals(missing.exit(), 2);
    assertTrue(missing.out().contains("nope: no such file or folder"), missing.out());
  }
}
