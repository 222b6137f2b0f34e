package io.natt.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one operation in a loop on the calling thread: a warm-up (so that the JIT has compiled the
 * path), then timed rounds of a fixed duration, each giving packets per second.
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

  private final long roundNanos;
  private final long warmupNanos;
  private final int rounds;

  Meter(double seconds, int rounds, double warmupSeconds) {
    this.roundNanos = (long) (seconds * 1e9);
    this.warmupNanos = (long) (warmupSeconds * 1e9);
    this.rounds = rounds;
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
    for (Task t : tasks) {
      loop(t.op(), warmupNanos);
    }
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
