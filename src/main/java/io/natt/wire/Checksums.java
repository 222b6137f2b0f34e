package io.natt.wire;

/** The Internet checksum (RFC 1071) and the TCP/UDP pseudo-header sums. */
public final class Checksums {
  private Checksums() {}

  /**
   * Adds {@code len} bytes as big-endian 16-bit words to {@code acc} (an odd last byte is padded
   * with zero). Chain calls only at even byte boundaries.
   */
  public static long sum(byte[] b, int off, int len, long acc) {
    int i = off;
    int end = off + len;
    for (; i + 1 < end; i += 2) {
      acc += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
    if (i < end) {
      acc += (b[i] & 0xFF) << 8;
    }
    return acc;
  }

  /** Folds carries into 16 bits (the ones'-complement sum, not yet complemented). */
  public static int foldSum(long acc) {
    while ((acc >>> 16) != 0) {
      acc = (acc & 0xFFFF) + (acc >>> 16);
    }
    return (int) acc;
  }

  /** The checksum value for an accumulated sum: the complement of the folded sum. */
  public static int finish(long acc) {
    return ~foldSum(acc) & 0xFFFF;
  }

  /** Internet checksum of a whole array (checksum field assumed zeroed). */
  public static int internet(byte[] b) {
    return internet(b, 0, b.length);
  }

  public static int internet(byte[] b, int off, int len) {
    return finish(sum(b, off, len, 0));
  }

  /** True when data that includes its checksum field sums to 0xFFFF. */
  public static boolean verify(byte[] b, int off, int len) {
    return foldSum(sum(b, off, len, 0)) == 0xFFFF;
  }

  /** Sum of the IPv4 (4-byte addresses) or IPv6 (16-byte addresses) pseudo-header. */
  public static long pseudoHeaderSum(byte[] src, byte[] dst, int protocol, int length) {
    if (src.length != dst.length || (src.length != 4 && src.length != 16)) {
      throw new IllegalArgumentException("addresses must both be 4 or both be 16 bytes");
    }
    long acc = sum(src, 0, src.length, 0);
    acc = sum(dst, 0, dst.length, acc);
    acc += protocol & 0xFF;
    acc += (length >>> 16) & 0xFFFF;
    acc += length & 0xFFFF;
    return acc;
  }
}
