package io.natt.iut;

import io.natt.nat.Host;
import io.natt.nat.Testbed;
import io.natt.sys.Exec;
import io.natt.sys.NetNs;
import io.natt.sys.ProcessGroup;
import io.natt.sys.SetupException;
import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Any IKE daemon as the IUT, started by a target profile's {@code launch: { command: ... }}.
 *
 * <p>The contract. The testbed has made the IUT's network namespace, put {@code NATT_IUT_ADDRESS}
 * on {@code NATT_IUT_DEV} and {@code NATT_PROTECTED_HOST} (as /32) on the namespace's loopback.
 * Then:
 *
 * <ol>
 *   <li>{@code prepare}, when given, runs once per harness process before the first start, through
 *       {@code sh -c} in the profile's folder, on the harness's machine with its network (to fetch
 *       or build the daemon). It fails the start when it exits non-zero.
 *   <li>{@code command} runs through {@code sh -c} in the profile's folder, as root, inside the
 *       IUT's network namespace, in a fresh mount namespace with a private tmpfs on /run, as the
 *       leader of a process group of its own, with the variables of {@link #environment} (its
 *       standard output and error are appended to {@code NATT_LOG}). The namespace has no way out.
 *   <li>It is ready when an IPv4 UDP socket on port 500 is bound to {@code NATT_IUT_ADDRESS} (or to
 *       0.0.0.0 while {@code NATT_IUT_ADDRESS} is on an interface) in the IUT's namespace. A daemon
 *       that opens the port before its configuration is loaded can keep the address off the
 *       interface until then. The start fails, with the end of {@code NATT_LOG}, when this has not
 *       happened after {@code ready-timeout} or when the command exits first.
 *   <li>{@code status} (the daemon's state at the end of a scenario, for the report) and {@code
 *       stop} run through {@code sh -c} inside the daemon's network and mount namespaces (so they
 *       see its /run) with the same variables. {@code version} runs on the harness's machine in the
 *       profile's folder.
 *   <li>Stopping: {@code stop} when given (at most {@link #GRACE} for it and for the group to end),
 *       then SIGTERM to the command's process group and SIGKILL after {@link #GRACE}. It counts as
 *       stopped only when no process of the group is left, zombies included. Only that group is
 *       ever signalled. A daemon that leaves the group (setsid, double fork) is not followed; it
 *       ends when the testbed removes the namespace.
 *   <li>{@code NATT_PSK_FILE} and {@code NATT_WORKDIR} (with everything in it) are removed after
 *       stopping; {@code NATT_LOG} is read for the report first.
 * </ol>
 */
public final class CommandIut implements Iut {
  /** How long the stop command, and the group after SIGTERM, get before SIGKILL. */
  static final Duration GRACE = Duration.ofSeconds(5);

  /** How long prepare may take. */
  static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(30);

  /** How long status and version may take. */
  static final Duration SHORT_TIMEOUT = Duration.ofSeconds(10);

  private static final Map<String, Optional<String>> PREPARED = new HashMap<>();

  /** The temporary folders are named natt-cmd-PID-..., PID the harness's JVM. */
  static final String DIR_PREFIX = "natt-cmd-";

  /**
   * Removes the folders (with their key files) of harness processes that are gone: a SIGKILLed run
   * cannot remove its own.
   */
  public static List<Path> removeLeftovers() {
    List<Path> removed = new ArrayList<>();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    java.util.regex.Pattern name =
        java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(DIR_PREFIX) + "(\\d+)-.*");
    try (var dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
      for (Path d : dirs) {
        java.util.regex.Matcher m = name.matcher(d.getFileName().toString());
        if (m.matches()
            && ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true)) {
          delete(d);
          removed.add(d);
        }
      }
    } catch (IOException | RuntimeException e) {
      // leftovers stay for the next start
    }
    return removed;
  }

  private final LaunchCommand spec;
  private final Path base;
  private final Path logFile;
  private final Map<String, String> env;
  private final ProcessGroup group;
  private String finalLog;
  private boolean closed;

  private CommandIut(
      LaunchCommand spec, Path base, Path logFile, Map<String, String> env, ProcessGroup group) {
    this.spec = spec;
    this.base = base;
    this.logFile = logFile;
    this.env = env;
    this.group = group;
  }

  /** Starts the target's command on the testbed's IUT host and waits until it is ready. */
  public static CommandIut start(Testbed testbed, TargetProfile target) {
    return start(testbed, target, false);
  }

  /**
   * As {@link #start(Testbed, TargetProfile)} for a scenario that plays dead: {@code
   * NATT_DPD_DELAY} 1 and {@code NATT_DPD_TIMEOUT} 4 ask the daemon for short dead-peer detection.
   */
  public static CommandIut startWithShortDpd(Testbed testbed, TargetProfile target) {
    return start(testbed, target, true);
  }

  private static CommandIut start(Testbed testbed, TargetProfile target, boolean shortDpd) {
    LaunchCommand c = target.command();
    if (c == null) {
      throw new SetupException("target " + target.name() + " has no launch command");
    }
    for (String tool : List.of("ip", "unshare", "setsid", "nsenter", "mount")) {
      if (!Exec.available(tool)) {
        throw new SetupException(
            tool + " not found: install iproute2, util-linux and mount (bin/install-deps)");
      }
    }
    Host iut = testbed.iut();
    if (iut.namespace().isEmpty()) {
      throw new SetupException(
          "launch: { command: ... } needs a network namespace for the IUT; the "
              + testbed.backend()
              + " testbed has none (an IUT inside the harness's memory)");
    }
    prepareOnce(c);
    Path base;
    Path log;
    Map<String, String> env;
    try {
      removeLeftovers();
      base =
          Files.createTempDirectory(
              DIR_PREFIX + ProcessHandle.current().pid() + "-", owner("rwx------"));
      Path work = Files.createDirectory(base.resolve("work"), owner("rwx------"));
      log = Files.createFile(base.resolve("iut.log"), owner("rw-r-----"));
      Path psk = Files.createFile(base.resolve("psk"), owner("rw-------"));
      Files.write(psk, target.psk());
      env = environment(testbed, target, psk, work, log);
      env.put("NATT_DPD_DELAY", shortDpd ? "1" : "");
      env.put("NATT_DPD_TIMEOUT", shortDpd ? "4" : "");
    } catch (IOException e) {
      throw new SetupException("cannot make the IUT's files: " + e.getMessage(), e);
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                NetNs.privateRun(iut.namespace(), true, List.of("sh", "-c", c.command())))
            .directory(c.dir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    ProcessGroup g;
    try {
      g = ProcessGroup.start(pb);
    } catch (IOException e) {
      delete(base);
      throw new SetupException("cannot start the IUT's command: " + e.getMessage(), e);
    }
    CommandIut it = new CommandIut(c, base, log, env, g);
    try {
      it.awaitReady(iut, target.address());
    } catch (SetupException e) {
      String tail = tail(it.log(), 30);
      try {
        it.close();
      } catch (SetupException e2) {
        e.addSuppressed(e2);
      }
      throw new SetupException(
          e.getMessage() + "\n--- end of NATT_LOG ---\n" + (tail.isEmpty() ? "(empty)\n" : tail),
          e);
    }
    return it;
  }

  /**
   * The variables the command (and stop, status) gets, besides the harness's own environment.
   *
   * <ul>
   *   <li>{@code NATT_IUT_ADDRESS}: the IUT's address with its prefix (198.51.100.2/24), on {@code
   *       NATT_IUT_DEV} (the interface toward the harness)
   *   <li>{@code NATT_IUT_ID}, {@code NATT_HARNESS_ID}: the identities the IUT and the harness
   *       present (the profile's ids.remote and ids.local)
   *   <li>{@code NATT_PSK_FILE}: the pre-shared key, exactly, without a newline (mode 600)
   *   <li>{@code NATT_PROTECTED}, {@code NATT_PROTECTED_HOST}: the protected network (the IUT's
   *       local traffic selector) and the address in it that answers ping (on the loopback)
   *   <li>{@code NATT_HARNESS_ADDRESS}: the address IKE comes from (a NAT's public address when the
   *       scenario puts one in front of the harness)
   *   <li>{@code NATT_HARNESS_INNER_NET}: the harness's network inside the tunnel (the IUT's remote
   *       traffic selector)
   *   <li>{@code NATT_PHASE1_PROPOSALS}, {@code NATT_ESP_PROPOSALS}: the profile's proposals,
   *       comma-separated, strongSwan syntax; empty when the profile lists none
   *   <li>{@code NATT_KEEPALIVE_INTERVAL}: the profile's {@code keepalive-interval} in whole
   *       seconds (e.g. 2), to configure the daemon with; empty when the profile does not state one
   *   <li>{@code NATT_DPD_DELAY}, {@code NATT_DPD_TIMEOUT}: 1 and 4 (seconds) in a scenario that
   *       plays dead (RFC 3706 dead-peer detection, short for the test); empty otherwise
   *   <li>{@code NATT_WORKDIR}: an empty folder for configuration and logs (mode 700)
   *   <li>{@code NATT_LOG}: the log file attached to the report (exists, empty)
   * </ul>
   */
  static Map<String, String> environment(
      Testbed testbed, TargetProfile target, Path psk, Path work, Path log) {
    Host iut = testbed.iut();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("NATT_IUT_ADDRESS", iut.address().getHostAddress() + "/" + iut.prefix());
    env.put("NATT_IUT_DEV", iut.iface());
    env.put("NATT_IUT_ID", target.remoteId());
    env.put("NATT_HARNESS_ID", target.localId());
    env.put("NATT_PSK_FILE", psk.toString());
    env.put("NATT_PROTECTED", target.protectedNet());
    env.put("NATT_PROTECTED_HOST", target.protectedHost().getHostAddress());
    env.put("NATT_HARNESS_ADDRESS", testbed.harnessPublicAddress().getHostAddress());
    env.put("NATT_HARNESS_INNER_NET", testbed.harnessInnerNet());
    env.put("NATT_PHASE1_PROPOSALS", String.join(",", target.phase1Proposals()));
    env.put("NATT_ESP_PROPOSALS", String.join(",", target.espProposals()));
    env.put(
        "NATT_KEEPALIVE_INTERVAL",
        target.configuredKeepalive().map(d -> String.valueOf(d.toSeconds())).orElse(""));
    env.put("NATT_WORKDIR", work.toString());
    env.put("NATT_LOG", log.toString());
    return env;
  }

  /** Runs the profile's prepare command once per harness process (a failure is kept too). */
  private static void prepareOnce(LaunchCommand c) {
    if (c.prepare().isEmpty()) {
      return;
    }
    String key = c.dir() + "\0" + c.prepare().get();
    Optional<String> failure;
    synchronized (PREPARED) {
      failure = PREPARED.get(key);
      if (failure == null) {
        Outcome o = runOutside(c.prepare().get(), c.dir(), PREPARE_TIMEOUT);
        failure =
            o.ok()
                ? Optional.empty()
                : Optional.of(
                    "the target's prepare command "
                        + o.how()
                        + ": "
                        + c.prepare().get()
                        + "\n--- its output ---\n"
                        + tail(o.output(), 30));
        PREPARED.put(key, failure);
      }
    }
    failure.ifPresent(
        f -> {
          throw new SetupException(f);
        });
  }

  private void awaitReady(Host iut, Inet4Address address) {
    Duration timeout = spec.readyTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    Process leader = group.leader();
    while (true) {
      if (!leader.isAlive()) {
        throw new SetupException(
            "the IUT's command exited (code "
                + leader.exitValue()
                + ") before UDP 500 listened on "
                + address.getHostAddress()
                + ": "
                + spec.command());
      }
      if (inNamespace(leader.pid(), iut.namespace())
          && listens(leader.pid(), address)
          && hasAddress(iut, address)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new SetupException(
            "the IUT did not listen on UDP "
                + address.getHostAddress()
                + ":500 within "
                + timeout.toSeconds()
                + " s (launch: ready-timeout): "
                + spec.command());
      }
      sleep(50);
    }
  }

  /**
   * True when an unconnected IPv4 UDP socket on port 500, bound to the address or to 0.0.0.0, is
   * open in the network namespace of the process {@code pid} (its /proc/PID/net/udp; an IPv6 socket
   * counts when bound to the v4-mapped address).
   */
  static boolean listens(long pid, Inet4Address address) {
    String addr = procHex(address);
    Path net = Path.of("/proc", Long.toString(pid), "net");
    return anyLine(net.resolve("udp"), List.of(addr + ":01F4", "00000000:01F4"))
        || anyLine(net.resolve("udp6"), List.of("0000000000000000FFFF0000" + addr + ":01F4"));
  }

  private static boolean anyLine(Path table, List<String> locals) {
    List<String> lines;
    try {
      lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return false;
    }
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.trim().split("\\s+");
      // sl local_address rem_address st ...: unconnected, remote all zero
      if (f.length > 3 && locals.contains(f[1]) && f[2].matches("0+:0000")) {
        return true;
      }
    }
    return false;
  }

  /** An IPv4 address as /proc/net/udp prints it: the 32-bit word in the machine's byte order. */
  static String procHex(Inet4Address a) {
    byte[] b = a.getAddress();
    return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
        ? String.format("%02X%02X%02X%02X", b[3], b[2], b[1], b[0])
        : String.format("%02X%02X%02X%02X", b[0], b[1], b[2], b[3]);
  }

  /**
   * True when the process is in the named network namespace already (its /proc/PID/net is then the
   * namespace's view; before {@code ip netns exec} has entered it, it is the machine's).
   */
  static boolean inNamespace(long pid, String namespace) {
    try {
      String link =
          Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
      Object ino = Files.getAttribute(Path.of("/run/netns", namespace), "unix:ino");
      return link.equals("net:[" + ino + "]");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean hasAddress(Host iut, Inet4Address address) {
    Exec.Result r = Exec.run("ip", "-n", iut.namespace(), "-4", "-o", "addr", "show");
    return r.ok() && r.output().contains(" inet " + address.getHostAddress() + "/");
  }

  /** The pid of the command's process group leader (the group's id). */
  public int processGroup() {
    return group.id();
  }

  /** The variables the command was given. */
  public Map<String, String> environment() {
    return env;
  }

  /** What the profile's status command prints, run in the IUT's namespaces; else "not known". */
  @Override
  public String status() {
    if (spec.status().isEmpty()) {
      return "not known (the target profile gives no launch: status command)";
    }
    if (closed || !group.leader().isAlive()) {
      return "not known (the IUT's command has ended)";
    }
    Outcome o = runInside(spec.status().get(), SHORT_TIMEOUT);
    return o.ok() ? o.output() : "status command " + o.how() + ":\n" + o.output();
  }

  /** The contents of NATT_LOG. */
  @Override
  public String log() {
    if (finalLog != null) {
      return finalLog;
    }
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read NATT_LOG: " + e.getMessage() + ")";
    }
  }

  @Override
  public String version() {
    return version(spec);
  }

  /** What the profile's version command prints (on the harness's machine), or "not known". */
  public static String version(LaunchCommand c) {
    if (c.version().isEmpty()) {
      return "not known (the target profile gives no launch: version command)";
    }
    Outcome o = runOutside(c.version().get(), c.dir(), SHORT_TIMEOUT);
    return o.ok() && !o.output().isBlank()
        ? o.output().strip()
        : "not known (the version command " + o.how() + ")";
  }

  /**
   * Stops the daemon (stop command, then its process group), keeps NATT_LOG's contents and removes
   * NATT_PSK_FILE and NATT_WORKDIR. Safe to call twice.
   *
   * @throws SetupException when a process of the group is still there after SIGKILL
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (spec.stop().isPresent() && group.leader().isAlive()) {
        Outcome o = runInside(spec.stop().get(), GRACE);
        if (!o.ok()) {
          append("natt: the stop command " + o.how() + "\n" + o.output());
        }
        group.awaitEmpty(GRACE);
      }
      group.terminate(GRACE);
    } finally {
      finalLog = log();
      delete(base);
    }
  }

  /** The result of a short command. */
  private record Outcome(int code, boolean timedOut, String output) {
    boolean ok() {
      return !timedOut && code == 0;
    }

    String how() {
      return timedOut ? "did not end in time" : "exited with code " + code;
    }
  }

  /**
   * Runs {@code sh -c script} in the daemon's network and mount namespaces, with its variables, and
   * its root and working directory (entering a mount namespace alone would put the command at that
   * namespace's real root, outside a chroot or container the run may live in).
   */
  private Outcome runInside(String script, Duration timeout) {
    List<String> argv =
        List.of(
            "nsenter",
            "--target",
            Long.toString(group.leader().pid()),
            "--mount",
            "--net",
            "--root",
            "--wd",
            "sh",
            "-c",
            script);
    return run(argv, spec.dir(), env, timeout);
  }

  /** Runs {@code sh -c script} on the harness's machine, in {@code dir}. */
  private static Outcome runOutside(String script, Path dir, Duration timeout) {
    return run(List.of("sh", "-c", script), dir, Map.of(), timeout);
  }

  /** Runs a command as a process group of its own; on timeout the whole group is ended. */
  private static Outcome run(
      List<String> argv, Path dir, Map<String, String> env, Duration timeout) {
    Path out = null;
    try {
      out = Files.createTempFile("natt-cmd-out-", ".txt", owner("rw-------"));
      ProcessBuilder pb =
          new ProcessBuilder(ProcessGroup.leading(new ArrayList<>(argv)))
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile());
      pb.environment().putAll(env);
      ProcessGroup g = ProcessGroup.start(pb);
      boolean ended = g.leader().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      g.terminate(GRACE); // what it left behind, or all of it after a timeout
      String text = Files.readString(out, StandardCharsets.UTF_8);
      return new Outcome(ended ? g.leader().exitValue() : -1, !ended, text);
    } catch (IOException e) {
      return new Outcome(-1, false, "cannot run " + String.join(" ", argv) + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(-1, true, "interrupted");
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a temp file
        }
      }
    }
  }

  private void append(String text) {
    try {
      Files.writeString(
          logFile,
          text.endsWith("\n") ? text : text + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the log is for the report; losing a line is not worth failing the stop
    }
  }

  /** The last {@code n} lines of a text. */
  static String tail(String text, int n) {
    List<String> lines = text.lines().toList();
    List<String> last = lines.subList(Math.max(0, lines.size() - n), lines.size());
    return last.isEmpty() ? "" : String.join("\n", last) + "\n";
  }

  private static java.nio.file.attribute.FileAttribute<?> owner(String perms) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms));
  }

  private static void delete(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort below: report what is left
    }
    if (Files.exists(dir)) {
      System.err.println("natt: could not remove " + dir);
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
