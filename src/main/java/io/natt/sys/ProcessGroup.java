package io.natt.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process that this JVM started as the leader of a process group of its own ({@code setsid}),
 * with everything it forks. Ending it signals that group only, never anything found by name; it
 * counts as ended when no process of the group is left, zombies included ({@code /proc/PID/stat}).
 */
public final class ProcessGroup {
  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;

  interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int kill(int pid, int sig) throws LastErrorException;
  }

  private final Process leader;
  private final int pgid;

  private ProcessGroup(Process leader) {
    this.leader = leader;
    this.pgid = Math.toIntExact(leader.pid());
  }

  /**
   * The argument vector that runs {@code argv} as the leader of a new process group: {@code setsid}
   * (which does not fork when, as here, the caller is not a group leader, so the started process's
   * pid is the group's id). Put it last in a chain of exec-ing wrappers.
   */
  public static List<String> leading(List<String> argv) {
    List<String> out = new ArrayList<>(List.of("setsid"));
    out.addAll(argv);
    return out;
  }

  /**
   * Starts the builder's command, which must end in {@link #leading}, and waits (at most a second)
   * until it leads its group.
   */
  public static ProcessGroup start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    ProcessGroup g = new ProcessGroup(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (p.isAlive() && g.pgidOf(p.pid()).map(x -> x != g.pgid).orElse(false)) {
      if (System.nanoTime() > deadline) {
        break;
      }
      sleep(5);
    }
    return g;
  }

  /** The group's id (the leader's pid). */
  public int id() {
    return pgid;
  }

  /** The leader process (its exit code, whether it is alive). */
  public Process leader() {
    return leader;
  }

  /** The pids of the group's processes, zombies included. */
  public List<Long> members() {
    return members(pgid);
  }

  /** The pids of the processes whose process group is {@code pgid}, zombies included. */
  public static List<Long> members(int pgid) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : ds) {
        long pid = Long.parseLong(p.getFileName().toString());
        if (pgidOf(pid).filter(g -> g == pgid).isPresent()) {
          out.add(pid);
        }
      }
    } catch (IOException e) {
      throw new SetupException("cannot list /proc: " + e.getMessage(), e);
    }
    return out;
  }

  /** The process group of a process, from the fifth field of /proc/PID/stat; empty when gone. */
  static Optional<Integer> pgidOf(long pid) {
    try {
      String stat =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Optional.of(Integer.parseInt(f[2]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** True while a process of the group is left (zombies count). */
  public boolean anyLeft() {
    return !members().isEmpty();
  }

  /**
   * Ends the group: SIGTERM to the group, SIGKILL to it after {@code grace}, then waits until no
   * process of it is left. Safe to call twice.
   *
   * @throws SetupException naming the pids when processes of the group are still there after {@code
   *     grace} and as long again after SIGKILL (zombies whose parent does not reap them)
   */
  public void terminate(Duration grace) {
    signal(SIGTERM);
    if (!awaitEmpty(grace)) {
      signal(SIGKILL);
      if (!awaitEmpty(grace.plusSeconds(5))) {
        throw new SetupException(
            "process group " + pgid + " still has processes after SIGKILL: " + members());
      }
    }
  }

  /** Waits until no process of the group is left; false when some are after {@code timeout}. */
  public boolean awaitEmpty(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      // the leader is our child: reap it (the JVM does, asynchronously) before looking
      if (!leader.isAlive() || leaderGone()) {
        if (members().isEmpty()) {
          return true;
        }
      }
      if (System.nanoTime() > deadline) {
        return members().isEmpty();
      }
      sleep(20);
    }
  }

  private boolean leaderGone() {
    try {
      return leader.waitFor(0, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /**
   * Sends a signal to this group only, and only while it still has a process (so that a group id no
   * longer in use is never signalled); never to the JVM's own group.
   */
  private void signal(int sig) {
    if (pgid <= 1 || pgidOf(ProcessHandle.current().pid()).orElse(-1) == pgid) {
      throw new IllegalStateException("refusing to signal process group " + pgid);
    }
    if (!leader.isAlive() && members().isEmpty()) {
      return;
    }
    if (leader.isAlive() && pgidOf(leader.pid()).filter(g -> g == pgid).isEmpty()) {
      // setsid has not run (it failed): the leader is alone, in the JVM's group
      if (sig == SIGKILL) {
        leader.destroyForcibly();
      } else {
        leader.destroy();
      }
      return;
    }
    try {
      LibC.INSTANCE.kill(-pgid, sig);
    } catch (LastErrorException e) {
      // ESRCH: the group has just ended
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
