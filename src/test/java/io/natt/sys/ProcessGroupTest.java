package io.natt.sys;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import org.testng.annotations.Test;

/** Process groups without root: setsid, members from /proc, SIGTERM then SIGKILL to the group. */
public class ProcessGroupTest {
  @Test
  public void theGroupIsLedByTheStartedProcessAndEndedWhole() throws Exception {
    ProcessGroup g =
        ProcessGroup.start(
            new ProcessBuilder(
                ProcessGroup.leading(
                    List.of("sh", "-c", "sleep 300 & (trap '' TERM; sleep 300) & wait"))));
    assertEquals(g.id(), g.leader().pid());
    for (int i = 0; i < 100 && g.members().size() < 4; i++) {
      Thread.sleep(20);
    }
    // sh, the first sleep, the subshell and its sleep (which inherits the ignored SIGTERM)
    assertTrue(g.members().size() >= 3, "members " + g.members());
    assertTrue(g.members().contains(g.leader().pid()));
    assertTrue(
        !ProcessGroup.members(g.id()).contains(ProcessHandle.current().pid()),
        "the JVM is not in the group");
    long t0 = System.nanoTime();
    g.terminate(Duration.ofSeconds(1));
    double secs = (System.nanoTime() - t0) / 1e9;
    assertEquals(g.members(), List.of(), "no process of the group is left, zombies included");
    assertTrue(secs >= 1, "the SIGTERM-ignoring sleep needed SIGKILL: " + secs);
    g.terminate(Duration.ofSeconds(1)); // twice is fine
  }

  @Test
  public void aGroupThatEndedByItselfIsNotSignalled() throws Exception {
    ProcessGroup g = ProcessGroup.start(new ProcessBuilder(ProcessGroup.leading(List.of("true"))));
    g.leader().waitFor();
    assertTrue(g.awaitEmpty(Duration.ofSeconds(5)));
    long t0 = System.nanoTime();
    g.terminate(Duration.ofSeconds(5));
    assertTrue((System.nanoTime() - t0) / 1e9 < 1, "nothing to wait for");
  }
}
