package io.natt.nat;

/**
 * What an emulated NAT does to packets on demand, since this kernel has no netem: each packet it
 * forwards (either way) is lost with probability {@code loss}, sent twice with probability {@code
 * duplicate}, or held back until the next packet in the same direction has passed (at most {@link
 * #REORDER_HOLD_MILLIS} ms) with probability {@code reorder}.
 */
public record Impairment(double loss, double duplicate, double reorder) {
  /** How long a held-back packet waits for one to overtake it. */
  public static final long REORDER_HOLD_MILLIS = 200;

  /** No impairment. */
  public static final Impairment NONE = new Impairment(0, 0, 0);

  public Impairment {
    for (double p : new double[] {loss, duplicate, reorder}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("a probability lies in [0, 1], got " + p);
      }
    }
  }

  public boolean none() {
    return loss == 0 && duplicate == 0 && reorder == 0;
  }
}
