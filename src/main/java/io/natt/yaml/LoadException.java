package io.natt.yaml;

/**
 * A mistake in a YAML file, located: the message is {@code FILE:LINE:COL: PROBLEM} (1-based), or
 * {@code FILE: PROBLEM} when the file itself cannot be read. Meant to be shown to the user as is.
 */
public final class LoadException extends RuntimeException {
  private final String file;
  private final int line;
  private final int column;
  private final String problem;

  /**
   * @param line 1-based; 0 when the problem has no position (the file cannot be read)
   */
  public LoadException(String file, int line, int column, String problem) {
    super(line > 0 ? file + ":" + line + ":" + column + ": " + problem : file + ": " + problem);
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** The message without the location. */
  public String problem() {
    return problem;
  }
}
