package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.nat.EmulatedTestbed;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/**
 * The interlock's inner half in a whole run (in memory, no root): inside the tunnel the harness
 * sends only to the target's protected network; an esp-ping elsewhere is a set-up error and no ESP
 * packet for it leaves.
 */
public class RunnerInterlockTest {
  @Test
  public void anEspPingOutsideTheProtectedNetworkIsRefused() throws Exception {
    Path dir = io.natt.testutil.TempDirs.create("natt-interlock-");
    Path file = dir.resolve("ping-elsewhere.yaml");
    Files.writeString(
        file,
        Files.readString(Path.of("testsuites/rfc3947/mm-float-behind-nat.yaml"))
            .replace("esp-ping: { to: iut.protected, count: 3 }", "esp-ping: { to: 10.99.0.1 }"));
    Scenario s = ScenarioLoader.load(file, MutantTest.CATALOG.ids());
    Runner.Outcome o =
        Runner.run(
            s,
            MutantTest.target(),
            new Runner.IutLaunch.Emulated(Knobs.rfc3947()),
            EmulatedTestbed.IN_MEMORY,
            dir.resolve("out"),
            l -> {});
    assertEquals(
        o.error().orElse("no error"),
        "esp-ping to 10.99.0.1 refused: the harness sends inside the tunnel only to the protected"
            + " network 10.9.0.0/24 of the target bundled-strongswan");
    long espSent =
        o.trace().at(Trace.PEER).stream()
            .filter(e -> e.direction() == Direction.SENT)
            .filter(e -> e.view() instanceof io.natt.wire.PacketView.Esp)
            .count();
    assertEquals(espSent, 0L, "no ESP left for the refused ping");
    assertTrue(o.steps().stream().anyMatch(st -> st.step().equals("quick-mode")), "ran up to it");
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
