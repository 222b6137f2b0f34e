package io.natt.iut;

import io.natt.sys.Exec;
import io.natt.sys.NetNs;
import io.natt.sys.SetupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The algorithms a charon has a provider for, as {@code swanctl --list-algs} prints them: sections
 * ({@code encryption}, {@code integrity}, {@code prf}, {@code hasher}, {@code dh}, ...) with one
 * algorithm per line and the plugin that provides it ({@code MODP_2048[openssl]}).
 *
 * <p>{@link #probe()} asks a real charon, started briefly with the same plugin list as the bundled
 * IUT ({@link StrongSwan}), in a throwaway network namespace and mount namespace of its own.
 *
 * @param sections algorithm names (without the provider) by section
 * @param log what charon logged while it ran (empty when parsed from text)
 */
public record CharonAlgorithms(Map<String, Set<String>> sections, String log) {
  public CharonAlgorithms {
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    sections.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
    sections = Map.copyOf(copy);
  }

  /** Reads the output of {@code swanctl --list-algs}. */
  public static CharonAlgorithms parse(String listAlgs) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    Set<String> current = null;
    for (String raw : listAlgs.split("\n")) {
      String line = raw.stripTrailing();
      if (line.isBlank()) {
        continue;
      }
      if (!Character.isWhitespace(line.charAt(0)) && line.endsWith(":")) {
        current = new LinkedHashSet<>();
        out.put(line.substring(0, line.length() - 1).trim(), current);
      } else if (current != null) {
        String alg = line.trim();
        int bracket = alg.indexOf('[');
        current.add(bracket > 0 ? alg.substring(0, bracket) : alg);
      }
    }
    return new CharonAlgorithms(out, "");
  }

  /** True when charon has a provider for the algorithm in the section (e.g. dh, MODP_2048). */
  public boolean has(String section, String algorithm) {
    return sections.getOrDefault(section, Set.of()).contains(algorithm);
  }

  /** True when charon logged that it created its TUN device (kernel-libipsec works). */
  public boolean tunCreated() {
    return log.contains("created TUN device");
  }

  /** Starts the bundled IUT's charon briefly and lists its algorithms. Needs root. */
  public static CharonAlgorithms probe() {
    return probe(UnaryOperator.identity());
  }

  /**
   * As {@link #probe()}, with the generated strongswan.conf edited first (a test drops a plugin to
   * see what charon lacks without it).
   */
  static CharonAlgorithms probe(UnaryOperator<String> editConf) {
    Path dir;
    try {
      dir = Files.createTempDirectory("natt-doctor-");
      Files.writeString(
          dir.resolve("strongswan.conf"), editConf.apply(StrongSwan.strongswanConf(dir)));
    } catch (IOException e) {
      throw new SetupException("cannot write a strongSwan configuration: " + e.getMessage(), e);
    }
    String ns = NetNs.name("doctor-iut");
    Process p = null;
    try {
      NetNs.create(ns);
      ProcessBuilder pb =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  ns,
                  "unshare",
                  "--mount",
                  "--propagation",
                  "private",
                  "sh",
                  "-c",
                  "mount -t tmpfs tmpfs /run && exec " + StrongSwan.CHARON)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("charon.stdout").toFile());
      pb.environment().put("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
      p = pb.start();
      String uri = "unix://" + dir.resolve("charon.vici");
      Map<String, String> env =
          Map.of("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(dir.resolve("charon.vici"))) {
        if (!p.isAlive()) {
          throw new SetupException(
              "charon exited with code "
                  + p.exitValue()
                  + ": "
                  + read(dir.resolve("charon.stdout")));
        }
        if (System.nanoTime() > deadline) {
          throw new SetupException("charon did not open its VICI socket within 10 s");
        }
        Thread.sleep(20);
      }
      Exec.Result r = Exec.run(List.of("swanctl", "--list-algs", "--uri", uri), null, env);
      for (int i = 0; i < 50 && !r.ok(); i++) {
        Thread.sleep(20);
        r = Exec.run(List.of("swanctl", "--list-algs", "--uri", uri), null, env);
      }
      r.orThrow();
      return new CharonAlgorithms(parse(r.output()).sections(), read(dir.resolve("charon.log")));
    } catch (IOException e) {
      throw new SetupException("cannot start charon: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SetupException("interrupted while asking charon for its algorithms", e);
    } finally {
      stop(p);
      NetNs.delete(ns);
      deleteTree(dir);
    }
  }

  private static void stop(Process p) {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path f) {
    try {
      return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(files.toList());
      all.sort(Comparator.reverseOrder());
      all.forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp dir; best effort
    }
  }
}
