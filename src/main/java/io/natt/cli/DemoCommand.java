package io.natt.cli;

import io.natt.report.WiresharkKeys;
import io.natt.scenario.HarnessPeer;
import io.natt.scenario.Runner;
import io.natt.scenario.SkeletonRun;
import io.natt.trace.Trace;
import io.natt.verdict.Catalog;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The walking skeleton against the bundled strongSwan. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs IKEv1 Main Mode and Quick Mode with NAT traversal against the bundled strongSwan,"
          + " through a port-randomising nftables NAT, pings through the ESP-in-UDP tunnel and"
          + " prints the exchange. Captures (pcap, both sides of the NAT), the trace and the"
          + " Wireshark key tables go under the report directory."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--no-nat", description = "Put the harness directly on the IUT's link.")
  boolean noNat;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Where to write captures and the trace (default: ${DEFAULT-VALUE}).")
  Path report = Path.of("reports");

  @Option(
      names = "--export-keys",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Write Wireshark key tables next to the captures (default on: the bundled IUT's"
              + " secrets are generated for each run).")
  boolean exportKeys;

  @Override
  public Integer call() {
    String name = noNat ? "demo-direct" : "demo-nat";
    Path out = report.resolve(name);
    System.out.println(
        "natt demo: harness "
            + (noNat ? "directly connected to" : "behind a port-randomising NAT, facing")
            + " the bundled strongSwan; output in "
            + out);
    Runner.Outcome r =
        SkeletonRun.run(SkeletonRun.Options.defaults(!noNat, out), System.out::println);
    if (r.error().isPresent()) {
      System.err.println("natt: set-up failed: " + r.error().get());
      return Main.SETUP_ERROR;
    }
    if (r.steps().stream().anyMatch(st -> st.status() != Runner.Status.OK)) {
      System.err.println("natt: the exchange with the IUT failed:");
      r.steps().forEach(st -> System.err.println("  " + st));
      System.err.println("--- what the harness saw ---\n" + r.trace().ladder(Trace.PEER));
      System.err.println("--- end of the IUT's log ---\n" + tail(r.iutLog(), 30));
      System.err.println("Trace and captures: " + out);
      return Main.NONCOMPLIANT;
    }
    if (exportKeys) {
      WiresharkKeys.write(out.resolve("keys"), r.trace());
    }
    System.out.println("\nWhat the harness concluded:");
    r.trace().notes().forEach(n -> System.out.println("  " + n));
    System.out.println("\nThe exchange, as the harness sent and received it:");
    System.out.println(r.trace().ladder(Trace.PEER));
    if (r.trace().at("nat-public").size() > 0) {
      System.out.println("\nThe same, seen on the public side of the NAT:");
      System.out.println(r.trace().ladder("nat-public"));
    }
    System.out.println("\nstrongSwan's view (swanctl --list-sas):\n" + r.iutStatus().strip());
    long ok = r.peer().pings().stream().filter(HarnessPeer.PingResult::answered).count();
    System.out.println();
    for (HarnessPeer.PingResult p : r.peer().pings()) {
      System.out.printf(
          "  ping %d: %s%s%n",
          p.seq(), p.detail(), p.answered() ? String.format(" (%.1f ms)", p.rttMillis()) : "");
    }
    System.out.printf(
        "%nSummary: NAT-T %s, harness behind NAT: %s, IUT claims NAT: %s, floated to 4500: %s,"
            + " ESP echo replies %d/%d, %.1f s%n",
        r.peer().nat().natTVariant(),
        r.peer().nat().localBehindNat(),
        r.peer().nat().remoteBehindNat(),
        r.peer().floated(),
        ok,
        r.peer().pings().size(),
        r.elapsed().toMillis() / 1000.0);
    Path catalogFile = Path.of("testsuites", "requirements.yaml");
    if (Files.exists(catalogFile)) {
      System.out.println("\nRequirements judged on this trace:");
      for (Judgement j : Judge.judge(r.trace(), Catalog.load(catalogFile), List.of())) {
        System.out.printf("  %-15s %-26s %s%n", j.verdict(), j.id(), j.reason());
        j.evidence().forEach(ev -> System.out.println("                  " + ev));
      }
    }
    System.out.println("Captures: " + r.captures());
    if (exportKeys) {
      System.out.println(
          "Key tables: "
              + out.resolve("keys")
              + " (tshark -o uat:esp_sa:... or a Wireshark profile)");
    }
    return ok == r.peer().pings().size() ? Main.OK : Main.NONCOMPLIANT;
  }

  private static String tail(String s, int lines) {
    List<String> all = s.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
