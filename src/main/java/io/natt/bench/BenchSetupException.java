package io.natt.bench;

/**
 * A mistake the user can fix (an option out of range, no captures to decode); the message says how.
 */
public final class BenchSetupException extends RuntimeException {
  public BenchSetupException(String message) {
    super(message);
  }
}
