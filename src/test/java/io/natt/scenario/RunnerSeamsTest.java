package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.iut.RemoteSettings;
import io.natt.iut.TargetProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.testng.annotations.Test;

/**
 * The runner asks the testbed backend and the IUT factory before it builds anything: what they
 * refuse comes back as the outcome's error, with the reason, and nothing is created (so these run
 * as any user).
 */
public class RunnerSeamsTest {
  private static Scenario scenario(Scenario.TopologySpec topology) {
    Scenario base = SkeletonRun.scenario(SkeletonRun.Options.defaults(false, Path.of("unused")));
    return new Scenario(
        Path.of("testsuites/x/seams.yaml"),
        "seams",
        base.title(),
        base.judges(),
        base.appliesWhen(),
        topology,
        base.harness(),
        base.steps(),
        base.expect());
  }

  private static Scenario.NatSpec nat(String filtering) {
    return new Scenario.NatSpec(
        "endpoint-independent", filtering, "random", Duration.ofSeconds(30));
  }

  private static String error(Scenario s, TargetProfile t, String backend) throws Exception {
    Path out = io.natt.testutil.TempDirs.create("natt-seams-");
    Runner.Outcome o = Runner.run(s, t, new Runner.IutLaunch.FromTarget(), backend, out, l -> {});
    assertTrue(o.steps().isEmpty(), o.steps().toString());
    assertTrue(o.captures().isEmpty(), "no testbed was built: " + o.captures());
    try (var files = Files.list(out)) {
      assertEquals(files.count(), 0L, "nothing written under " + out);
    }
    Files.delete(out);
    return o.error().orElseThrow(() -> new AssertionError("no error"));
  }

  private static TargetProfile bundled() {
    return SkeletonRun.bundledTarget(new SecureRandom());
  }

  @Test
  public void anIutBehindANatWithoutItsPortsForwardedIsRefusedWithTheFile() throws Exception {
    Scenario s =
        scenario(
            new Scenario.TopologySpec(
                Map.of("gw", nat("address-and-port-dependent")),
                List.of(),
                List.of("gw"),
                List.of(500)));
    assertEquals(
        error(s, bundled(), "kernel"),
        "the IUT behind NAT gw is reached only through the ports that NAT forwards, and the"
            + " harness initiates on UDP 500 and 4500: the kernel NAT backend needs exactly"
            + " 'forward: [500, 4500]' (it has [500]) (kernel backend, testsuites/x/seams.yaml)");
  }

  @Test
  public void aFilteringTheKernelCannotDoIsNotApplicable() throws Exception {
    Scenario s =
        scenario(
            new Scenario.TopologySpec(
                Map.of("home", nat("endpoint-independent")), List.of("home"), List.of()));
    Path out = io.natt.testutil.TempDirs.create("natt-seams-");
    Runner.Outcome o =
        Runner.run(s, bundled(), new Runner.IutLaunch.FromTarget(), "kernel", out, l -> {});
    assertTrue(o.steps().isEmpty(), "nothing built or sent: " + o.steps());
    assertEquals(
        o.notApplicable().orElseThrow(),
        "NAT home: filtering: endpoint-independent is not realised by the kernel backend, which"
            + " filters by address and port (netfilter conntrack); the emulated backend can");
  }

  @Test
  public void anUnknownBackendIsAnError() throws Exception {
    Scenario s = scenario(new Scenario.TopologySpec(Map.of(), List.of(), List.of()));
    assertEquals(
        error(s, bundled(), "netem"),
        "unknown NAT backend 'netem': choose one of kernel, emulated");
  }

  @Test
  public void aRemoteTargetIsRefusedByTheKernelBackend() throws Exception {
    TargetProfile b = bundled();
    TargetProfile remote =
        TargetProfile.of(
                "vendor-gw",
                "",
                b.address(),
                b.localId(),
                b.remoteId(),
                b.psk(),
                b.protectedNet(),
                b.protectedHost(),
                b.claims())
            .withRemote(
                RemoteSettings.bindingTo(
                    (java.net.Inet4Address) java.net.InetAddress.getByName("127.0.0.1")));
    Scenario s = scenario(new Scenario.TopologySpec(Map.of(), List.of(), List.of()));
    assertEquals(
        error(s, remote, "kernel"),
        "a remote device is reached through the emulated NAT only (--nat emulated): the kernel"
            + " backend needs the IUT in a network namespace of the project's");
    assertEquals(Runner.defaultBackend(remote, new Runner.IutLaunch.FromTarget()), "emulated");
  }
}
