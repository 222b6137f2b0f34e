package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One IKEv2 payload as it appears in a chain (RFC 7296 section 3.2): its type, the critical bit,
 * the other seven bits of the flags octet, and its body. The body is kept opaque except for a
 * Notify, whose notify type is read (and checked) at decoding. For the SK payload the body is the
 * IV, ciphertext and ICV; {@link #nextPayload()} of an SK payload is the type of the first inner
 * (encrypted) payload.
 *
 * @param nextPayload the next-payload field as it was on the wire
 */
public record Ikev2Payload(int type, int nextPayload, boolean critical, int reserved, byte[] body) {
  public static final int HEADER = 4;

  public Ikev2Payload {
    Objects.requireNonNull(body, "body");
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The notify message type of a Notify payload, or -1 for any other payload. */
  public int notifyType() {
    if (type != Ikev2Names.NOTIFY) {
      return -1;
    }
    return ((body[2] & 0xff) << 8) | (body[3] & 0xff);
  }

  /** Reads one payload of type {@code type} at the reader's position. */
  static Ikev2Payload decode(int type, WireReader r) {
    int start = r.position();
    int np = r.u8("ikev2 next payload");
    int flags = r.u8("ikev2 payload flags");
    int len = r.u16("ikev2 payload length");
    if (len < HEADER) {
      throw r.malformedAt("ikev2 payload length", start + 2, "length " + len + " < 4");
    }
    int bodyAt = r.position();
    byte[] body = r.bytes(len - HEADER, "ikev2 payload body");
    if (type == Ikev2Names.NOTIFY) {
      if (body.length < 4) {
        throw r.malformedAt(
            "ikev2 notify header",
            bodyAt,
            "needs 4 bytes, only " + body.length + " in the payload");
      }
      int spiSize = body[1] & 0xff;
      if (4 + spiSize > body.length) {
        throw r.malformedAt(
            "ikev2 notify spi",
            bodyAt + 4,
            "needs " + spiSize + " bytes, only " + (body.length - 4) + " in the payload");
      }
    }
    return new Ikev2Payload(type, np, (flags & 0x80) != 0, flags & 0x7f, body);
  }

  void encode(WireWriter w) {
    w.u8(nextPayload).u8((critical ? 0x80 : 0) | (reserved & 0x7f)).u16(HEADER + body.length);
    w.bytes(body);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ikev2Payload p
        && type == p.type
        && nextPayload == p.nextPayload
        && critical == p.critical
        && reserved == p.reserved
        && Arrays.equals(body, p.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, nextPayload, critical, reserved, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "Ikev2Payload["
        + Ikev2Names.payload(type)
        + (critical ? ", critical" : "")
        + ", "
        + body.length
        + " bytes]";
  }
}
