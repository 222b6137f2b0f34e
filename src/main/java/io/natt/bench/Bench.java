package io.natt.bench;

import io.natt.esp.EspSa;
import io.natt.wire.IcmpMessage;
import io.natt.wire.Ipv4Packet;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The data-path benchmark: the harness's ESP-in-UDP sealing against a bare JCE loop, the kernel's
 * UDP send rate over loopback, sealing plus sending, and the wire codecs' decode rate, all measured
 * in one run, with the ratios the project sets as goals.
 */
public final class Bench {
  /** Harness sealing should reach this share of the bare JCE loop. */
  public static final double SEAL_GOAL = 0.8;

  /** Sealing plus sending should reach this share of the kernel's single-send rate. */
  public static final double SEND_GOAL = 0.5;

  /** The smallest inner packet: an IPv4 header and an ICMP echo header. */
  public static final int MIN_SIZE = Ipv4Packet.MIN_HEADER + 8;

  /** The largest inner packet whose ESP-in-UDP datagram still fits a loopback UDP datagram. */
  public static final int MAX_SIZE = 65_000;

  /**
   * What to run.
   *
   * @param seconds length of each timed round (also of the warm-up)
   * @param rounds timed rounds per figure
   * @param size the inner IPv4 packet (the ESP payload before padding), in bytes
   * @param captures the folder whose pcaps feed the decode figure
   * @param maxWarmup the longest warm-up per measured operation, in seconds
   */
  public record Options(double seconds, int rounds, int size, Path captures, double maxWarmup) {
    public Options {
      if (!(maxWarmup >= 0 && maxWarmup <= 600)) {
        throw new BenchSetupException(
            "--warmup must be between 0 and 600 seconds, not " + maxWarmup);
      }
      if (!(seconds > 0 && seconds <= 60)) {
        throw new BenchSetupException(
            "--seconds must be more than 0 and at most 60, not " + seconds);
      }
      if (rounds < 1 || rounds > 100) {
        throw new BenchSetupException("--rounds must be between 1 and 100, not " + rounds);
      }
      if (size < MIN_SIZE || size > MAX_SIZE) {
        throw new BenchSetupException(
            "--size must be between " + MIN_SIZE + " and " + MAX_SIZE + " bytes, not " + size);
      }
    }
  }

  /** A ratio between two figures of the run and the goal it is held to. */
  public record Goal(String name, double ratio, double goal) {
    public boolean met() {
      return ratio >= goal;
    }
  }

  /** What one run measured. */
  public record Result(List<Figure> figures, List<Goal> goals) {
    public boolean allMet() {
      return goals.stream().allMatch(Goal::met);
    }
  }

  private static volatile int sink;

  private Bench() {}

  /**
   * Measures every figure and prints them to {@code out} as it goes.
   *
   * @throws BenchSetupException with a message for the user (no usable captures)
   * @throws IOException when the loopback sockets cannot be opened or used
   */
  public static Result run(Options o, PrintWriter out) throws Exception {
    if (!Files.isDirectory(o.captures())) {
      throw new BenchSetupException(
          o.captures() + ": no such folder; run from the project folder or give --captures DIR");
    }
    DecodeCorpus corpus = DecodeCorpus.load(o.captures());
    header(o, out);
    SecureRandom rnd = new SecureRandom();
    byte[] inner = innerPacket(o.size());
    Meter meter = new Meter(o.seconds(), o.rounds(), o.maxWarmup());
    List<Figure> figures = new ArrayList<>();
    List<Goal> goals = new ArrayList<>();

    for (Transform t : Transform.ALL) {
      EspSa sa = t.harness().sa(rnd);
      Meter.Op harnessSeal =
          () -> {
            sink += sa.seal(inner, rnd)[0];
            return 1;
          };
      List<Figure> pair =
          meter.measure(
              List.of(
                  new Meter.Task("harness seal " + t.name(), harnessSeal),
                  new Meter.Task("bare JCE " + t.name(), t.bare().loop(inner, rnd))));
      pair.forEach(f -> print(out, f));
      warmedUp(out, meter);
      figures.addAll(pair);
      goals.add(
          new Goal(
              "harness seal / bare JCE, " + t.name(), ratio(pair.get(0), pair.get(1)), SEAL_GOAL));
    }

    Transform first = Transform.ALL.get(0);
    EspSa sa = first.harness().sa(rnd);
    int espSize = sa.seal(inner, rnd).length;
    ByteBuffer datagram = ByteBuffer.wrap(new byte[espSize]);
    try (Loopback lo = new Loopback()) {
      List<Figure> sends =
          meter.measure(
              List.of(
                  new Meter.Task(
                      "kernel UDP send, one per call (" + espSize + " B)", () -> lo.send(datagram)),
                  new Meter.Task(
                      "kernel UDP send, " + Loopback.BATCH + " per wake-up (" + espSize + " B)",
                      () -> lo.sendBatch(datagram)),
                  new Meter.Task(
                      "harness seal + send " + first.name(),
                      () -> lo.send(ByteBuffer.wrap(sa.seal(inner, rnd))))));
      sends.forEach(f -> print(out, f));
      warmedUp(out, meter);
      figures.addAll(sends);
      goals.add(
          new Goal(
              "harness seal + send / kernel send", ratio(sends.get(2), sends.get(0)), SEND_GOAL));
      out.printf(
          Locale.ROOT,
          "  (loopback: %d datagrams reached the bench's receiver on %s; a datagram the receiver"
              + " had no room for is dropped by the kernel after send returned, and still counts"
              + " as sent)%n",
          lo.received(),
          lo.target());
    }

    Figure decode = print(out, meter.measure("decode captures (wire codecs)", corpus));
    warmedUp(out, meter);
    out.println("  (" + corpus.mix() + ")");
    figures.add(decode);

    out.println();
    out.println("goals (ratios of medians measured in this run)");
    for (Goal g : goals) {
      out.printf(
          Locale.ROOT,
          "ratio %-52s %6.2f  goal >= %.2f  %s%n",
          g.name(),
          g.ratio(),
          g.goal(),
          g.met() ? "PASS" : "MISS");
    }
    out.flush();
    return new Result(figures, goals);
  }

  private static void warmedUp(PrintWriter out, Meter meter) {
    out.printf(
        Locale.ROOT,
        "  (warm-up %.1f s: until the JIT stopped compiling and the rate stopped climbing, or the"
            + " --warmup cap)%n",
        meter.lastWarmupSeconds());
  }

  private static double ratio(Figure a, Figure b) {
    return a.median() / b.median();
  }

  private static void header(Options o, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "natt bench: %d CPUs, load average %s, Java %s (%s)%n",
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
    out.printf(
        Locale.ROOT,
        "one thread; warm-up until steady (at most %.1f s), then %d round(s) of %.2f s per figure,"
            + " interleaved with the figures compared with it; inner packet %d bytes%n",
        o.maxWarmup(),
        o.rounds(),
        o.seconds(),
        o.size());
    out.println(
        "Java has no sendmmsg(2): \"per wake-up\" is a non-blocking channel sending up to "
            + Loopback.BATCH
            + " datagrams per Selector wake-up, each still one sendto(2) system call.");
    out.println();
    out.printf(Locale.ROOT, "%-60s %12s %25s%n", "figure", "median pkt/s", "min - max pkt/s");
    out.flush();
  }

  private static Figure print(PrintWriter out, Figure f) {
    out.printf(
        Locale.ROOT, "%-60s %12.0f %12.0f - %-12.0f%n", f.name(), f.median(), f.min(), f.max());
    out.flush();
    return f;
  }

  /** The 1-, 5- and 15-minute load averages from /proc/loadavg, else the JVM's 1-minute figure. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f (1 min)", l);
    }
  }

  /**
   * The packet sealed in every step: IPv4 from 10.0.2.2 to 10.9.0.1 carrying an ICMP echo request,
   * as the harness's pings are built, padded with data to {@code size} bytes in all.
   */
  static byte[] innerPacket(int size) {
    byte[] data = new byte[size - MIN_SIZE];
    byte[] text = "natt-conformance bench ".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < data.length; i++) {
      data[i] = text[i % text.length];
    }
    byte[] icmp = IcmpMessage.echoRequest(0x4e41, 1, data).encode();
    return Ipv4Packet.of(new byte[] {10, 0, 2, 2}, new byte[] {10, 9, 0, 1}, Ipv4Packet.ICMP, icmp)
        .encode();
  }
}
