package io.natt.sys;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A thread that lives in one network namespace. Sockets and capture handles created by work
 * submitted here belong to that namespace and keep it when other threads use them, so one JVM can
 * be several hosts at once.
 */
public final class NsExecutor implements AutoCloseable {
  /** Whether the current executor thread has entered its namespace (threads serve one only). */
  private static final ThreadLocal<Boolean> ENTERED = ThreadLocal.withInitial(() -> false);

  private final String namespace;
  private final ExecutorService thread;

  public NsExecutor(String namespace) {
    this.namespace = namespace;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ns-" + namespace);
              t.setDaemon(true);
              return t;
            });
    call(() -> null);
  }

  public String namespace() {
    return namespace;
  }

  /**
   * Runs the work on the namespace's thread and waits for it. The thread enters the namespace
   * before its first work, also a thread the executor makes anew after one died: work submitted
   * here never runs in the namespace of the thread that happened to create the executor's thread
   * (with {@code natt run --jobs} that could be another scenario's).
   */
  public <T> T call(Callable<T> work) {
    Future<T> f =
        thread.submit(
            () -> {
              if (!ENTERED.get()) {
                NetNs.enter(namespace);
                ENTERED.set(true);
              }
              return work.call();
            });
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new SetupException("in namespace " + namespace + ": " + c, c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SetupException("interrupted in namespace " + namespace, e);
    }
  }

  /**
   * Starts a long-running task (a capture loop) on its own new thread that first enters the
   * namespace.
   */
  public Thread startDaemon(String name, Runnable body) {
    Thread t =
        new Thread(
            () -> {
              NetNs.enter(namespace);
              body.run();
            },
            name + "@" + namespace);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
