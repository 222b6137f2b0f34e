package io.natt.cli;

import io.natt.suite.Doctor;
import io.natt.suite.SuiteSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks that this machine can run the suite (and the project's tests). */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Checks the capabilities a run needs, by trying them: root; ip, nft, conntrack, ethtool,"
          + " sysctl, unshare, charon and swanctl; /dev/net/tun; network namespaces, veth, an"
          + " nftables masquerade and a Pcap4J capture (in throwaway namespaces, removed again);"
          + " and that charon has a provider for every DH group, cipher and integrity algorithm"
          + " the scenarios' proposals use. tshark and Chromium are checked for the project's"
          + " tests only. One line per check; a failed one says what to install or enable.",
      "For a remote device (a target profile without launch) a run needs no root: only that"
          + " remote.bind is an address of this machine; whether UDP 500/4500 can be bound is"
          + " reported (scenarios without a NAT are NOT_APPLICABLE without it), never a blocker.",
      "`natt run` runs the same checks (without the test-only ones) before it starts.",
      "Exit 0 when everything a run needs works, 2 otherwise."
    })
final class DoctorCommand implements Callable<Integer> {
  @Option(
      names = "--target",
      paramLabel = "FILE",
      description = "Target profile (default: ${DEFAULT-VALUE}).")
  Path target = Path.of("testsuites/targets/bundled-strongswan.yaml");

  @Option(
      names = "--suite",
      paramLabel = "DIR|FILE",
      split = ",",
      description =
          "Scenario folders or files whose proposals charon must support (default:"
              + " testsuites).")
  List<Path> suites = List.of(Path.of("testsuites"));

  @Override
  public Integer call() {
    PrintStream out = System.out;
    if (!Files.isRegularFile(target)) {
      System.err.println("natt: no such target profile: " + target + " (give one with --target)");
      return Main.SETUP_ERROR;
    }
    for (Path p : suites) {
      if (!Files.exists(p)) {
        System.err.println("natt: no such suite file or folder: " + p);
        return Main.SETUP_ERROR;
      }
    }
    List<Path> files =
        new SuiteSettings(target, suites, Path.of("testsuites/requirements.yaml"), Path.of("."))
            .scenarioFiles();
    out.printf(
        "natt doctor: checking this machine for %s with %d scenario file(s)%n",
        target, files.size());
    List<Doctor.Check> checks = Doctor.all(target, files);
    checks.forEach(c -> out.println(c.line()));
    out.println(Doctor.summary(checks));
    return Doctor.runnable(checks) ? Main.OK : Main.SETUP_ERROR;
  }

  /**
   * What {@code natt run} refuses with when a check a run needs failed (the failed checks, one line
   * each, with what to install or enable); null when the run may start.
   */
  static String refusal(List<Doctor.Check> checks) {
    if (Doctor.runnable(checks)) {
      return null;
    }
    StringBuilder sb =
        new StringBuilder(
            "natt: this machine cannot run the suite (`natt doctor` shows all checks):");
    checks.stream()
        .filter(c -> !c.ok() && c.need() == Doctor.Need.RUN)
        .forEach(c -> sb.append('\n').append(c.line()));
    return sb.toString();
  }
}
