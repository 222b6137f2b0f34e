package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.scenario.Integration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.Test;

/**
 * A gateway that refuses the scenario's proposal gives a set-up ERROR (exit 2) that names the
 * refused proposal and the setting to change, never a green run with nothing judged.
 */
public class ProposalRefusedTest {
  static final Path DIR =
      Path.of(System.getProperty("natt.reports", "reports"), "it-proposal").toAbsolutePath();

  @Test
  public void refusedPhase1ProposalIsASetUpErrorNamingIt() throws IOException {
    Integration.require();
    ConformanceRun.deleteTree(DIR);
    Files.createDirectories(DIR);
    String yaml =
        Files.readString(Path.of("testsuites/rfc3947/mm-float-behind-nat.yaml"))
            .replace("id: 3947-mm-float-behind-nat", "id: proposal-refused")
            .replace("proposal: aes128-sha256-modp2048", "proposal: aes256-sha256-modp1536");
    assertTrue(yaml.contains("aes256-sha256-modp1536"), "the test's scenario changed its proposal");
    Path scenario = DIR.resolve("proposal-refused.yaml");
    Files.writeString(scenario, yaml);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      exit =
          ConformanceRun.run(
              new SuiteSettings(
                  Path.of("testsuites/targets/bundled-strongswan.yaml"),
                  List.of(scenario),
                  Path.of("testsuites/requirements.yaml"),
                  DIR.resolve("report")),
              out);
    }
    String output = buf.toString(StandardCharsets.UTF_8);
    assertEquals(exit, ConformanceRun.ERROR, output);
    assertTrue(output.contains("refused the phase-1 proposal aes256-sha256-modp1536"), output);
    assertTrue(output.contains("NO_PROPOSAL_CHOSEN"), output);
    assertTrue(output.contains("proposals: { phase1: [...] }"), output);
    assertTrue(output.contains("exit 2"), output);
  }

  /**
   * A target that lists its proposals: a scenario about another proposal is NOT_APPLICABLE, one
   * about NAT-T runs with the target's first listed proposal (and judges as usual).
   */
  @Test
  public void listedProposalsDecideBetweenNotApplicableAndSubstitution() throws IOException {
    Integration.require();
    Path dir = DIR.resolve("listed");
    ConformanceRun.deleteTree(dir);
    Files.createDirectories(dir);
    Path target = dir.resolve("listing-target.yaml");
    Files.writeString(
        target,
        Files.readString(Path.of("testsuites/targets/bundled-strongswan.yaml"))
            + "\nproposals: { phase1: [aes128-sha256-modp2048], esp: [aes128-sha256] }\n");
    Path substituted = dir.resolve("substituted.yaml");
    Files.writeString(
        substituted,
        Files.readString(Path.of("testsuites/rfc3947/mm-float-behind-nat.yaml"))
            .replace("id: 3947-mm-float-behind-nat", "id: proposal-substituted")
            .replace("proposal: aes128-sha256-modp2048", "proposal: aes256-sha256-modp1536"));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      exit =
          ConformanceRun.run(
              new SuiteSettings(
                  target,
                  List.of(Path.of("testsuites/rfc3947/aes256-sha1-behind-nat.yaml"), substituted),
                  Path.of("testsuites/requirements.yaml"),
                  dir.resolve("report")),
              out);
    }
    String output = buf.toString(StandardCharsets.UTF_8);
    assertTrue(output.matches("(?s).*3947-aes256-sha1-behind-nat\\s+NOT_APPLICABLE.*"), output);
    assertTrue(
        output.contains("does not accept the phase-1 proposal aes256-sha1-modp2048"), output);
    assertTrue(output.matches("(?s).*proposal-substituted\\s+PASS.*"), output);
    String trace = Files.readString(dir.resolve("report/scenarios/proposal-substituted/trace.txt"));
    assertTrue(
        trace.contains("using aes128-sha256-modp2048 (if-not-accepted: use-accepted)"), trace);
    assertEquals(exit, ConformanceRun.OK, output);
  }
}
