package io.natt.iut;

import io.natt.yaml.Problems;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A target profile's {@code launch: { command: ... }}: any IKE daemon, started by the project in
 * the IUT's namespace ({@link CommandIut} has the contract). Every command runs through {@code sh
 * -c} in {@code dir}, the profile's folder, so that {@code ./my-launch.sh} names a script beside
 * the profile.
 *
 * @param command starts the daemon and stays in the foreground (in the IUT's namespace)
 * @param prepare run once before the first start, on the harness's machine, with the network; empty
 *     when not given
 * @param stop stops the daemon (in the IUT's namespace); empty: the command's process group is
 *     ended
 * @param status prints the daemon's state (its SAs) for the report; empty when not given
 * @param version prints the daemon's name and version; empty when not given
 * @param readyTimeout how long the daemon may take until UDP 500 listens
 * @param dir the profile's folder, where the commands run
 */
public record LaunchCommand(
    String command,
    Optional<String> prepare,
    Optional<String> stop,
    Optional<String> status,
    Optional<String> version,
    Duration readyTimeout,
    Path dir) {
  /** The keys of {@code launch: { ... }}, also compared with target.schema.json by a test. */
  static final List<String> KEYS =
      List.of("command", "prepare", "stop", "status", "version", "ready-timeout");

  static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(20);
  static final Duration MAX_READY_TIMEOUT = Duration.ofMinutes(10);

  /** What a target profile's {@code launch} is set to when it gives a command. */
  public static final String LAUNCH = "command";

  /** Reads {@code launch: { ... }}, every mistake into {@code p}; null when it has mistakes. */
  static LaunchCommand read(YamlNode node, Path dir, Problems p) {
    Optional<YamlMap> m = p.get(() -> node.map().allowedKeys(p, KEYS).requireKeys(p, "command"));
    if (m.isEmpty()) {
      return null;
    }
    int before = p.all().size();
    String command = text(m.get(), "command", p).orElse(null);
    Optional<String> prepare = text(m.get(), "prepare", p);
    Optional<String> stop = text(m.get(), "stop", p);
    Optional<String> status = text(m.get(), "status", p);
    Optional<String> version = text(m.get(), "version", p);
    Duration ready = DEFAULT_READY_TIMEOUT;
    if (m.get().has("ready-timeout")) {
      YamlNode n = m.get().get("ready-timeout");
      ready =
          p.get(
              () -> {
                Duration d = n.positiveDuration();
                if (d.compareTo(MAX_READY_TIMEOUT) > 0) {
                  throw n.error("at most 10m, found " + n.found());
                }
                return d;
              },
              ready);
    }
    return p.all().size() > before || command == null
        ? null
        : new LaunchCommand(command, prepare, stop, status, version, ready, dir);
  }

  private static Optional<String> text(YamlMap m, String key, Problems p) {
    if (!m.has(key)) {
      return Optional.empty();
    }
    return p.get(() -> m.get(key).string());
  }
}
