package io.natt.wire;

/**
 * Bounds-checked big-endian reader. Every failure is a {@link MalformedException} naming the field
 * and the absolute offset in the original buffer. Slices share the original buffer, so positions
 * stay absolute.
 */
public final class WireReader {
  private final byte[] buf;
  private int pos;
  private final int end;

  public WireReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  private WireReader(byte[] buf, int start, int end) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  private void need(int n, String field) {
    if (n < 0) {
      throw malformed(field, "negative length " + n);
    }
    if (n > end - pos) {
      throw malformed(field, "needs " + n + " bytes, only " + (end - pos) + " left");
    }
  }

  public int u8(String field) {
    need(1, field);
    return buf[pos++] & 0xFF;
  }

  public int u16(String field) {
    need(2, field);
    int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  public long u32(String field) {
    need(4, field);
    long v =
        ((long) (buf[pos] & 0xFF) << 24)
            | ((buf[pos + 1] & 0xFF) << 16)
            | ((buf[pos + 2] & 0xFF) << 8)
            | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  public byte[] bytes(int n, String field) {
    need(n, field);
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  /** Returns a reader over the next {@code n} bytes and advances this reader past them. */
  public WireReader slice(int n, String field) {
    need(n, field);
    WireReader r = new WireReader(buf, pos, pos + n);
    pos += n;
    return r;
  }

  /** Absolute position in the original buffer. */
  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  /** Reads everything that is left. */
  public byte[] rest() {
    return bytes(remaining(), "rest");
  }

  /** Fails if anything is left, naming {@code field}. */
  public void expectEnd(String field) {
    if (pos != end) {
      throw malformed(field, (end - pos) + " unexpected trailing bytes");
    }
  }

  /** A MalformedException at the current position (not thrown). */
  public MalformedException malformed(String field, String reason) {
    return new MalformedException(field, pos, buf, reason);
  }

  /** A MalformedException at an explicit absolute offset (not thrown). */
  public MalformedException malformedAt(String field, int offset, String reason) {
    return new MalformedException(field, offset, buf, reason);
  }
}
