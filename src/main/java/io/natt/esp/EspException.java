package io.natt.esp;

/** An ESP packet that cannot be accepted: wrong SPI, bad ICV, replayed, bad padding. */
public class EspException extends RuntimeException {
  public EspException(String message) {
    super(message);
  }
}
