package io.natt.cli;

import io.natt.nat.Testbeds;
import io.natt.suite.ConformanceRun;
import io.natt.suite.Doctor;
import io.natt.suite.RunPlan;
import io.natt.suite.SuiteSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs scenario files against a target. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs conformance scenarios against a target and judges every requirement they exercise.",
      "One line per scenario as it finishes, then a summary by requirement with the evidence of"
          + " each failure. Needs root (network namespaces) for the bundled strongSwan; a remote"
          + " device (a target profile without launch) is tested without root, through the NAT"
          + " emulated in the harness."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every MUST requirement judged passed, nothing left undecided",
      "1:a MUST requirement failed: the device does not conform",
      "2:set-up error (a file with a mistake, the IUT unreachable, the IUT refusing the"
          + " scenario's proposal, a harness error): no verdict on the IUT",
      "3:undecided: nothing failed, but a MUST requirement or a requirement a scenario names"
          + " stayed INCONCLUSIVE, or no MUST requirement was judged at all"
    })
final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--target",
      paramLabel = "FILE",
      description = "Target profile (default: ${DEFAULT-VALUE}).")
  Path target = Path.of("testsuites/targets/bundled-strongswan.yaml");

  @Option(
      names = "--suite",
      paramLabel = "DIR|FILE",
      split = ",",
      description = "Scenario folders or files (default: testsuites).")
  List<Path> suites = List.of(Path.of("testsuites"));

  @Option(
      names = "--catalog",
      paramLabel = "FILE",
      description = "Requirement catalog (default: ${DEFAULT-VALUE}).")
  Path catalog = Path.of("testsuites/requirements.yaml");

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Where captures, traces and results go (default: ${DEFAULT-VALUE}).")
  Path report = Path.of("reports");

  @Option(
      names = "--export-keys",
      negatable = true,
      description =
          "Write Wireshark key tables (esp_sa, ikev1_decryption_table) next to the captures and"
              + " into the HTML report. Default: on for the bundled strongSwan (its secrets are"
              + " random for each run), off for a remote device.")
  Boolean exportKeys;

  @Option(
      names = "--nat",
      paramLabel = "kernel|emulated",
      description =
          "NAT backend: kernel (namespaces and nftables between real hosts) or emulated (a NAT"
              + " inside the harness). Default: kernel for a target the project launches, emulated"
              + " for a remote device.")
  String nat = "";

  @Option(
      names = "--plan",
      description =
          "Print what the run would send, and where, scenario by scenario (NOT_APPLICABLE or"
              + " refused ones with the reason, the NAT backend, the harness's and the IUT's"
              + " addresses and ports, one line per step), then the set of destination addresses."
              + " Sends nothing, builds no namespace, starts no IUT, needs no root.")
  boolean plan;

  @Option(
      names = {"-j", "--jobs"},
      paramLabel = "N",
      description =
          "How many scenarios run at the same time, each in network namespaces and with an IUT"
              + " of its own; verdicts, matrix, report and exit code are those of a run one at a"
              + " time. 1 runs them one after another. Default: twice the number of cores, at"
              + " most 8 (the run's first line says how many); 1 for a remote device, which is one gateway with one configuration for the"
              + " harness (more is refused).")
  Integer jobs;

  @Option(
      names = "--accept-known",
      description =
          "A MUST requirement that FAILs as the target profile's known-results says it does"
              + " (known-results: { ID: FAIL }) does not make the exit code 1: the gate turns red on"
              + " new failures only. The FAIL is still reported (FAIL (known)), in the statement,"
              + " the matrix and the HTML report. Default: every MUST FAIL is exit 1.")
  boolean acceptKnown;

  @Override
  public Integer call() {
    if (jobs != null && jobs < 1) {
      System.err.println("natt: --jobs " + jobs + ": give 1 or more");
      return Main.SETUP_ERROR;
    }
    if (exportKeys != null) {
      System.setProperty("natt.exportKeys", exportKeys.toString());
    }
    for (Path p : List.of(target, catalog)) {
      if (!Files.isRegularFile(p)) {
        System.err.println("natt: no such file: " + p);
        return Main.SETUP_ERROR;
      }
    }
    for (Path p : suites) {
      if (!Files.exists(p)) {
        System.err.println("natt: no such suite file or folder: " + p);
        return Main.SETUP_ERROR;
      }
    }
    if (!nat.isEmpty() && !Testbeds.names().contains(nat)) {
      System.err.println(
          "natt: --nat " + nat + ": choose one of " + String.join(", ", Testbeds.names()));
      return Main.SETUP_ERROR;
    }
    String remoteKernel = remoteOnKernel(target, nat);
    if (remoteKernel != null) {
      System.err.println(remoteKernel);
      return Main.SETUP_ERROR;
    }
    SuiteSettings settings = new SuiteSettings(target, suites, catalog, report, nat);
    if (plan) {
      return RunPlan.print(settings, System.out);
    }
    String refused = DoctorCommand.refusal(Doctor.forRun(target, settings.scenarioFiles()));
    if (refused != null) {
      System.err.println(refused);
      return Main.SETUP_ERROR;
    }
    return ConformanceRun.run(
        settings,
        jobs != null ? jobs : ConformanceRun.defaultJobs(settings),
        acceptKnown,
        System.out);
  }

  /** The refusal of {@code --nat kernel} for a remote device, or null. */
  static String remoteOnKernel(Path target, String nat) {
    if (!io.natt.nat.KernelTestbed.NAME.equals(nat)) {
      return null;
    }
    io.natt.iut.TargetProfile t;
    try {
      t = io.natt.iut.TargetLoader.load(target, new java.security.SecureRandom());
    } catch (RuntimeException e) {
      return null; // the run reports the file's mistakes
    }
    return t.isRemote()
        ? "natt: --nat kernel: "
            + t.name()
            + " is a remote device, reached only through the NAT emulated in the harness (--nat"
            + " emulated, the default for it); a kernel NAT needs the IUT in a namespace of the"
            + " project's"
        : null;
  }
}
