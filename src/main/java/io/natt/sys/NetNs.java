package io.natt.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Named network namespaces that this project creates, with the {@code setns(2)} call that lets a
 * thread of this JVM enter one.
 *
 * <p>Every namespace this project makes is named {@code natt-<pid>-<role>-<n>}, where pid is the
 * JVM that made it and n counts the names this JVM handed out, so that scenarios running at the
 * same time in one JVM ({@code natt run --jobs}) never share a namespace. {@link
 * #removeLeftovers()} removes those whose JVM is gone (a crashed or killed run), together with the
 * processes still inside them, which can only be processes this project started there.
 */
public final class NetNs {
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY = 0;
  static final String PREFIX = "natt-";
  private static final java.util.concurrent.atomic.AtomicLong NEXT =
      new java.util.concurrent.atomic.AtomicLong();

  interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int open(String path, int flags) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private NetNs() {}

  /**
   * A new name for a namespace of this JVM with the given role (short, e.g. "h", "nat1", "iut"):
   * each call gives a name no other call in this JVM gave, so callers keep the name they got.
   */
  public static String name(String role) {
    return PREFIX + ProcessHandle.current().pid() + "-" + role + "-" + NEXT.incrementAndGet();
  }

  /**
   * The network namespace the calling thread is in, as the kernel names it (e.g. {@code
   * net:[4026531840]}); threads of one namespace give the same string.
   */
  public static String ofThisThread() {
    return link("/proc/thread-self/ns/net");
  }

  /**
   * The network namespace of the process as a whole (its first thread), which no thread of this
   * project ever moves: threads that do not serve a namespace must be in this one.
   */
  public static String ofProcess() {
    return link("/proc/self/ns/net");
  }

  private static String link(String path) {
    try {
      return Files.readSymbolicLink(Path.of(path)).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "unknown";
    }
  }

  /** Creates the namespace with its loopback up; removes it again when that fails. */
  public static void create(String name) {
    Exec.check("ip", "netns", "add", name);
    try {
      Exec.check("ip", "-n", name, "link", "set", "lo", "up");
    } catch (RuntimeException e) {
      Exec.run("ip", "netns", "del", name);
      throw e;
    }
  }

  /**
   * The argument vector that runs {@code argv} inside the named network namespace, in a fresh mount
   * namespace of its own with a private tmpfs on /run (so that what it puts there, sockets and pid
   * files, neither meets nor outlives anything else on the machine).
   *
   * @param ownGroup also make it the leader of a process group of its own ({@link ProcessGroup})
   */
  public static List<String> privateRun(String name, boolean ownGroup, List<String> argv) {
    List<String> out =
        new ArrayList<>(
            List.of("ip", "netns", "exec", name, "unshare", "--mount", "--propagation", "private"));
    List<String> inner =
        new ArrayList<>(
            List.of("sh", "-c", "mount -t tmpfs tmpfs /run && exec \"$@\"", "natt-iut"));
    inner.addAll(argv);
    out.addAll(ownGroup ? ProcessGroup.leading(inner) : inner);
    return out;
  }

  /** Kills what runs inside (only our own processes live there) and deletes the namespace. */
  public static void delete(String name) {
    for (long pid : pidsIn(name)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (long pid : pidsIn(name)) {
      ProcessHandle.of(pid)
          .ifPresent(
              h -> {
                try {
                  h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                  // reported below if the delete fails
                }
              });
    }
    Exec.run("ip", "netns", "del", name);
  }

  static List<Long> pidsIn(String name) {
    Exec.Result r = Exec.run("ip", "netns", "pids", name);
    List<Long> pids = new ArrayList<>();
    if (r.ok()) {
      for (String line : r.output().split("\\s+")) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim()));
        }
      }
    }
    return pids;
  }

  /** All namespaces of this project whose owning JVM no longer runs. */
  public static List<String> leftovers() {
    List<String> found = new ArrayList<>();
    Path dir = Path.of("/run/netns");
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (var stream = Files.list(dir)) {
      for (Path p : (Iterable<Path>) stream::iterator) {
        String n = p.getFileName().toString();
        ownerPid(n)
            .filter(pid -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true))
            .ifPresent(pid -> found.add(n));
      }
    } catch (IOException e) {
      throw new SetupException("cannot list /run/netns: " + e.getMessage(), e);
    }
    return found;
  }

  static Optional<Long> ownerPid(String ns) {
    if (!ns.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = ns.substring(PREFIX.length());
    int dash = rest.indexOf('-');
    if (dash <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(rest.substring(0, dash)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Removes leftovers of earlier runs; returns what was removed. A user other than root cannot
   * remove namespaces (nor made any): nothing to do then, and no failure.
   */
  public static List<String> removeLeftovers() {
    if (!Privilege.isRoot()) {
      return List.of();
    }
    List<String> gone = leftovers();
    gone.forEach(NetNs::delete);
    return gone;
  }

  /** Moves the calling thread into the named namespace (affects this thread only). */
  static void enter(String name) {
    int fd;
    try {
      fd = LibC.INSTANCE.open("/run/netns/" + name, O_RDONLY);
    } catch (LastErrorException e) {
      throw new SetupException(
          "cannot open network namespace " + name + ": errno " + e.getErrorCode());
    }
    try {
      LibC.INSTANCE.setns(fd, CLONE_NEWNET);
    } catch (LastErrorException e) {
      throw new SetupException(
          "setns into " + name + " failed: errno " + e.getErrorCode() + " (needs root)");
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }
}
