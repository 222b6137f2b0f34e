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
    byte[] out = new byte[paddedLength(inner.length, blockSize)];
    padInto(inner, nextHeader, out, out.length);
    return out;
  }

  /** The length of {@code innerLength} bytes once padded and trailed as {@link #pad} does. */
  public static int paddedLength(int innerLength, int blockSize) {
    if (blockSize <= 0) {
      throw new IllegalArgumentException("block size must be positive: " + blockSize);
    }
    int align = blockSize % 4 == 0 ? blockSize : blockSize * 4 / gcd(blockSize, 4);
    int padLen = (align - (innerLength + 2) % align) % align;
    if (padLen > 255) {
      throw new IllegalArgumentException("block size " + blockSize + " needs more than 255 pad");
    }
    return innerLength + padLen + 2;
  }

  /**
   * Writes what {@link #pad} returns into the first {@code paddedLength} bytes of {@code out} (from
   * {@link #paddedLength}), so that a data path can reuse one buffer.
   */
  public static void padInto(byte[] inner, int nextHeader, byte[] out, int paddedLength) {
    int padLen = paddedLength - inner.length - 2;
    System.arraycopy(inner, 0, out, 0, inner.length);
    for (int i = 0; i < padLen; i++) {
      out[inner.length + i] = (byte) (i + 1);
    }
    out[paddedLength - 2] = (byte) padLen;
    out[paddedLength - 1] = (byte) nextHeader;
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
