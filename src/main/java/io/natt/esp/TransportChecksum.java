package io.natt.esp;

import io.natt.wire.Checksums;

/**
 * The transport-mode decapsulation NAT procedure of RFC 3948 section 3.1.2, option 1: a UDP or TCP
 * checksum that the sender computed over the original addresses (its own, and the receiver's as the
 * sender saw it: the NAT-OA payloads of RFC 3947 section 5.2) is fixed incrementally for the
 * addresses of the packet as received (RFC 1624 equation 3). The same arithmetic builds the
 * sender's side in tests. A UDP checksum of zero (none computed) stays zero.
 */
public final class TransportChecksum {
  private TransportChecksum() {}

  /** Offset of the checksum field in a UDP header. */
  public static final int UDP_CHECKSUM = 6;

  /** Offset of the checksum field in a TCP header. */
  public static final int TCP_CHECKSUM = 16;

  /**
   * Returns a copy of {@code segment} whose checksum field (at {@code checksumOffset}) is valid for
   * {@code receivedSrc}/{@code receivedDst}, given it was computed for {@code originalSrc}/{@code
   * originalDst}: the checksum plus the original addresses minus the received ones, in ones'
   * complement. With {@code zeroMeansNone} (UDP), a zero checksum is left as it is.
   */
  public static byte[] fix(
      byte[] segment,
      int checksumOffset,
      boolean zeroMeansNone,
      byte[] originalSrc,
      byte[] originalDst,
      byte[] receivedSrc,
      byte[] receivedDst) {
    byte[] out = segment.clone();
    int old = ((out[checksumOffset] & 0xFF) << 8) | (out[checksumOffset + 1] & 0xFF);
    if (old == 0 && zeroMeansNone) {
      return out;
    }
    // HC' = ~(~HC + ~m + m'), m the original address words, m' the received ones: the
    // pseudo-header the checksum covers moves from the original addresses to the received ones,
    // which is RFC 3948's "subtract the received address from the checksum, add the real one"
    long acc = (~old) & 0xFFFF;
    acc = Checksums.sum(complement(originalSrc), 0, originalSrc.length, acc);
    acc = Checksums.sum(complement(originalDst), 0, originalDst.length, acc);
    acc = Checksums.sum(receivedSrc, 0, receivedSrc.length, acc);
    acc = Checksums.sum(receivedDst, 0, receivedDst.length, acc);

    int fixed = Checksums.finish(acc);
    if (fixed == 0 && zeroMeansNone) {
      fixed = 0xFFFF; // UDP sends a computed zero as all ones (RFC 768)
    }
    out[checksumOffset] = (byte) (fixed >>> 8);
    out[checksumOffset + 1] = (byte) fixed;
    return out;
  }

  private static byte[] complement(byte[] b) {
    byte[] c = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      c[i] = (byte) ~b[i];
    }
    return c;
  }
}
