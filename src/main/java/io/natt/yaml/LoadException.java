package io.natt.yaml;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A mistake in a YAML file, located: the message is {@code FILE:LINE:COL: PROBLEM} (1-based), or
 * {@code FILE: PROBLEM} when the file itself cannot be read. Meant to be shown to the user as is.
 *
 * <p>A loader that keeps going after a mistake throws one LoadException for all of them ({@link
 * #of}): its message is one such line per mistake, in file order, and {@link #all()} lists them.
 */
public final class LoadException extends RuntimeException {
  private final String file;
  private final int line;
  private final int column;
  private final String problem;
  private final List<LoadException> all;

  /**
   * @param line 1-based; 0 when the problem has no position (the file cannot be read)
   */
  public LoadException(String file, int line, int column, String problem) {
    super(line > 0 ? file + ":" + line + ":" + column + ": " + problem : file + ": " + problem);
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
    this.all = List.of(this);
  }

  private LoadException(List<LoadException> mistakes) {
    super(mistakes.stream().map(LoadException::getMessage).collect(Collectors.joining("\n")));
    LoadException first = mistakes.get(0);
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.problem = first.problem;
    this.all = List.copyOf(mistakes);
  }

  /** One exception for several mistakes (given in file order); the mistake itself for one. */
  public static LoadException of(List<LoadException> mistakes) {
    if (mistakes.isEmpty()) {
      throw new IllegalArgumentException("no mistakes");
    }
    return mistakes.size() == 1 ? mistakes.get(0) : new LoadException(mistakes);
  }

  /** Every mistake this exception stands for, in file order (itself when there is one). */
  public List<LoadException> all() {
    return all;
  }

  /** The file of the (first) mistake. */
  public String file() {
    return file;
  }

  /** The line of the (first) mistake. */
  public int line() {
    return line;
  }

  /** The column of the (first) mistake. */
  public int column() {
    return column;
  }

  /** The message of the (first) mistake without the location. */
  public String problem() {
    return problem;
  }
}
