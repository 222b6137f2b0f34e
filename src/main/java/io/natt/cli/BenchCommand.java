package io.natt.cli;

import io.natt.bench.Bench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code natt bench}: data-path figures and their ratios, measured in one run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the harness's data path on one thread and prints packets per second (median and"
          + " min-max of the timed rounds, after a warm-up) for each figure:",
      "  harness seal   ESP encapsulation plus encryption through the harness's own path"
          + " (io.natt.esp.EspSa, what the peer sends as the UDP 4500 payload), for each ESP"
          + " transform the harness has (AES-128-CBC with HMAC-SHA2-256-128);",
      "  bare JCE       a javax.crypto Cipher + Mac loop doing the same encryption and MAC of the"
          + " same packet, with keys, IV and padding prepared once: the lower bound of what the"
          + " harness's path could cost;",
      "  kernel UDP send  the kernel's send rate over loopback only (127.0.0.1, to a receiver the"
          + " bench binds itself), one datagram per call as the harness sends, and several per"
          + " Selector wake-up on a non-blocking channel (Java has no sendmmsg(2), so each"
          + " datagram is still one system call);",
      "  harness seal + send  the harness's path, then the same loopback send;",
      "  decode captures  the wire codecs over the recorded traffic under --captures (Ethernet,"
          + " IPv4, UDP, then PacketView.classify with the ISAKMP or ESP decoding).",
      "",
      "Then the goals, as ratios of medians of this run, each PASS or MISS: harness seal at least"
          + " 0.8x the bare JCE loop, harness seal + send at least 0.5x the kernel's one-per-call"
          + " send rate.",
      "",
      "The figures depend on the machine and on what else runs on it: the CPU count and load"
          + " average are printed first. On a shared machine, compare ratios, not absolute rates,"
          + " and use more and longer rounds for steadier figures. Nothing leaves 127.0.0.1.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the figures were printed (a missed goal is reported, not an error, unless --check)",
      "1:with --check: at least one goal was missed",
      "2:usage error (an option out of range, no captures to decode) or loopback unavailable"
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      description = "Length of each timed round and of the warm-up (default: ${DEFAULT-VALUE}).")
  double seconds = 1.0;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Timed rounds per figure (default: ${DEFAULT-VALUE}).")
  int rounds = 5;

  @Option(
      names = "--size",
      paramLabel = "BYTES",
      description =
          "Size of the inner IPv4 packet that is sealed (the ESP payload before padding),"
              + " default: ${DEFAULT-VALUE}.")
  int size = 1400;

  @Option(
      names = "--captures",
      paramLabel = "DIR",
      description = "Folder of *.pcap files for the decode figure (default: ${DEFAULT-VALUE}).")
  Path captures = Path.of("captures");

  @Option(
      names = "--warmup",
      paramLabel = "S",
      description =
          "Longest warm-up per measured operation (default: ${DEFAULT-VALUE}); the warm-up ends"
              + " earlier once the rate stops climbing (the JIT has compiled the path).")
  double warmup = 15;

  @Option(names = "--check", description = "Exit 1 when a goal is missed.")
  boolean check;

  @Override
  public Integer call() throws Exception {
    Bench.Options options;
    try {
      options = new Bench.Options(seconds, rounds, size, captures, warmup);
    } catch (io.natt.bench.BenchSetupException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    Bench.Result r;
    try {
      r = Bench.run(options, out);
    } catch (io.natt.bench.BenchSetupException e) {
      spec.commandLine().getErr().println("natt bench: " + e.getMessage());
      return Main.SETUP_ERROR;
    } catch (io.natt.sys.SetupException e) {
      spec.commandLine().getErr().println("natt bench: " + e.getMessage());
      return Main.SETUP_ERROR;
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println("natt bench: loopback UDP unavailable: " + e);
      return Main.SETUP_ERROR;
    }
    if (check && !r.allMet()) {
      out.println("--check: a goal was missed");
      out.flush();
      return Main.NONCOMPLIANT;
    }
    return Main.OK;
  }
}
