package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * A data attribute (RFC 2408 3.3). {@code tv} is the AF bit: true = TV ("basic", 2-byte value in
 * the header), false = TLV ("variable", 16-bit length then value). The format and the exact value
 * bytes (including leading zeros of a TLV) are preserved, so attributes round-trip byte for byte. A
 * TV attribute whose value is not 2 bytes is written as given (deliberately broken encoding).
 */
public record Attribute(int type, boolean tv, byte[] value) {
  public Attribute {
    if (type < 0 || type > 0x7FFF) {
      throw new IllegalArgumentException("attribute type must fit 15 bits: " + type);
    }
    value = Objects.requireNonNull(value, "value").clone();
  }

  /** TV attribute with a 16-bit value. */
  public static Attribute basic(int type, int value) {
    return new Attribute(type, true, new byte[] {(byte) (value >>> 8), (byte) value});
  }

  /** TLV attribute with the given value bytes. */
  public static Attribute variable(int type, byte[] value) {
    return new Attribute(type, false, value);
  }

  /** TLV attribute holding a 32-bit big-endian value (e.g. a life duration). */
  public static Attribute variable32(int type, long value) {
    return variable(
        type,
        new byte[] {
          (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
        });
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  /** The value as a big-endian unsigned number (the low 64 bits when longer than 8 bytes). */
  public long longValue() {
    long v = 0;
    for (byte b : value) {
      v = (v << 8) | (b & 0xFF);
    }
    return v;
  }

  public void encode(WireWriter w) {
    if (tv) {
      w.u16(0x8000 | type).bytes(value);
    } else {
      if (value.length > 0xFFFF) {
        throw new IllegalArgumentException("TLV attribute value longer than 65535 bytes");
      }
      w.u16(type).u16(value.length).bytes(value);
    }
  }

  static Attribute decode(WireReader r, String field) {
    int afType = r.u16(field + " type");
    boolean isTv = (afType & 0x8000) != 0;
    byte[] v;
    if (isTv) {
      v = r.bytes(2, field + " value");
    } else {
      int len = r.u16(field + " length");
      v = r.bytes(len, field + " value");
    }
    return new Attribute(afType & 0x7FFF, isTv, v);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attribute a
        && a.type == type
        && a.tv == tv
        && Arrays.equals(value, a.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, tv, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return tv
        ? "Attr[" + type + "=" + longValue() + "]"
        : "Attr[" + type + "(TLV)=0x" + Hex.hex(value) + "]";
  }
}
