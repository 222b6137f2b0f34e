package io.natt.sys;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testng.SkipException;
import org.testng.annotations.Test;

/** A killed run leaves a namespace with a process inside; the next run removes both. */
public class NetNsLeftoversTest {
  @Test
  public void removesNamespacesOfDeadRunsWithTheirProcesses() throws Exception {
    requireRoot();
    long deadPid = deadPid();
    String ns = NetNs.PREFIX + deadPid + "-test";
    NetNs.create(ns);
    Process sleeper = new ProcessBuilder("ip", "netns", "exec", ns, "sleep", "300").start();
    try {
      TimeUnit.MILLISECONDS.sleep(200);
      assertTrue(NetNs.leftovers().contains(ns), "a namespace of a dead pid is a leftover");
      String ours = NetNs.name("alive");
      NetNs.create(ours);
      try {
        List<String> removed = NetNs.removeLeftovers();
        assertTrue(removed.contains(ns), removed.toString());
        assertFalse(removed.contains(ours), "a namespace of this live JVM is not a leftover");
        assertTrue(sleeper.waitFor(5, TimeUnit.SECONDS), "the process inside was ended");
        assertFalse(Exec.run("ip", "netns", "list").output().contains(ns));
      } finally {
        NetNs.delete(ours);
      }
    } finally {
      sleeper.destroyForcibly();
      Exec.run("ip", "netns", "del", ns);
    }
  }

  @Test
  public void namesAreNewForEachCallAndKeepTheOwner() {
    String a = NetNs.name("h");
    String b = NetNs.name("h");
    assertFalse(a.equals(b), "two testbeds of one JVM at the same time: " + a + ", " + b);
    long pid = ProcessHandle.current().pid();
    assertTrue(a.startsWith(NetNs.PREFIX + pid + "-h-"), a);
    assertTrue(NetNs.ownerPid(a).orElseThrow() == pid, a);
    assertTrue(NetNs.ownerPid(b).orElseThrow() == pid, b);
  }

  @Test
  public void ownerPidIsReadFromTheName() {
    assertTrue(NetNs.ownerPid("natt-123-h").orElseThrow() == 123L);
    assertTrue(NetNs.ownerPid("other-123-h").isEmpty());
    assertTrue(NetNs.ownerPid("natt-abc-h").isEmpty());
  }

  private static long deadPid() {
    for (long p = 3_999_999; p > 3_000_000; p--) {
      if (ProcessHandle.of(p).isEmpty()) {
        return p;
      }
    }
    throw new IllegalStateException("no free pid");
  }

  static void requireRoot() {
    Exec.Result id = Exec.run("id", "-u");
    if (id.ok() && id.output().trim().equals("0") && Exec.available("ip")) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but this test needs root and iproute2");
    }
    throw new SkipException("needs root and iproute2");
  }
}
