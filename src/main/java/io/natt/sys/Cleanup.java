package io.natt.sys;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What must be undone if the JVM is stopped (Ctrl-C, SIGTERM) in the middle of a run: resources
 * register here while they live and leave when they are closed normally. A SIGKILL cannot be
 * caught; the next run removes such leftovers at start ({@link NetNs#removeLeftovers()}).
 */
public final class Cleanup {
  private static final Deque<AutoCloseable> OPEN = new ArrayDeque<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "natt-cleanup"));
  }

  private Cleanup() {}

  public static synchronized void register(AutoCloseable c) {
    OPEN.push(c);
  }

  public static synchronized void unregister(AutoCloseable c) {
    OPEN.remove(c);
  }

  static synchronized void closeAll() {
    while (!OPEN.isEmpty()) {
      try {
        OPEN.pop().close();
      } catch (Exception e) {
        System.err.println("cleanup: " + e.getMessage());
      }
    }
  }
}
