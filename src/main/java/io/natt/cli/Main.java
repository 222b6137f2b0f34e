package io.natt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code natt} command. */
@Command(
    name = "natt",
    mixinStandardHelpOptions = true,
    version = "natt-conformance 0.1.0",
    description = {
      "Packet-level conformance tests for IPsec NAT traversal (RFC 3947 NAT-T in IKEv1,"
          + " RFC 3948 UDP encapsulation of ESP).",
      "",
      "It plays the IKE/ESP peer of a VPN gateway, puts real NATs (network namespaces with"
          + " nftables) between itself and the gateway, and records every packet on both sides.",
      "Needs root for the namespaces; all traffic stays inside namespaces it creates.",
      ""
    },
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      ListCommand.class,
      DemoCommand.class,
      DoctorCommand.class,
      BenchCommand.class,
      CleanupCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every MUST requirement judged passed and nothing the run had to decide stayed"
          + " undecided (SHOULD failures are reported, not fatal)",
      "1:a MUST requirement failed: the device does not conform",
      "2:usage or set-up error (missing tool, not root, a file with a mistake, a harness error,"
          + " the IUT unreachable or refusing the scenario's proposal): no verdict",
      "3:undecided: nothing failed, but a MUST requirement (or a requirement a scenario names)"
          + " could not be judged, or no MUST requirement was judged at all"
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static final int OK = 0;
  public static final int NONCOMPLIANT = 1;
  public static final int SETUP_ERROR = 2;
  public static final int UNDECIDED = 3;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> SETUP_ERROR);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("natt: " + ex.getMessage());
          ex.getCommandLine().usage(ex.getCommandLine().getErr());
          return SETUP_ERROR;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          c.getErr().println("natt: internal error: " + ex);
          ex.printStackTrace(c.getErr());
          return SETUP_ERROR;
        });
    return cl.execute(args);
  }
}
