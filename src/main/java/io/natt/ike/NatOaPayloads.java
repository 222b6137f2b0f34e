package io.natt.ike;

import io.natt.wire.IdPayload;
import io.natt.wire.NatOaPayload;
import io.natt.wire.Payload;
import java.util.List;
import java.util.function.Consumer;

/**
 * The NAT-OA pair of a Quick Mode message (RFC 3947 section 5.2), initiator's and responder's
 * alike: NAT-OAi first, NAT-OAr second, as ID_IPV4_ADDR (ID_IPV6_ADDR for 16 bytes), unless the
 * knobs of an emulated IUT say nat-oa-malformed or nat-oa-swapped.
 */
final class NatOaPayloads {
  private NatOaPayloads() {}

  /**
   * NAT-OAi then NAT-OAr of payload type {@code type}; a deviation is noted through {@code note}.
   */
  static List<Payload> pair(int type, byte[] oai, byte[] oar, Knobs k, Consumer<String> note) {
    if (k.has(Knobs.Deviation.NAT_OA_MALFORMED)) {
      note.accept("NAT-OA with ID_FQDN and reserved bytes set (deviation nat-oa-malformed)");
      return List.of(
          new NatOaPayload(type, IdPayload.ID_FQDN, 0x010203, oai),
          new NatOaPayload(type, IdPayload.ID_FQDN, 0x010203, oar));
    }
    if (k.has(Knobs.Deviation.NAT_OA_SWAPPED)) {
      note.accept("NAT-OAr before NAT-OAi (deviation nat-oa-swapped)");
      return List.of(of(type, oar), of(type, oai));
    }
    return List.of(of(type, oai), of(type, oar));
  }

  /** One NAT-OA payload naming {@code address}. */
  static NatOaPayload of(int type, byte[] address) {
    return new NatOaPayload(
        type, address.length == 16 ? IdPayload.ID_IPV6_ADDR : IdPayload.ID_IPV4_ADDR, address);
  }
}
