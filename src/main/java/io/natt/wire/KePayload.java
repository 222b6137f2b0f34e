package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/** Key Exchange payload (RFC 2408 3.7): the DH public value. */
public record KePayload(byte[] data) implements Payload {
  public KePayload {
    data = Objects.requireNonNull(data, "data").clone();
  }

  @Override
  public int type() {
    return PayloadType.KE.code();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.bytes(data);
  }

  static KePayload decodeBody(WireReader r, String field) {
    return new KePayload(r.bytes(r.remaining(), field + " data"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KePayload p && Arrays.equals(data, p.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "KePayload[" + data.length + " bytes: " + Hex.hex(data) + "]";
  }
}
