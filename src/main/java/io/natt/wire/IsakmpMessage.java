package io.natt.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A whole ISAKMP message: header plus either a plaintext payload chain (constructed with {@code
 * encryptedBody == null}; {@link #isEncrypted()} false) or an opaque encrypted body (payloads
 * empty). Whether the message is encrypted is decided by the encrypted body being present, not by
 * the header flag, so a plaintext chain can be sent with the E flag set on purpose and vice versa.
 *
 * <p>{@link #encode()} computes the header length (and, for plaintext, the next-payload field from
 * the first payload). For deliberately broken packets use {@link #encode(long)} (length override)
 * or {@link #encodeVerbatim()} (every header field exactly as in {@link #header()}).
 *
 * <p>{@link #decode(byte[])} is strict: the header length must be between 28 and the datagram size;
 * a plaintext chain must end exactly at the header length. Datagram bytes beyond the header length
 * are ignored.
 */
public record IsakmpMessage(IsakmpHeader header, List<Payload> payloads, byte[] encryptedBody) {

  public IsakmpMessage {
    Objects.requireNonNull(header, "header");
    payloads = List.copyOf(payloads);
    encryptedBody = encryptedBody == null ? null : encryptedBody.clone();
  }

  public static IsakmpMessage plain(IsakmpHeader h, List<Payload> ps) {
    return new IsakmpMessage(h, ps, null);
  }

  /**
   * An encrypted message; the header gets {@code firstPayloadType} as next payload and the
   * encryption flag set.
   */
  public static IsakmpMessage encrypted(IsakmpHeader h, int firstPayloadType, byte[] ciphertext) {
    return new IsakmpMessage(
        h.withNextPayload(firstPayloadType).withFlags(h.flags() | IsakmpHeader.FLAG_ENCRYPTION),
        List.of(),
        Objects.requireNonNull(ciphertext, "ciphertext"));
  }

  public static IsakmpMessage decode(byte[] datagram) {
    WireReader r = new WireReader(datagram);
    IsakmpHeader h = IsakmpHeader.decode(r);
    if (h.length() < IsakmpHeader.SIZE) {
      throw r.malformedAt("isakmp length", 24, "length " + h.length() + " < 28");
    }
    if (h.length() > datagram.length) {
      throw r.malformedAt(
          "isakmp length",
          24,
          "length " + h.length() + " exceeds the datagram (" + datagram.length + " bytes)");
    }
    WireReader body = r.slice((int) h.length() - IsakmpHeader.SIZE, "isakmp body");
    if (h.encrypted()) {
      return new IsakmpMessage(h, List.of(), body.rest());
    }
    List<Payload> ps = Payloads.decodeChain(h.nextPayload(), body);
    body.expectEnd("isakmp payload chain end");
    return new IsakmpMessage(h, ps, null);
  }

  public boolean isEncrypted() {
    return encryptedBody != null;
  }

  /**
   * The encrypted bytes after the header; an empty array (never null) for a plaintext message, so
   * check {@link #isEncrypted()} to tell the two apart.
   */
  @Override
  public byte[] encryptedBody() {
    return encryptedBody == null ? new byte[0] : encryptedBody.clone();
  }

  private byte[] bodyBytes() {
    return encryptedBody != null ? encryptedBody : Payloads.encodeChain(payloads);
  }

  /** Encodes with the length computed (and next payload from the chain when plaintext). */
  public byte[] encode() {
    return encode(-1);
  }

  /** Encodes with the header length set to {@code lengthOverride} when it is non-negative. */
  public byte[] encode(long lengthOverride) {
    byte[] body = bodyBytes();
    IsakmpHeader h = header;
    if (encryptedBody == null) {
      h = h.withNextPayload(Payloads.firstType(payloads));
    }
    h = h.withLength(lengthOverride >= 0 ? lengthOverride : IsakmpHeader.SIZE + body.length);
    WireWriter w = new WireWriter(IsakmpHeader.SIZE + body.length);
    h.encode(w);
    w.bytes(body);
    return w.toByteArray();
  }

  /** Encodes the header exactly as given (next payload and length unchanged), then the body. */
  public byte[] encodeVerbatim() {
    byte[] body = bodyBytes();
    WireWriter w = new WireWriter(IsakmpHeader.SIZE + body.length);
    header.encode(w);
    w.bytes(body);
    return w.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IsakmpMessage m
        && header.equals(m.header)
        && payloads.equals(m.payloads)
        && Arrays.equals(encryptedBody, m.encryptedBody);
  }

  @Override
  public int hashCode() {
    return Objects.hash(header, payloads, Arrays.hashCode(encryptedBody));
  }

  @Override
  public String toString() {
    return "IsakmpMessage["
        + header
        + (encryptedBody != null
            ? ", encrypted " + encryptedBody.length + " bytes: " + Hex.hex(encryptedBody)
            : ", " + payloads)
        + "]";
  }
}
