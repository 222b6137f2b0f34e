package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.Test;

/** Scenarios against one remote device never run at the same time (they would share its SAs). */
public class RemoteJobsTest {
  private static Path remoteProfile() throws Exception {
    Path dir = io.natt.testutil.TempDirs.create("natt-remote-jobs");
    Path p = dir.resolve("gw.yaml");
    Files.writeString(
        p,
        String.join(
            "\n",
            "name: lab-gw",
            "address: 203.0.113.10",
            "ids: { local: harness.example.org, remote: gw.example.org }",
            "auth: { psk: \"lab-only-key\" }",
            "protected: 10.20.0.0/24",
            "protected-host: 10.20.0.1",
            "claims: [ikev1, ikev1-main, nat-t-rfc3947]",
            "remote: { bind: 203.0.113.5 }",
            ""));
    return p;
  }

  private static SuiteSettings settings(Path target) throws Exception {
    return new SuiteSettings(
        target,
        List.of(Path.of("testsuites/rfc3947/mm-float-behind-nat.yaml")),
        Path.of("testsuites/requirements.yaml"),
        io.natt.testutil.TempDirs.create("natt-remote-jobs-report"));
  }

  @Test
  public void theDefaultIsOneForARemoteDeviceAndTheGeneralOneForALaunchedIut() throws Exception {
    assertEquals(ConformanceRun.defaultJobs(settings(remoteProfile())), 1);
    assertEquals(
        ConformanceRun.defaultJobs(settings(Path.of("testsuites/targets/bundled-strongswan.yaml"))),
        ConformanceRun.defaultJobs());
  }

  @Test
  public void moreThanOneJobAgainstARemoteDeviceIsRefusedBeforeAnythingIsSent() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int exit =
        ConformanceRun.run(
            settings(remoteProfile()), 2, new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(exit, 2, out);
    assertTrue(out.contains("--jobs 2") && out.contains("remote device"), out);
    assertTrue(!out.contains("scenario(s) against"), "the run must not start: " + out);
  }
}
