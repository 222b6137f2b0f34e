package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/** Nonce payload (RFC 2408 3.13). */
public record NoncePayload(byte[] data) implements Payload {
  public NoncePayload {
    data = Objects.requireNonNull(data, "data").clone();
  }

  @Override
  public int type() {
    return PayloadType.NONCE.code();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.bytes(data);
  }

  static NoncePayload decodeBody(WireReader r, String field) {
    return new NoncePayload(r.bytes(r.remaining(), field + " data"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoncePayload p && Arrays.equals(data, p.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NoncePayload[" + data.length + " bytes: " + Hex.hex(data) + "]";
  }
}
