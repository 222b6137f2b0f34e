package io.natt.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An IKEv2 message (RFC 7296 section 3.1): the header, which has the ISAKMP layout (SPIs in the
 * cookie fields, version 2.0), and its payload chain. Payloads are named but kept opaque; an SK
 * payload ends the chain (what follows inside it is encrypted).
 *
 * <p>{@link #decode(byte[])} is strict like {@link IsakmpMessage#decode(byte[])}: major version 2,
 * the length between 28 and the datagram size, each payload length within the message, and the
 * chain ending exactly at the header length.
 */
public record Ikev2Message(IsakmpHeader header, List<Ikev2Payload> payloads) {
  public static final int FLAG_INITIATOR = 0x08;
  public static final int FLAG_VERSION = 0x10;
  public static final int FLAG_RESPONSE = 0x20;

  public Ikev2Message {
    Objects.requireNonNull(header, "header");
    payloads = List.copyOf(payloads);
  }

  /** Is this datagram (an IKE message, without a non-ESP marker) of major version 2? */
  public static boolean isVersion2(byte[] ike) {
    return ike.length >= IsakmpHeader.SIZE && ((ike[17] & 0xff) >> 4) == 2;
  }

  public static Ikev2Message decode(byte[] datagram) {
    WireReader r = new WireReader(datagram);
    IsakmpHeader h = IsakmpHeader.decode(r);
    if (h.majorVersion() != 2) {
      throw r.malformedAt("ikev2 version", 17, "major version " + h.majorVersion() + ", not 2");
    }
    if (h.length() < IsakmpHeader.SIZE) {
      throw r.malformedAt("ikev2 length", 24, "length " + h.length() + " < 28");
    }
    if (h.length() > datagram.length) {
      throw r.malformedAt(
          "ikev2 length",
          24,
          "length " + h.length() + " exceeds the datagram (" + datagram.length + " bytes)");
    }
    WireReader body = r.slice((int) h.length() - IsakmpHeader.SIZE, "ikev2 body");
    List<Ikev2Payload> ps = new ArrayList<>();
    int type = h.nextPayload();
    while (type != 0) {
      Ikev2Payload p = Ikev2Payload.decode(type, body);
      ps.add(p);
      if (type == Ikev2Names.SK) {
        break;
      }
      type = p.nextPayload();
    }
    body.expectEnd("ikev2 payload chain end");
    return new Ikev2Message(h, ps);
  }

  /** Encodes the header verbatim (length and next payload as given) and the payloads. */
  public byte[] encode() {
    WireWriter w = new WireWriter(IsakmpHeader.SIZE);
    header.encode(w);
    for (Ikev2Payload p : payloads) {
      p.encode(w);
    }
    return w.toByteArray();
  }

  public String exchangeName() {
    return Ikev2Names.exchange(header.exchangeType());
  }

  public boolean response() {
    return (header.flags() & FLAG_RESPONSE) != 0;
  }

  /** "[SA, KE, Nonce, N(NAT_DETECTION_SOURCE_IP), ...]"; an SK payload as "SK{IDi...}". */
  public String payloadNames() {
    return payloads.stream()
        .map(
            p ->
                p.type() == Ikev2Names.NOTIFY
                    ? "N(" + Ikev2Names.notify(p.notifyType()) + ")"
                    : p.type() == Ikev2Names.SK
                        ? "SK{" + Ikev2Names.payload(p.nextPayload()) + "...}"
                        : Ikev2Names.payload(p.type()))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** "IKEv2 IKE_SA_INIT request mid=0 [SA, KE, Nonce, ...]". */
  public String summary() {
    return "IKEv2 "
        + exchangeName()
        + (response() ? " response" : " request")
        + " mid="
        + header.messageId()
        + " "
        + payloadNames();
  }
}
