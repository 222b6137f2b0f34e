package io.natt.suite;

import static org.testng.Assert.assertTrue;

import io.natt.iut.TargetProfile;
import io.natt.nat.EmulatedTestbed;
import io.natt.nat.KernelTestbed;
import io.natt.scenario.Integration;
import io.natt.verdict.Catalog;
import io.natt.verdict.Judgement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.testng.annotations.Test;

/**
 * Both NAT backends give the same verdicts: every scenario of testsuites/ (rfc3947/, rfc3948/) runs
 * against the bundled strongSwan once through the kernel NAT (namespaces and nftables) and once
 * through the emulated NAT (inside the harness), and the outcome per scenario (verdict of every
 * judged requirement, not applicable, error) must be the same. A difference is allowed only where
 * {@link #DIFFERENCES} writes it down with its reason (also in the README). Scenarios run several
 * at a time, as `natt run` does; prints the time each backend took, summed over the scenarios.
 */
public class NatBackendEquivalenceTest {
  static final Path REPORT =
      Path.of(System.getProperty("natt.reports", "reports"), "backends").toAbsolutePath();

  static final String REBIND_APART =
      "a new port for the ESP or the IKE flow alone needs a NAT that tells them apart:"
          + " NOT_APPLICABLE on the kernel NAT, whose conntrack tracks both as one UDP flow";

  static final String FILTERING =
      "endpoint-independent and address-dependent filtering (RFC 4787 section 5) only on the"
          + " emulated NAT: NOT_APPLICABLE on the kernel NAT, whose conntrack lets in only replies"
          + " from the address and port a flow went to";

  /** Scenario file name -> why its outcome differs between the backends. */
  static final Map<String, String> DIFFERENCES =
      Map.of(
          "udp-checksum-zero-accepted.yaml",
          "UDP checksum 0 needs a raw IPv4 socket on the harness's host: NOT_APPLICABLE on the"
              + " emulated NAT, whose datagram sockets always compute the checksum",
          "rebind-esp-flow.yaml",
          REBIND_APART,
          "rebind-ike-flow.yaml",
          REBIND_APART,
          "float-behind-endpoint-independent-nat.yaml",
          FILTERING,
          "float-behind-address-dependent-nat.yaml",
          FILTERING);

  /** A scenario's outcome in comparable form: requirement -> verdict, or the reason it has none. */
  static Map<String, String> outcome(ScenarioResult r) {
    Map<String, String> m = new TreeMap<>();
    r.loadError().ifPresent(e -> m.put("(load)", e));
    r.notApplicable().ifPresent(e -> m.put("(scenario)", "NOT_APPLICABLE"));
    r.error().ifPresent(e -> m.put("(scenario)", "ERROR: " + e));
    for (Judgement j : r.judgements()) {
      m.put(j.id(), j.verdict().name());
    }
    return m;
  }

  /**
   * The requirements (or scenario outcomes) on which the backends differ, each with both verdicts
   * and their reasons, and where both traces are: what one needs to tell a backend's fault from the
   * IUT's timing.
   */
  static String explain(
      Map<String, String> ko, Map<String, String> eo, ScenarioResult k, ScenarioResult e) {
    java.util.Set<String> keys = new java.util.TreeSet<>(ko.keySet());
    keys.addAll(eo.keySet());
    StringBuilder b = new StringBuilder();
    for (String key : keys) {
      if (java.util.Objects.equals(ko.get(key), eo.get(key))) {
        continue;
      }
      b.append(
          String.format(
              "    %s: kernel %s (%s), emulated %s (%s)%n",
              key, ko.get(key), reason(k, key), eo.get(key), reason(e, key)));
    }
    b.append("    traces: ")
        .append(REPORT.resolve(KernelTestbed.NAME))
        .append(" and ")
        .append(REPORT.resolve(EmulatedTestbed.NAME))
        .append(", folder of the scenario id");
    return b.toString();
  }

  private static String reason(ScenarioResult r, String id) {
    return r.judgements().stream()
        .filter(j -> j.id().equals(id))
        .map(Judgement::reason)
        .findFirst()
        .orElse("-");
  }

  @Test
  public void everyScenarioGivesTheSameVerdictsUnderBothBackends() {
    Integration.require();
    SuiteSettings settings =
        new SuiteSettings(
            Path.of("testsuites/targets/bundled-strongswan.yaml"),
            List.of(Path.of("testsuites/rfc3947"), Path.of("testsuites/rfc3948")),
            Path.of("testsuites/requirements.yaml"),
            REPORT);
    Catalog catalog = ScenarioTest.catalog(settings.catalog());
    TargetProfile target = ScenarioTest.target(settings.target());
    List<Path> files = settings.scenarioFiles();
    assertTrue(files.size() >= 15, "the suite has its scenarios: " + files);
    // scenarios run several at a time, as `natt run` does by default (each builds namespaces and
    // an IUT of its own); each runs on the kernel backend, then on the emulated one
    record Pair(
        Path file,
        ScenarioResult kernel,
        long kernelNanos,
        ScenarioResult emulated,
        long emulatedNanos) {}
    ExecutorService pool = Executors.newFixedThreadPool(ConformanceRun.defaultJobs());
    List<Future<Pair>> runs = new ArrayList<>();
    try {
      for (Path f : files) {
        runs.add(
            pool.submit(
                () -> {
                  java.util.function.Function<String, ScenarioResult> on =
                      backend ->
                          ScenarioExecution.execute(
                              f, catalog, target, backend, REPORT.resolve(backend), l -> {});
                  long t0 = System.nanoTime();
                  ScenarioResult k = on.apply(KernelTestbed.NAME);
                  long t1 = System.nanoTime();
                  ScenarioResult e = on.apply(EmulatedTestbed.NAME);
                  long t2 = System.nanoTime();
                  return new Pair(f, k, t1 - t0, e, t2 - t1);
                }));
      }
    } finally {
      pool.shutdown();
    }
    long kernelNanos = 0;
    long emulatedNanos = 0;
    List<String> differences = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (Future<Pair> run : runs) {
      Pair p;
      try {
        p = run.get();
      } catch (InterruptedException | ExecutionException x) {
        throw new AssertionError("a scenario run broke: " + x, x);
      }
      ScenarioResult k = p.kernel();
      ScenarioResult e = p.emulated();
      kernelNanos += p.kernelNanos();
      emulatedNanos += p.emulatedNanos();
      Map<String, String> ko = outcome(k);
      Map<String, String> eo = outcome(e);
      String name = p.file().getFileName().toString();
      table.append(
          String.format(
              "  %-40s kernel %-14s %5.1f s   emulated %-14s %5.1f s%n",
              name, k.verdict(), p.kernelNanos() / 1e9, e.verdict(), p.emulatedNanos() / 1e9));
      if (!ko.equals(eo) && !DIFFERENCES.containsKey(name)) {
        differences.add(name + ":\n" + explain(ko, eo, k, e));
      }
      assertTrue(
          k.error().isEmpty() || DIFFERENCES.containsKey(name),
          name + " errs on the kernel backend: " + k.error());
    }
    differences.forEach(System.out::println);
    System.out.printf(
        "NAT backends over %d scenarios (summed scenario times, %d at a time): kernel %.1f s,"
            + " emulated %.1f s%n%s",
        files.size(), ConformanceRun.defaultJobs(), kernelNanos / 1e9, emulatedNanos / 1e9, table);
    assertTrue(
        differences.isEmpty(),
        "verdicts differ between the backends:\n  " + String.join("\n  ", differences));
  }
}
