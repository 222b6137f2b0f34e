package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/** ESP padding and trailer (RFC 4303 2.4-2.6): payload | 1,2,3.. | pad length | next header. */
public final class EspTrailer {
  private EspTrailer() {}

  /**
   * Appends padding 1, 2, 3, ..., the pad length and the next header so that the total is a
   * multiple of {@code blockSize} and of 4.
   */
  public static byte[] pad(byte[] inner, int nextHeader, int blockSize) {
    if (blockSize <= 0) {
      throw new IllegalArgumentException("block size must be positive: " + blockSize);
    }
    int align = blockSize % 4 == 0 ? blockSize : blockSize * 4 / gcd(blockSize, 4);
    int padLen = (align - (inner.length + 2) % align) % align;
    if (padLen > 255) {
      throw new IllegalArgumentException("block size " + blockSize + " needs more than 255 pad");
    }
    byte[] out = Arrays.copyOf(inner, inner.length + padLen + 2);
    for (int i = 0; i < padLen; i++) {
      out[inner.length + i] = (byte) (i + 1);
    }
    out[out.length - 2] = (byte) padLen;
    out[out.length - 1] = (byte) nextHeader;
    return out;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** Result of {@link #strip}: {@code padOk} tells whether the padding bytes were 1, 2, 3, .... */
  public record Stripped(byte[] payload, int padLength, int nextHeader, boolean padOk) {
    public Stripped {
      payload = Objects.requireNonNull(payload, "payload").clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Stripped s
          && s.padLength == padLength
          && s.nextHeader == nextHeader
          && s.padOk == padOk
          && Arrays.equals(payload, s.payload);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(payload), padLength, nextHeader, padOk);
    }

    @Override
    public String toString() {
      return "Stripped[nextHeader="
          + nextHeader
          + ", padLength="
          + padLength
          + ", padOk="
          + padOk
          + ", payload="
          + Hex.hex(payload)
          + "]";
    }
  }

  /** Removes padding and trailer from decrypted ESP plaintext. */
  public static Stripped strip(byte[] plaintext) {
    WireReader r = new WireReader(plaintext);
    int n = plaintext.length;
    if (n < 2) {
      throw r.malformed("esp trailer", "plaintext of " + n + " bytes has no room for the trailer");
    }
    int padLen = plaintext[n - 2] & 0xFF;
    int next = plaintext[n - 1] & 0xFF;
    if (padLen > n - 2) {
      throw r.malformedAt(
          "esp pad length", n - 2, "pad length " + padLen + " exceeds the " + (n - 2) + " bytes");
    }
    int payloadLen = n - 2 - padLen;
    boolean ok = true;
    for (int i = 0; i < padLen; i++) {
      if ((plaintext[payloadLen + i] & 0xFF) != i + 1) {
        ok = false;
        break;
      }
    }
    return new Stripped(Arrays.copyOf(plaintext, payloadLen), padLen, next, ok);
  }
}
