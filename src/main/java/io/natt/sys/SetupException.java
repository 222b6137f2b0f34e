package io.natt.sys;

/**
 * The local set-up could not be built: a missing tool, no root, a command that failed. It is a
 * harness problem (verdict ERROR), never a verdict on the device.
 */
public class SetupException extends RuntimeException {
  public SetupException(String message) {
    super(message);
  }

  public SetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
