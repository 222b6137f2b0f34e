package io.natt.wire;

/**
 * An ISAKMP payload (RFC 2408 3). The 4-byte generic header (next payload, reserved, length) is not
 * part of the record: {@link Payloads#encodeChain(java.util.List)} computes it. Reserved bytes are
 * always encoded as 0; a decoder rejects nonzero reserved bytes as malformed, so that every
 * successfully decoded payload re-encodes byte for byte.
 */
public sealed interface Payload
    permits SaPayload,
        KePayload,
        IdPayload,
        HashPayload,
        NoncePayload,
        NotificationPayload,
        DeletePayload,
        VendorIdPayload,
        NatDPayload,
        NatOaPayload,
        GenericPayload {

  /** The payload type code (the value the preceding next-payload field carries). */
  int type();

  /** Writes the payload body, without the generic header. */
  void encodeBody(WireWriter w);

  /** The payload type as a registry value. */
  default PayloadType payloadType() {
    return PayloadType.valueOf(type());
  }
}
