package io.natt.scenario;

import io.natt.ike.Knobs;
import io.natt.iut.TargetProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The walking skeleton as a built-in scenario: IKEv1 Main Mode and Quick Mode with NAT-T, ESP echo
 * requests through the tunnel and keepalives, against the bundled strongSwan, with or without a
 * port-randomising NAT in front of the harness. `natt demo` runs it.
 */
public final class SkeletonRun {
  /** What to run. */
  public record Options(
      boolean harnessBehindNat,
      int pings,
      Duration keepaliveInterval,
      Duration keepaliveWait,
      Path outDir) {
    public static Options defaults(boolean nat, Path outDir) {
      return new Options(nat, 3, Duration.ofSeconds(1), Duration.ofMillis(2500), outDir);
    }
  }

  private SkeletonRun() {}

  /** The bundled strongSwan, with a fresh random PSK. */
  public static TargetProfile bundledTarget(SecureRandom rnd) {
    byte[] psk = new byte[24];
    rnd.nextBytes(psk);
    return TargetProfile.of(
        "bundled-strongswan",
        "strongswan",
        ip("198.51.100.2"),
        "harness.example.org",
        "iut.example.org",
        psk,
        "10.9.0.0/24",
        ip("10.9.0.1"),
        Set.of("ikev1", "ikev1-main", "nat-t-rfc3947", "forces-encapsulation"));
  }

  /** The skeleton written as a scenario. */
  public static Scenario scenario(Options o) {
    Scenario.TopologySpec topology =
        o.harnessBehindNat()
            ? new Scenario.TopologySpec(
                Map.of(
                    "home",
                    new Scenario.NatSpec(
                        "address-and-port-dependent",
                        "address-and-port-dependent",
                        "random",
                        Duration.ofSeconds(30))),
                List.of("home"),
                List.of())
            : new Scenario.TopologySpec(Map.of(), List.of(), List.of());
    return new Scenario(
        Path.of("(built-in walking skeleton)"),
        o.harnessBehindNat() ? "skeleton-behind-nat" : "skeleton-direct",
        "IKEv1 NAT-T and ESP-in-UDP end to end",
        List.of(),
        List.of(),
        topology,
        new Scenario.HarnessSpec(
            "initiator",
            new Scenario.IkeSpec(1, "main", "psk", "aes128-sha256-modp2048", "aes128-sha256"),
            Knobs.rfc3947().withKeepaliveInterval(o.keepaliveInterval())),
        List.of(
            new Scenario.Step.Phase1(0),
            new Scenario.Step.QuickMode(0, "tunnel"),
            new Scenario.Step.EspPing(0, "iut.protected", o.pings()),
            new Scenario.Step.Wait(0, o.keepaliveWait())),
        Map.of());
  }

  /** Runs the skeleton against the bundled strongSwan. */
  public static Runner.Outcome run(Options o, Consumer<String> log) {
    return Runner.run(
        scenario(o),
        bundledTarget(new SecureRandom()),
        new Runner.IutLaunch.Bundled(),
        o.outDir(),
        log);
  }

  static Inet4Address ip(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
