package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.nat.EmulatedTestbed;
import io.natt.nat.KernelTestbed;
import io.natt.nat.NatBehaviour;
import io.natt.nat.Testbed;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * A NAT that drops IP fragments, in a whole run on the in-memory emulated backend (no root; the
 * emulated IUT, which does not offer IKE fragmentation): Main Mode message 5 padded beyond the
 * 1500-byte MTU never arrives, so phase 1 stalls; the same message through a NAT that forwards
 * fragments brings the IKE SA up. And what the backends refuse of further clients.
 */
public class FragmentDroppingNatTest {
  static String scenario(boolean dropFragments, int pad) {
    return """
        id: 3948-fragments-unit
        title: padded message 5
        judges: [3947-3.1-vid]
        topology:
          nats:
            home: { ports: random, drop-fragments: %s }
          harness: { behind: home }
        harness:
          role: initiator
          ike: { version: 1, exchange: main, auth: psk }
        steps:
          - phase1: { pad-message-5: %d, ike-fragmentation: true }
        """
        .formatted(dropFragments, pad);
  }

  static Runner.Outcome run(String yaml) throws Exception {
    Path dir = io.natt.testutil.TempDirs.create("natt-fragments-");
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, yaml);
    Scenario s = ScenarioLoader.load(file, MutantTest.CATALOG.ids());
    return Runner.run(
        s,
        MutantTest.target(),
        new Runner.IutLaunch.Emulated(Knobs.rfc3947()),
        EmulatedTestbed.IN_MEMORY,
        dir,
        l -> {});
  }

  @Test
  public void aMessageOverTheMtuStallsBehindAFragmentDroppingNatAndPassesOtherwise()
      throws Exception {
    Runner.Outcome dropped = run(scenario(true, 3000));
    assertEquals(dropped.error(), Optional.empty());
    assertEquals(dropped.steps().get(0).status(), Runner.Status.FAILED, dropped.steps().toString());
    assertTrue(
        dropped.trace().notes().stream().anyMatch(n -> n.contains("drop-fragments")),
        "the NAT says what it dropped: " + dropped.trace().notes());
    assertTrue(
        dropped.trace().notes().stream()
            .anyMatch(n -> n.contains("did not announce IKE fragmentation")),
        dropped.trace().notes().toString());

    Runner.Outcome forwarded = run(scenario(false, 3000));
    assertEquals(forwarded.steps().get(0).status(), Runner.Status.OK, forwarded.steps().toString());

    // a message that fits the MTU passes the fragment-dropping NAT
    Runner.Outcome small = run(scenario(true, 200));
    assertEquals(small.steps().get(0).status(), Runner.Status.OK, small.steps().toString());
  }

  @Test
  public void furtherClientsNeedTheHarnessBehindOneNatAndTheIutOnThePublicSide() {
    Testbed.Nat home =
        new Testbed.Nat(
            "home",
            new NatBehaviour(
                NatBehaviour.Dependency.ENDPOINT_INDEPENDENT,
                NatBehaviour.Dependency.ADDRESS_AND_PORT_DEPENDENT,
                NatBehaviour.PortAllocation.RANDOM,
                Duration.ofSeconds(30)));
    Testbed.Nat gw = new Testbed.Nat("gw", home.behaviour());
    for (Testbed.Backend b : List.of(KernelTestbed.BACKEND, EmulatedTestbed.BACKEND)) {
      assertEquals(
          b.refusal(new Testbed.Layout(List.of(home), List.of(), List.of(), 2)),
          Optional.empty(),
          b.name());
      assertTrue(
          b.refusal(new Testbed.Layout(List.of(), List.of(), List.of(), 2))
              .orElseThrow()
              .contains("needs the harness behind a NAT"),
          b.name());
      assertTrue(
          b.refusal(new Testbed.Layout(List.of(home), List.of(gw), List.of(500, 4500), 2))
              .isPresent(),
          b.name());
      assertTrue(
          b.refusal(new Testbed.Layout(List.of(home), List.of(), List.of(), 5)).isPresent(),
          b.name());
    }
  }
}
