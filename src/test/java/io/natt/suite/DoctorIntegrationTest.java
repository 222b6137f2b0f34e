package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.scenario.Integration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.testng.annotations.Test;

/** The doctor on this machine: every check passes and nothing is left behind. */
public class DoctorIntegrationTest {
  @Test
  public void passesOnThisMachine() {
    Integration.require();
    Path target = Path.of("testsuites/targets/bundled-strongswan.yaml");
    List<Path> files =
        new SuiteSettings(
                target,
                List.of(Path.of("testsuites")),
                Path.of("testsuites/requirements.yaml"),
                Path.of("reports"))
            .scenarioFiles();
    long t0 = System.nanoTime();
    List<Doctor.Check> checks = Doctor.all(target, files);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String lines = checks.stream().map(Doctor.Check::line).collect(Collectors.joining("\n"));
    System.out.println(lines + "\n" + Doctor.summary(checks) + " (" + ms + " ms)");
    assertTrue(checks.stream().allMatch(Doctor.Check::ok), lines);
    assertTrue(Doctor.runnable(checks));
    for (String expected :
        List.of(
            "network namespaces",
            "veth",
            "nftables NAT (masquerade)",
            "pcap capture and NAT translation",
            "conntrack (NAT mappings)",
            "TUN",
            "charon dh MODP_2048",
            "tshark")) {
      assertEquals(
          checks.stream().filter(c -> c.name().equals(expected)).count(),
          1L,
          expected + "\n" + lines);
    }
    String mine = "natt-" + ProcessHandle.current().pid() + "-doctor";
    try (var s = Files.list(Path.of("/run/netns"))) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(mine)), lines);
    } catch (java.io.IOException e) {
      // no /run/netns at all: nothing left
    }
    // the nftables table lived only in the namespaces: none of ours in the root namespace
    assertFalse(
        io.natt.sys.Exec.run("nft", "list", "tables").output().contains("natt"),
        "an nftables table of ours in the root namespace");
  }
}
