package io.natt.wire;

import java.util.ArrayList;
import java.util.List;

/** Encoding and decoding of ISAKMP payload chains (generic payload header, RFC 2408 3.2). */
public final class Payloads {
  /** Size of the generic payload header. */
  public static final int GENERIC_HEADER_SIZE = 4;

  private Payloads() {}

  /**
   * Decodes payloads starting with {@code firstType}, following next-payload fields until 0. Bytes
   * after the last payload (e.g. encryption padding) are left unread in {@code r}.
   *
   * @throws MalformedException naming e.g. "payload[2] NONCE length"
   */
  public static List<Payload> decodeChain(int firstType, WireReader r) {
    List<Payload> out = new ArrayList<>();
    int type = firstType;
    for (int i = 0; type != 0; i++) {
      String f = "payload[" + i + "] " + PayloadType.nameOf(type);
      int next = r.u8(f + " next payload");
      int resAt = r.position();
      if (r.u8(f + " reserved") != 0) {
        throw r.malformedAt(f + " reserved", resAt, "reserved byte not zero");
      }
      int lenAt = r.position();
      int len = r.u16(f + " length");
      if (len < GENERIC_HEADER_SIZE) {
        throw r.malformedAt(f + " length", lenAt, "length " + len + " < 4");
      }
      if (len - GENERIC_HEADER_SIZE > r.remaining()) {
        throw r.malformedAt(
            f + " length",
            lenAt,
            "length " + len + " runs past the end (" + (r.remaining() + 4) + " bytes available)");
      }
      out.add(decodeBody(type, r.slice(len - GENERIC_HEADER_SIZE, f + " body"), f));
      type = next;
    }
    return out;
  }

  /** Decodes one payload body (without generic header) of the given type. */
  public static Payload decodeBody(int type, byte[] body) {
    return decodeBody(type, new WireReader(body), PayloadType.nameOf(type));
  }

  static Payload decodeBody(int type, WireReader r, String f) {
    switch (type) {
      case 1:
        return SaPayload.decodeBody(r, f);
      case 4:
        return KePayload.decodeBody(r, f);
      case 5:
        return IdPayload.decodeBody(r, f);
      case 8:
        return HashPayload.decodeBody(r, f);
      case 10:
        return NoncePayload.decodeBody(r, f);
      case 11:
        return NotificationPayload.decodeBody(r, f);
      case 12:
        return DeletePayload.decodeBody(r, f);
      case 13:
        return VendorIdPayload.decodeBody(r, f);
      case 20:
      case 130:
        return NatDPayload.decodeBody(type, r, f);
      case 21:
      case 131:
        return NatOaPayload.decodeBody(type, r, f);
      default:
        return new GenericPayload(type, r.bytes(r.remaining(), f + " body"));
    }
  }

  /** Encodes a chain, filling each generic header's next payload and length. */
  public static byte[] encodeChain(List<Payload> ps) {
    return encodeChain(ps, null, null);
  }

  /**
   * Encodes a chain with deliberate header overrides for broken packets: {@code
   * nextPayloadOverrides[i]} / {@code lengthOverrides[i]}, when the array is non-null, long enough
   * and the entry is non-negative, replace the computed value of payload i.
   */
  public static byte[] encodeChain(
      List<Payload> ps, int[] nextPayloadOverrides, int[] lengthOverrides) {
    WireWriter w = new WireWriter(256);
    for (int i = 0; i < ps.size(); i++) {
      Payload p = ps.get(i);
      int next = i + 1 < ps.size() ? ps.get(i + 1).type() : 0;
      if (nextPayloadOverrides != null
          && i < nextPayloadOverrides.length
          && nextPayloadOverrides[i] >= 0) {
        next = nextPayloadOverrides[i];
      }
      int start = w.position();
      w.u8(next).u8(0).u16(0);
      p.encodeBody(w);
      int len = w.position() - start;
      if (lengthOverrides != null && i < lengthOverrides.length && lengthOverrides[i] >= 0) {
        len = lengthOverrides[i];
      } else if (len > 0xFFFF) {
        throw new IllegalArgumentException("payload[" + i + "] longer than 65535 bytes");
      }
      w.patchU16(start + 2, len);
    }
    return w.toByteArray();
  }

  /** One payload with its generic header carrying {@code nextPayload}. */
  public static byte[] encode(Payload p, int nextPayload) {
    return encodeChain(List.of(p), new int[] {nextPayload}, null);
  }

  /** The payload body without the 4-byte generic header (e.g. SAi_b, IDii_b, Ni_b of RFC 2409). */
  public static byte[] body(Payload p) {
    WireWriter w = new WireWriter(64);
    p.encodeBody(w);
    return w.toByteArray();
  }

  /** Type of the first payload, 0 for an empty list. */
  public static int firstType(List<Payload> ps) {
    return ps.isEmpty() ? 0 : ps.get(0).type();
  }

  /** The first payload of the given record class, if any. */
  public static <T extends Payload> java.util.Optional<T> first(List<Payload> ps, Class<T> cls) {
    return ps.stream().filter(cls::isInstance).map(cls::cast).findFirst();
  }

  /** All payloads of the given record class. */
  public static <T extends Payload> List<T> all(List<Payload> ps, Class<T> cls) {
    return ps.stream().filter(cls::isInstance).map(cls::cast).toList();
  }
}
