package io.natt.sys;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.testng.annotations.Test;

/**
 * With scenarios in parallel, threads must not stray: work given to a namespace's executor runs in
 * that namespace, also when the executor was made by a thread that is in another namespace, and a
 * thread that did not enter one is in the process's own.
 */
public class NsExecutorThreadsTest {
  /** The kernel's name of a named namespace, as /proc shows a thread's (net:[inode]). */
  static String kernelName(String ns) throws Exception {
    return "net:[" + Files.getAttribute(Path.of("/run/netns/" + ns), "unix:ino") + "]";
  }

  @Test
  public void workRunsInItsNamespaceWhoeverMadeTheExecutor() throws Exception {
    NetNsLeftoversTest.requireRoot();
    String a = NetNs.name("ta");
    String b = NetNs.name("tb");
    NetNs.create(a);
    try {
      NetNs.create(b);
      try (NsExecutor inA = new NsExecutor(a)) {
        assertEquals(inA.call(NetNs::ofThisThread), kernelName(a));
        assertNotEquals(kernelName(a), NetNs.ofProcess());
        // an executor for b made from a's thread: its thread is born in a, and must still work in b
        NsExecutor inB = inA.call(() -> new NsExecutor(b));
        try {
          assertEquals(inB.call(NetNs::ofThisThread), kernelName(b));
          AtomicReference<String> daemon = new AtomicReference<>();
          Thread t =
              inA.call(() -> inB.startDaemon("probe", () -> daemon.set(NetNs.ofThisThread())));
          t.join(5000);
          assertEquals(daemon.get(), kernelName(b));
        } finally {
          inB.close();
        }
        // this test's own thread never entered a namespace
        assertEquals(NetNs.ofThisThread(), NetNs.ofProcess());
      } finally {
        NetNs.delete(b);
      }
    } finally {
      NetNs.delete(a);
    }
  }

  @Test
  public void aThreadThatEnteredANamespaceIsToldFromTheProcess() throws Exception {
    NetNsLeftoversTest.requireRoot();
    String a = NetNs.name("tc");
    NetNs.create(a);
    try {
      AtomicReference<String> seen = new AtomicReference<>();
      Thread t =
          new Thread(
              () -> {
                NetNs.enter(a);
                seen.set(NetNs.ofThisThread());
              });
      t.start();
      t.join(5000);
      assertEquals(seen.get(), kernelName(a));
      assertNotEquals(seen.get(), NetNs.ofProcess());
    } finally {
      NetNs.delete(a);
    }
  }
}
