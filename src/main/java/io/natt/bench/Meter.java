package io.natt.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs operations in a loop on the calling thread: a warm-up until the rate stops climbing (the JIT
 * has compiled the path; on a loaded two-core machine that took about 10 s for the harness's seal),
 * then timed rounds of a fixed duration, each giving packets per second.
 */
final class Meter {
  /**
   * One step of the measured loop; returns how many packets it handled (a batch may be several).
   */
  @FunctionalInterface
  interface Op {
    int run() throws Exception;
  }

  /** Steps between two reads of the clock, so that reading it costs nothing measurable. */
  private static final int STEPS_PER_CLOCK_READ = 32;

  /** Warm-up slices that must pass without a new best rate before the rate counts as steady. */
  static final int STEADY_SLICES = 4;

  /** A new best must beat the old one by this factor to count as still climbing. */
  static final double CLIMBING = 1.05;

  private final long roundNanos;
  private final long sliceNanos;
  private final long maxWarmupNanos;
  private final int rounds;
  private double lastWarmupSeconds;

  /**
   * @param seconds length of a timed round
   * @param rounds timed rounds per figure
   * @param maxWarmupSeconds the longest warm-up per operation, even when the rate still climbs
   */
  Meter(double seconds, int rounds, double maxWarmupSeconds) {
    this.roundNanos = (long) (seconds * 1e9);
    this.sliceNanos = Math.min(roundNanos, 500_000_000L);
    this.maxWarmupNanos = (long) (maxWarmupSeconds * 1e9);
    this.rounds = rounds;
  }

  /** How long the last {@link #measure(List)} warmed up, all its operations together. */
  double lastWarmupSeconds() {
    return lastWarmupSeconds;
  }

  /** A named operation to measure. */
  record Task(String name, Op op) {}

  Figure measure(String name, Op op) throws Exception {
    return measure(List.of(new Task(name, op))).get(0);
  }

  /**
   * Measures several operations with their rounds interleaved (A, B, C, A, B, C, ...), after a
   * warm-up of each, so that figures compared with each other see the same machine noise.
   */
  List<Figure> measure(List<Task> tasks) throws Exception {
    long w0 = System.nanoTime();
    for (Task t : tasks) {
      warmUp(t.op());
    }
    lastWarmupSeconds = (System.nanoTime() - w0) / 1e9;
    List<List<Double>> rates = new ArrayList<>();
    tasks.forEach(t -> rates.add(new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < tasks.size(); i++) {
        long t0 = System.nanoTime();
        long packets = loop(tasks.get(i).op(), roundNanos);
        long elapsed = System.nanoTime() - t0;
        rates.get(i).add(packets * 1e9 / elapsed);
      }
    }
    List<Figure> out = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      out.add(new Figure(tasks.get(i).name(), rates.get(i)));
    }
    return out;
  }

  /**
   * Runs slices until the rate is steady: {@link #STEADY_SLICES} slices in a row set no new best
   * and the JIT compiled nothing during the last two of them (a plateau while the JIT still works
   * is the interpreted or C1 rate, not the final one), or the cap.
   */
  private void warmUp(Op op) throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
    long end = System.nanoTime() + maxWarmupNanos;
    double best = 0;
    int sinceBest = 0;
    int quietSlices = 0;
    do {
      long jit0 = jitTimed ? jit.getTotalCompilationTime() : 0;
      long t0 = System.nanoTime();
      long packets = loop(op, sliceNanos);
      double rate = packets * 1e9 / (System.nanoTime() - t0);
      quietSlices = jitTimed && jit.getTotalCompilationTime() > jit0 ? 0 : quietSlices + 1;
      if (rate > best * CLIMBING) {
        best = rate;
        sinceBest = 0;
      } else {
        sinceBest++;
      }
    } while ((sinceBest < STEADY_SLICES || quietSlices < 2) && System.nanoTime() < end);
  }

  private static long loop(Op op, long nanos) throws Exception {
    long end = System.nanoTime() + nanos;
    long packets = 0;
    do {
      for (int i = 0; i < STEPS_PER_CLOCK_READ; i++) {
        packets += op.run();
      }
    } while (System.nanoTime() < end);
    return packets;
  }
}
