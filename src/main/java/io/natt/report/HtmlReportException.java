package io.natt.report;

/**
 * The HTML report could not be generated. The message is meant for the user as it stands: what went
 * wrong and what to run to fix it; callers print it without a stack trace.
 */
public final class HtmlReportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HtmlReportException(String message) {
    super(message);
  }

  public HtmlReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
