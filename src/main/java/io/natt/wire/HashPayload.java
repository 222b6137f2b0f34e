package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/** Hash payload (RFC 2408 3.11). */
public record HashPayload(byte[] data) implements Payload {
  public HashPayload {
    data = Objects.requireNonNull(data, "data").clone();
  }

  @Override
  public int type() {
    return PayloadType.HASH.code();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.bytes(data);
  }

  static HashPayload decodeBody(WireReader r, String field) {
    return new HashPayload(r.bytes(r.remaining(), field + " data"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HashPayload p && Arrays.equals(data, p.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "HashPayload[" + data.length + " bytes: " + Hex.hex(data) + "]";
  }
}
