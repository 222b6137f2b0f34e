package io.natt.crypto;

/**
 * Unchecked failure of a cryptographic operation or a rejected input (wrong length, value out of
 * range, unsupported algorithm). Messages describe the problem but never contain key material.
 */
public final class CryptoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CryptoException(String message) {
    super(message);
  }

  public CryptoException(String message, Throwable cause) {
    super(message, cause);
  }
}
