package io.natt.yaml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Collects the mistakes of one file, so that a loader reports every one of them instead of the
 * first. A loader reads each part through {@link #get}: a mistake in that part is recorded and a
 * fallback stands in for the value, and the loader goes on with the next part. At the end {@link
 * #throwIfAny()} throws one {@link LoadException} listing them all in file order.
 */
public final class Problems {
  private final List<LoadException> found = new ArrayList<>();

  /** Records a mistake (every mistake a LoadException stands for). */
  public void add(LoadException e) {
    found.addAll(e.all());
  }

  /** The value read, or {@code fallback} when reading it found a mistake (recorded). */
  public <T> T get(Supplier<T> read, T fallback) {
    try {
      return read.get();
    } catch (LoadException e) {
      add(e);
      return fallback;
    }
  }

  /** The value read, or empty when reading it found a mistake (recorded). */
  public <T> Optional<T> get(Supplier<T> read) {
    try {
      return Optional.ofNullable(read.get());
    } catch (LoadException e) {
      add(e);
      return Optional.empty();
    }
  }

  /** Runs a check; a mistake is recorded. Returns whether it went through without one. */
  public boolean check(Runnable check) {
    try {
      check.run();
      return true;
    } catch (LoadException e) {
      add(e);
      return false;
    }
  }

  public boolean isEmpty() {
    return found.isEmpty();
  }

  /** The mistakes so far, in file order (by line, then column), each once. */
  public List<LoadException> all() {
    Map<String, LoadException> unique = new LinkedHashMap<>();
    found.stream()
        .sorted(
            Comparator.comparingInt(LoadException::line).thenComparingInt(LoadException::column))
        .forEach(e -> unique.putIfAbsent(e.getMessage(), e));
    return List.copyOf(unique.values());
  }

  /** Throws one LoadException for all mistakes found, if any. */
  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw LoadException.of(all());
    }
  }
}
