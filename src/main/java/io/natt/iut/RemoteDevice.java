package io.natt.iut;

import io.natt.nat.Testbed;
import io.natt.sys.SetupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A device the project does not start: a VPN gateway reached over the network. Starting it runs the
 * profile's {@code before-each} hook (if any) on the harness's machine; its state and log are not
 * known to the harness, and its version is what the profile says.
 */
public final class RemoteDevice implements Iut {
  /** How long a hook may run before it is stopped (and the scenario is a set-up error). */
  public static final Duration HOOK_TIMEOUT = Duration.ofSeconds(60);

  private final TargetProfile target;
  private final String hookOutput;
  private volatile String initiateOutput = "";

  private RemoteDevice(TargetProfile target, String hookOutput) {
    this.target = target;
    this.hookOutput = hookOutput;
  }

  /** "Starts" the remote device for one scenario: runs its before-each hook. */
  public static RemoteDevice start(Testbed testbed, TargetProfile target) {
    RemoteSettings r = settings(target);
    String out = "";
    if (!r.beforeEach().isEmpty()) {
      out = runHook("before-each", r.beforeEach(), target);
    }
    return new RemoteDevice(target, out);
  }

  private static RemoteSettings settings(TargetProfile target) {
    if (target.remote() == null) {
      throw new SetupException(
          "target "
              + target.name()
              + " is a remote device without remote settings (remote: { bind: ADDRESS })");
    }
    return target.remote();
  }

  /**
   * Runs a hook through {@code sh -c} on this machine with NATT_TARGET, NATT_TARGET_ADDRESS and
   * NATT_BIND_ADDRESS set; returns what it printed. A non-zero exit, or a hook still running after
   * {@link #HOOK_TIMEOUT}, is a SetupException naming the hook and its output.
   */
  static String runHook(String hook, String command, TargetProfile target) {
    return runHook(hook, command, target, Map.of());
  }

  /**
   * Runs the profile's {@code initiate} hook on a thread of its own (it may wait for the tunnel it
   * starts, which the harness builds meanwhile), with NATT_HARNESS_ADDRESS (the harness as the
   * device sees it), NATT_HARNESS_INNER_NET, NATT_EXCHANGE (main or aggressive) and NATT_MODE
   * (tunnel or transport) set besides the usual ones; its outcome goes into the log.
   */
  @Override
  public String initiate(Initiation i) {
    RemoteSettings r = settings(target);
    if (r.initiate().isEmpty()) {
      throw new SetupException(
          "target "
              + target.name()
              + " has no remote.initiate hook: a scenario with the harness as responder needs a"
              + " command that makes the device initiate to "
              + i.harnessAddress().getHostAddress());
    }
    Map<String, String> env =
        Map.of(
            "NATT_HARNESS_ADDRESS", i.harnessAddress().getHostAddress(),
            "NATT_HARNESS_INNER_NET", i.harnessInnerNet(),
            "NATT_EXCHANGE", i.aggressive() ? "aggressive" : "main",
            "NATT_MODE", i.mode());
    Thread t =
        new Thread(
            () -> {
              try {
                String out = runHook("initiate", r.initiate(), target, env);
                initiateOutput = "initiate hook finished: " + r.initiate() + "\n" + out;
              } catch (SetupException e) {
                initiateOutput = e.getMessage();
              }
            },
            "initiate-hook");
    t.setDaemon(true);
    t.start();
    return "the initiate hook runs: " + r.initiate();
  }

  private static String runHook(
      String hook, String command, TargetProfile target, Map<String, String> extra) {
    Path out;
    try {
      out = Files.createTempFile("natt-hook-", ".out");
    } catch (IOException e) {
      throw new SetupException("cannot run the " + hook + " hook: " + e.getMessage(), e);
    }
    try {
      ProcessBuilder pb =
          new ProcessBuilder("sh", "-c", command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> env = pb.environment();
      env.put("NATT_TARGET", target.name());
      env.put("NATT_TARGET_ADDRESS", target.address().getHostAddress());
      env.put("NATT_BIND_ADDRESS", target.remote().bind().getHostAddress());
      env.putAll(extra);
      Process p = pb.start();
      boolean done = p.waitFor(HOOK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      String printed = Files.readString(out, StandardCharsets.UTF_8).strip();
      if (!done) {
        throw new SetupException(
            "the "
                + hook
                + " hook of target "
                + target.name()
                + " did not finish within "
                + HOOK_TIMEOUT.toSeconds()
                + " s and was stopped: "
                + command
                + (printed.isEmpty() ? "" : "\n" + printed));
      }
      if (p.exitValue() != 0) {
        throw new SetupException(
            "the "
                + hook
                + " hook of target "
                + target.name()
                + " failed (exit "
                + p.exitValue()
                + "): "
                + command
                + (printed.isEmpty() ? " (no output)" : "\n" + printed));
      }
      return printed;
    } catch (IOException e) {
      throw new SetupException(
          "cannot run the " + hook + " hook (" + command + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SetupException("interrupted while running the " + hook + " hook", e);
    } finally {
      out.toFile().delete();
    }
  }

  @Override
  public String status() {
    return "not known to the harness (remote device "
        + target.name()
        + " at "
        + target.address().getHostAddress()
        + ")";
  }

  @Override
  public String log() {
    StringBuilder b =
        new StringBuilder(
            "The log of the remote device "
                + target.name()
                + " is not known to the harness; look at the device's own log.\n");
    if (!target.remote().beforeEach().isEmpty()) {
      b.append("before-each hook: ").append(target.remote().beforeEach()).append('\n');
      if (!hookOutput.isEmpty()) {
        b.append(hookOutput).append('\n');
      }
    }
    if (!initiateOutput.isEmpty()) {
      b.append(initiateOutput).append('\n');
    }
    return b.toString();
  }

  @Override
  public String version() {
    return version(target);
  }

  /** The profile's {@code remote.version}, or "not known". */
  static String version(TargetProfile target) {
    RemoteSettings r = target.remote();
    return r == null || r.version().isEmpty() ? "not known" : r.version();
  }

  /** Nothing to stop: the harness started nothing on the device. */
  @Override
  public void close() {}
}
