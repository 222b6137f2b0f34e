package io.natt.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one registry of NAT-T variants: for RFC 3947 and each IETF draft the engine speaks, the
 * vendor ID that announces it, the NAT-D and NAT-OA payload types it uses (20/21 in RFC 3947,
 * 130/131 in the drafts) and its UDP-encapsulated tunnel and transport mode values (3/4 in RFC
 * 3947, 61443/61444 in the drafts). Code decides by variant, never by comparing names.
 */
public enum NatTVariant {
  RFC3947(VendorIds.RFC_3947, true),
  DRAFT_02(VendorIds.DRAFT_NAT_T_02, false),
  DRAFT_02N(VendorIds.DRAFT_NAT_T_02_N, false),
  DRAFT_03(VendorIds.DRAFT_NAT_T_03, false);

  private final byte[] vendorId;
  private final boolean rfc;

  NatTVariant(byte[] vendorId, boolean rfc) {
    this.vendorId = vendorId.clone();
    this.rfc = rfc;
  }

  /** The vendor ID that announces this variant. */
  public byte[] vendorId() {
    return vendorId.clone();
  }

  /** Whether {@code vid} is this variant's vendor ID. */
  public boolean announcedBy(byte[] vid) {
    return Arrays.equals(vendorId, vid);
  }

  /** RFC 3947 itself, as opposed to one of the drafts before it. */
  public boolean isRfc() {
    return rfc;
  }

  /** The NAT-D payload type: 20 (RFC 3947) or 130 (drafts). */
  public int natDType() {
    return rfc ? PayloadType.NAT_D.code() : PayloadType.NAT_D_DRAFT.code();
  }

  /** The NAT-OA payload type: 21 (RFC 3947) or 131 (drafts). */
  public int natOaType() {
    return rfc ? PayloadType.NAT_OA.code() : PayloadType.NAT_OA_DRAFT.code();
  }

  /** UDP-Encapsulated-Tunnel: 3 (RFC 3947) or 61443 (drafts). */
  public int udpTunnelMode() {
    return rfc ? IpsecAttr.UDP_TUNNEL : IpsecAttr.UDP_TUNNEL_DRAFT;
  }

  /** UDP-Encapsulated-Transport: 4 (RFC 3947) or 61444 (drafts). */
  public int udpTransportMode() {
    return rfc ? IpsecAttr.UDP_TRANSPORT : IpsecAttr.UDP_TRANSPORT_DRAFT;
  }

  /** Both UDP-encapsulated mode values of this variant, tunnel first. */
  public List<Integer> udpModes() {
    return List.of(udpTunnelMode(), udpTransportMode());
  }

  /** The readable name: "RFC 3947", or the draft's name as its vendor ID defines it. */
  public String displayName() {
    return VendorIds.name(vendorId);
  }

  /** The variant {@code vid} announces, if it announces one. */
  public static Optional<NatTVariant> byVendorId(byte[] vid) {
    for (NatTVariant v : values()) {
      if (v.announcedBy(vid)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return displayName();
  }
}
