package io.natt.cli;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import io.natt.suite.Doctor;
import io.natt.suite.Doctor.Need;
import java.util.List;
import org.testng.annotations.Test;

/** What `natt run` refuses with, and the doctor's usage errors. */
public class DoctorCommandTest {
  @Test
  public void aRunIsRefusedWithTheFailedRunChecksAndWhatToInstall() {
    List<Doctor.Check> checks =
        List.of(
            Doctor.Check.ok("root", Need.RUN, ""),
            Doctor.Check.fail(
                "charon dh MODP_2048",
                Need.RUN,
                "charon loads no provider for it, needed for aes128-sha256-modp2048",
                "install libstrongswan-standard-plugins"),
            Doctor.Check.fail("chromium", Need.TESTS, "chromium not found", "install chromium"));
    String refused = DoctorCommand.refusal(checks);
    assertEquals(
        refused,
        "natt: this machine cannot run the suite (`natt doctor` shows all checks):\n"
            + "  FAIL  charon dh MODP_2048: charon loads no provider for it, needed for"
            + " aes128-sha256-modp2048 -> install libstrongswan-standard-plugins");
  }

  @Test
  public void aTestOnlyFailureDoesNotRefuseARun() {
    assertNull(
        DoctorCommand.refusal(
            List.of(
                Doctor.Check.ok("root", Need.RUN, ""),
                Doctor.Check.fail("tshark", Need.TESTS, "tshark not found", "install tshark"))));
  }

  @Test
  public void aMissingTargetIsAUsageError() {
    assertEquals(Main.execute("doctor", "--target", "no/such/target.yaml"), Main.SETUP_ERROR);
    assertTrue(Main.execute("doctor", "--help") == Main.OK);
  }

  @Test
  public void aKernelNatIsRefusedForARemoteDeviceBeforeAnythingRuns() {
    java.nio.file.Path remote =
        java.nio.file.Path.of("src/test/resources/fixtures/targets/good/remote-psk-file.yaml");
    assertEquals(
        RunCommand.remoteOnKernel(remote, "kernel"),
        "natt: --nat kernel: lab-gw is a remote device, reached only through the NAT emulated in"
            + " the harness (--nat emulated, the default for it); a kernel NAT needs the IUT in a"
            + " namespace of the project's");
    assertNull(RunCommand.remoteOnKernel(remote, "emulated"));
    assertNull(RunCommand.remoteOnKernel(remote, ""));
    assertNull(
        RunCommand.remoteOnKernel(
            java.nio.file.Path.of("testsuites/targets/bundled-strongswan.yaml"), "kernel"));
    assertEquals(
        Main.execute("run", "--nat", "kernel", "--target", remote.toString()), Main.SETUP_ERROR);
  }
}
