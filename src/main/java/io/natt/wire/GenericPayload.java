package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Any payload without a dedicated record (CERT, CERTREQ, SIG, unknown codes...), kept as its raw
 * body so that it round-trips. Also the way to send a deliberately malformed body of a known type.
 */
public record GenericPayload(int type, byte[] body) implements Payload {
  public GenericPayload {
    body = Objects.requireNonNull(body, "body").clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.bytes(body);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GenericPayload p && p.type == type && Arrays.equals(body, p.body);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "GenericPayload["
        + PayloadType.nameOf(type)
        + ", "
        + body.length
        + " bytes: "
        + Hex.hex(body)
        + "]";
  }
}
