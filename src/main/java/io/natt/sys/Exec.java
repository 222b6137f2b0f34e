package io.natt.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command (ip, nft, swanctl, ...) and returns what it printed. */
public final class Exec {
  private Exec() {}

  /** The outcome of one command. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** Throws a {@link SetupException} naming the command when it failed. */
    public Result orThrow() {
      if (!ok()) {
        throw new SetupException(
            "command failed (exit " + exitCode + "): " + String.join(" ", command) + "\n" + output);
      }
      return this;
    }
  }

  /** Runs a command, waiting at most 30 s, with stdin given (or none). */
  public static Result run(List<String> command, String stdin) {
    return run(command, stdin, java.util.Map.of());
  }

  /** Runs a command with extra environment variables. */
  public static Result run(List<String> command, String stdin, java.util.Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new SetupException("command timed out: " + String.join(" ", command));
      }
      return new Result(
          List.copyOf(command), p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SetupException(
          "cannot run " + command.get(0) + " (" + e.getMessage() + "); is it installed?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SetupException("interrupted while running " + String.join(" ", command), e);
    }
  }

  public static Result run(String... command) {
    return run(List.of(command), null);
  }

  /** Runs and throws when the command failed. */
  public static Result check(String... command) {
    return run(command).orThrow();
  }

  /** Runs inside a network namespace with {@code ip netns exec}. */
  public static Result inNs(String ns, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    return run(full, null);
  }

  /** True when the program is found on PATH (or is an existing absolute path). */
  public static boolean available(String program) {
    if (program.startsWith("/")) {
      return new java.io.File(program).canExecute();
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (new java.io.File(dir, program).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
