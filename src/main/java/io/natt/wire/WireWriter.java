package io.natt.wire;

import java.util.Arrays;

/** Growable big-endian writer. Values are truncated to the field width (no checks). */
public final class WireWriter {
  private byte[] buf;
  private int pos;

  public WireWriter() {
    this(64);
  }

  public WireWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  public WireWriter u8(int v) {
    ensure(1);
    buf[pos++] = (byte) v;
    return this;
  }

  public WireWriter u16(int v) {
    ensure(2);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
    return this;
  }

  public WireWriter u32(long v) {
    ensure(4);
    buf[pos++] = (byte) (v >>> 24);
    buf[pos++] = (byte) (v >>> 16);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
    return this;
  }

  public WireWriter bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
    return this;
  }

  public int position() {
    return pos;
  }

  /** Overwrites a 16-bit value at an earlier position. */
  public WireWriter patchU16(int at, int v) {
    if (at < 0 || at + 2 > pos) {
      throw new IllegalArgumentException("patch position " + at + " outside written data " + pos);
    }
    buf[at] = (byte) (v >>> 8);
    buf[at + 1] = (byte) v;
    return this;
  }

  /** Overwrites a 32-bit value at an earlier position. */
  public WireWriter patchU32(int at, long v) {
    if (at < 0 || at + 4 > pos) {
      throw new IllegalArgumentException("patch position " + at + " outside written data " + pos);
    }
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
    return this;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }
}
