package io.natt.suite;

import io.natt.iut.TargetLoader;
import io.natt.iut.TargetProfile;
import io.natt.nat.Testbed;
import io.natt.nat.Testbeds;
import io.natt.scenario.Plan;
import io.natt.scenario.ScenarioLoader;
import io.natt.sys.SetupException;
import io.natt.verdict.Catalog;
import io.natt.yaml.LoadException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code natt run --plan}: what a run with these settings would send, and where, scenario by
 * scenario in run order, without sending anything, building a testbed or starting the IUT (no root
 * needed). The selection and the decisions (NOT_APPLICABLE, a backend's refusal, the proposals) are
 * those of the real run.
 *
 * @param plans one per scenario file, in run order
 * @param problems files that could not be read (the run would report them as errors)
 * @param destinations every address and port the harness would send to
 */
public record RunPlan(
    TargetProfile target,
    String backend,
    List<Plan> plans,
    List<String> problems,
    Set<InetSocketAddress> destinations) {

  /** Makes the plan; a LoadException or SetupException when the target or catalog is wrong. */
  public static RunPlan of(SuiteSettings settings) {
    Catalog catalog = Catalog.load(settings.catalog());
    TargetProfile target = TargetLoader.load(settings.target(), new SecureRandom());
    String name = settings.natFor(target);
    Testbed.Backend backend = Testbeds.backend(name);
    List<Path> files = new ArrayList<>(settings.scenarioFiles());
    // the run's order (ScenarioOrder)
    files.sort(Comparator.comparing(Path::toString));
    List<Plan> plans = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<InetSocketAddress> destinations = new LinkedHashSet<>();
    for (Path f : files) {
      try {
        Plan p = Plan.of(ScenarioLoader.load(f, catalog.ids()), target, backend);
        plans.add(p);
        destinations.addAll(p.destinations());
      } catch (LoadException e) {
        problems.add(e.getMessage());
      }
    }
    return new RunPlan(target, name, List.copyOf(plans), List.copyOf(problems), destinations);
  }

  /** The addresses the harness would send to (outside the tunnel). */
  public Set<InetAddress> destinationAddresses() {
    Set<InetAddress> out = new LinkedHashSet<>();
    destinations.forEach(d -> out.add(d.getAddress()));
    return out;
  }

  /** How many scenarios would run (not NOT_APPLICABLE, not refused). */
  public long running() {
    return plans.stream().filter(Plan::runs).count();
  }

  /** Prints the plan; 0 when it was made, 2 for a set-up or file error (as `natt run`). */
  public static int print(SuiteSettings settings, PrintStream out) {
    if (settings.scenarioFiles().isEmpty()) {
      out.println("natt: no scenario files under " + settings.suites());
      return ConformanceRun.ERROR;
    }
    RunPlan plan;
    try {
      plan = of(settings);
    } catch (LoadException | SetupException | Catalog.CatalogException e) {
      out.println("natt: " + e.getMessage());
      return ConformanceRun.ERROR;
    }
    out.printf(
        "natt run --plan: %d scenario(s) against %s (%s), %s NAT backend; nothing is sent%n",
        plan.plans().size() + plan.problems().size(),
        plan.target().name(),
        plan.target().address().getHostAddress(),
        plan.backend());
    int n = 0;
    int all = plan.plans().size();
    for (Plan p : plan.plans()) {
      out.println();
      List<String> lines = p.lines();
      out.printf("[%2d/%d] %s%n", ++n, all, lines.get(0));
      lines.subList(1, lines.size()).forEach(l -> out.println("       " + l));
    }
    for (String problem : plan.problems()) {
      out.println();
      out.println("natt: " + problem);
    }
    List<String> dest =
        plan.destinationAddresses().stream().map(InetAddress::getHostAddress).sorted().toList();
    List<String> ports =
        plan.destinations().stream()
            .map(InetSocketAddress::getPort)
            .distinct()
            .sorted()
            .map(String::valueOf)
            .toList();
    String only = "";
    if (dest.equals(List.of(plan.target().address().getHostAddress()))) {
      only = ", only the target's address";
    } else if (!dest.isEmpty()) {
      only = ", NOT only the target's address";
    }
    out.println();
    out.println(
        "Destinations: "
            + (dest.isEmpty()
                ? "none"
                : String.join(", ", dest) + " (UDP ports " + String.join(", ", ports) + ")")
            + only);
    out.println(
        plan.running()
            + " of "
            + plan.plans().size()
            + " scenario(s) would run"
            + (plan.problems().isEmpty()
                ? ""
                : "; " + plan.problems().size() + " file(s) with mistakes (exit 2)"));
    return plan.problems().isEmpty() ? ConformanceRun.OK : ConformanceRun.ERROR;
  }
}
