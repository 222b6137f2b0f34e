package io.natt.cli;

import io.natt.ike.IkeException;
import io.natt.report.WiresharkKeys;
import io.natt.scenario.HarnessPeer;
import io.natt.scenario.SkeletonRun;
import io.natt.sys.SetupException;
import io.natt.trace.Trace;
import io.natt.verdict.Catalog;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import java.io.IOException;
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
    SkeletonRun.Result r;
    try {
      r = SkeletonRun.run(SkeletonRun.Options.defaults(!noNat, out));
    } catch (SetupException e) {
      System.err.println("natt: set-up failed: " + e.getMessage());
      return Main.SETUP_ERROR;
    } catch (SkeletonRun.RunFailure e) {
      System.err.println("natt: the exchange with the IUT failed: " + e.getMessage());
      writeTrace(out, e.trace());
      System.err.println("--- what the harness saw ---\n" + e.trace().ladder(Trace.PEER));
      System.err.println("--- end of the IUT's log ---\n" + tail(e.iutLog(), 30));
      return e.getCause() instanceof IkeException ? Main.NONCOMPLIANT : Main.SETUP_ERROR;
    }
    writeTrace(out, r.trace());
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
    System.out.println("\nstrongSwan's view (swanctl --list-sas):\n" + r.iutSas().strip());
    long ok = r.pings().stream().filter(HarnessPeer.PingResult::answered).count();
    System.out.println();
    for (HarnessPeer.PingResult p : r.pings()) {
      System.out.printf(
          "  ping %d: %s%s%n",
          p.seq(), p.detail(), p.answered() ? String.format(" (%.1f ms)", p.rttMillis()) : "");
    }
    System.out.printf(
        "%nSummary: NAT-T %s, harness behind NAT: %s, IUT claims NAT: %s, floated to 4500: %s,"
            + " ESP echo replies %d/%d, %.1f s%n",
        r.nat().natTVariant(),
        r.nat().localBehindNat(),
        r.nat().remoteBehindNat(),
        r.floated(),
        ok,
        r.pings().size(),
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
    return ok == r.pings().size() ? Main.OK : Main.NONCOMPLIANT;
  }

  private static void writeTrace(Path out, Trace t) {
    try {
      Files.createDirectories(out);
      Files.writeString(
          out.resolve("trace.txt"),
          String.join("\n", t.notes())
              + "\n\n"
              + t.ladder(Trace.PEER)
              + "\n\n"
              + t.ladder("nat-public")
              + "\n");
    } catch (IOException e) {
      System.err.println("natt: cannot write " + out + "/trace.txt: " + e.getMessage());
    }
  }

  private static String tail(String s, int lines) {
    List<String> all = s.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
