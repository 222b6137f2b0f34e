package io.natt.ike;

/** The exchange with the IUT did not complete: no answer, a refusal, or an answer that fails. */
public class IkeException extends RuntimeException {
  public IkeException(String message) {
    super(message);
  }

  public IkeException(String message, Throwable cause) {
    super(message, cause);
  }
}
