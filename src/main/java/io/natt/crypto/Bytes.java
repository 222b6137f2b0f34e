package io.natt.crypto;

/** Small byte helpers shared inside the package. */
final class Bytes {
  private Bytes() {}

  static byte[] concat(byte[]... parts) {
    int len = 0;
    for (byte[] p : parts) {
      len += requireNonNull(p, "input").length;
    }
    byte[] out = new byte[len];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  static byte[] requireNonNull(byte[] b, String what) {
    if (b == null) {
      throw new CryptoException(what + " must not be null");
    }
    return b;
  }

  static byte[] requireLength(byte[] b, int len, String what) {
    requireNonNull(b, what);
    if (b.length != len) {
      throw new CryptoException(what + " length " + b.length + " is not the required " + len);
    }
    return b;
  }

  static void requireBlockMultiple(int length, int blockSize, String what) {
    if (length % blockSize != 0) {
      throw new CryptoException(
          what + " length " + length + " is not a multiple of the block size " + blockSize);
    }
  }

  /** The IKEv1 Message ID as 4 big-endian octets. */
  static byte[] messageId(long messageId) {
    if (messageId < 0 || messageId > 0xFFFF_FFFFL) {
      throw new CryptoException("message ID " + messageId + " does not fit in 32 bits");
    }
    return new byte[] {
      (byte) (messageId >>> 24),
      (byte) (messageId >>> 16),
      (byte) (messageId >>> 8),
      (byte) messageId
    };
  }

  static byte[] prefix(byte[] b, int len) {
    byte[] out = new byte[len];
    System.arraycopy(b, 0, out, 0, len);
    return out;
  }

  static byte[] copy(byte[] b) {
    return b == null ? null : b.clone();
  }
}
