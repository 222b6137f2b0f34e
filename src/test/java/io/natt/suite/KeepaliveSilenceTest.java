package io.natt.suite;

import static org.testng.Assert.assertEquals;

import io.natt.ike.Knobs;
import io.natt.nat.EmulatedTestbed;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.testutil.BundledTarget;
import io.natt.testutil.TempDirs;
import io.natt.trace.Trace;
import io.natt.verdict.Catalog;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.testng.annotations.Test;

/**
 * 3948-4-keepalive-behind-nat counts the silence of an IUT behind a NAT until the harness stopped
 * observing, but not past a Delete of its SAs: an IUT that sends no NAT-keepalive FAILs after 40 s
 * of observed silence with its tunnel up, and is not failed for the same silence after the harness
 * deleted the tunnel (it owes no keepalive then). The emulated IUT behind a forwarding NAT, in
 * memory, with no keepalives; the 40 s are set on the trace rather than waited.
 */
public class KeepaliveSilenceTest {
  static final Catalog CATALOG = Catalog.load(Path.of("testsuites/requirements.yaml"));
  static final String ID = "3948-4-keepalive-behind-nat";

  private static Judgement judge(boolean delete) throws Exception {
    Path dir = TempDirs.create("keepalive-silence");
    Path file = dir.resolve("silence.yaml");
    Files.writeString(
        file,
        """
        id: keepalive-silence
        title: The IUT behind a NAT is idle after one echo%s
        judges: [%s]
        applies-when: [ikev1, nat-t-rfc3947]
        topology:
          nats:
            gw: {}
          iut: { behind: gw, forward: [500, 4500] }
        harness:
          role: initiator
          ike: { version: 1, exchange: main, auth: psk }
        steps:
          - phase1
          - quick-mode
          - esp-ping: { to: iut.protected, count: 1 }
        %s"""
            .formatted(
                delete ? ", then the harness deletes the tunnel" : "",
                ID,
                delete ? "  - delete\n" : ""));
    Scenario s = ScenarioLoader.load(file, CATALOG.ids());
    Runner.Outcome o =
        Runner.run(
            s,
            BundledTarget.withoutKnownResults(),
            new Runner.IutLaunch.Emulated(Knobs.rfc3947().withKeepaliveInterval(Duration.ZERO)),
            EmulatedTestbed.IN_MEMORY,
            dir.resolve("out"),
            l -> {});
    assertEquals(o.error(), java.util.Optional.empty(), "the run");
    Trace t = o.trace();
    long last = t.entries().stream().mapToLong(e -> e.datagram().monoNanos()).max().orElseThrow();
    t.observedUntil(last + Duration.ofSeconds(40).toNanos());
    return Judge.judge(t, CATALOG, List.of(ID)).stream()
        .filter(j -> j.id().equals(ID))
        .findFirst()
        .orElseThrow();
  }

  @Test
  public void silenceWithTheTunnelUpFails() throws Exception {
    Judgement j = judge(false);
    assertEquals(j.verdict(), Verdict.FAIL, j.reason());
  }

  @Test
  public void silenceAfterADeleteIsNoFailure() throws Exception {
    Judgement j = judge(true);
    assertEquals(j.verdict(), Verdict.INCONCLUSIVE, j.reason());
  }
}
