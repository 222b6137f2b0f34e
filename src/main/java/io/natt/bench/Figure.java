package io.natt.bench;

import java.util.Arrays;
import java.util.List;

/**
 * One measured figure: the rate of each timed round (packets per second), summarised by the median
 * and the range.
 *
 * @param name what was measured, as printed
 * @param rounds packets per second of each timed round, in the order measured
 */
public record Figure(String name, List<Double> rounds) {
  public Figure {
    rounds = List.copyOf(rounds);
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException("a figure needs at least one round: " + name);
    }
  }

  /** The median of the rounds (the mean of the middle two for an even count). */
  public double median() {
    double[] s = sorted();
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  public double min() {
    return sorted()[0];
  }

  public double max() {
    double[] s = sorted();
    return s[s.length - 1];
  }

  private double[] sorted() {
    double[] s = rounds.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    return s;
  }
}
