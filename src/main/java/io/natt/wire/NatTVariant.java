package io.natt.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one registry of NAT-T variants: for RFC 3947 and each IETF draft before it, the vendor ID
 * that announces it (MD5 of "RFC 3947" or of the draft's name), the NAT-D and NAT-OA payload types
 * it uses, its UDP-encapsulated tunnel and transport mode values, and whether it floats IKE to port
 * 4500. Code decides by variant, never by comparing names.
 *
 * <ul>
 *   <li>RFC 3947: NAT-D 20, NAT-OA 21, modes 3/4, floats to 4500.
 *   <li>drafts 02, 02\n and 03: 130/131 and 61443/61444 (private-use numbers), float to 4500.
 *   <li>drafts 00 and 01: 130/131 and 61443/61444, but no float: IKE and ESP-in-UDP stay on port
 *       500, told apart by a non-IKE marker of eight zero bytes (as Openswan and racoon implement
 *       them). The harness's own engine does not speak that framing: it announces these vendor IDs
 *       to see what an IUT answers, and floats no differently.
 *   <li>drafts 04 to 08: NAT-D 15, NAT-OA 16 (the numbers these drafts expected IANA to assign;
 *       racoon reads them so) and the RFC's modes 3/4, float to 4500.
 * </ul>
 *
 * The unnumbered "draft-ietf-ipsec-nat-t-ike" vendor ID is known by name only ({@link
 * VendorIds#DRAFT_NAT_T_UNNUMBERED}): no implementation the project found gives it payload types.
 */
public enum NatTVariant {
  RFC3947(VendorIds.RFC_3947, true, Numbers.RFC, true),
  DRAFT_02(VendorIds.DRAFT_NAT_T_02, false, Numbers.EARLY_DRAFTS, true),
  DRAFT_02N(VendorIds.DRAFT_NAT_T_02_N, false, Numbers.EARLY_DRAFTS, true),
  DRAFT_03(VendorIds.DRAFT_NAT_T_03, false, Numbers.EARLY_DRAFTS, true),
  DRAFT_00(VendorIds.DRAFT_NAT_T_00, false, Numbers.EARLY_DRAFTS, false),
  DRAFT_01(VendorIds.DRAFT_NAT_T_01, false, Numbers.EARLY_DRAFTS, false),
  DRAFT_04(VendorIds.DRAFT_NAT_T_04, false, Numbers.LATE_DRAFTS, true),
  DRAFT_05(VendorIds.DRAFT_NAT_T_05, false, Numbers.LATE_DRAFTS, true),
  DRAFT_06(VendorIds.DRAFT_NAT_T_06, false, Numbers.LATE_DRAFTS, true),
  DRAFT_07(VendorIds.DRAFT_NAT_T_07, false, Numbers.LATE_DRAFTS, true),
  DRAFT_08(VendorIds.DRAFT_NAT_T_08, false, Numbers.LATE_DRAFTS, true);

  /** The payload types and UDP-encapsulation modes a family of variants uses. */
  private enum Numbers {
    RFC(20, 21, IpsecAttr.UDP_TUNNEL, IpsecAttr.UDP_TRANSPORT),
    /** Drafts 00 to 03: private-use payload types and modes. */
    EARLY_DRAFTS(130, 131, IpsecAttr.UDP_TUNNEL_DRAFT, IpsecAttr.UDP_TRANSPORT_DRAFT),
    /** Drafts 04 to 08: the numbers they expected IANA to assign, and the RFC's modes. */
    LATE_DRAFTS(15, 16, IpsecAttr.UDP_TUNNEL, IpsecAttr.UDP_TRANSPORT);

    final int natDType;
    final int natOaType;
    final int udpTunnel;
    final int udpTransport;

    Numbers(int natDType, int natOaType, int udpTunnel, int udpTransport) {
      this.natDType = natDType;
      this.natOaType = natOaType;
      this.udpTunnel = udpTunnel;
      this.udpTransport = udpTransport;
    }
  }

  private final byte[] vendorId;
  private final boolean rfc;
  private final int natDType;
  private final int natOaType;
  private final int udpTunnel;
  private final int udpTransport;
  private final boolean floats;

  NatTVariant(byte[] vendorId, boolean rfc, Numbers n, boolean floats) {
    this.vendorId = vendorId.clone();
    this.rfc = rfc;
    this.natDType = n.natDType;
    this.natOaType = n.natOaType;
    this.udpTunnel = n.udpTunnel;
    this.udpTransport = n.udpTransport;
    this.floats = floats;
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

  /** The NAT-D payload type: 20 (RFC 3947), 130 (drafts 00 to 03) or 15 (drafts 04 to 08). */
  public int natDType() {
    return natDType;
  }

  /** The NAT-OA payload type: 21 (RFC 3947), 131 (drafts 00 to 03) or 16 (drafts 04 to 08). */
  public int natOaType() {
    return natOaType;
  }

  /** UDP-Encapsulated-Tunnel: 3 (RFC 3947, drafts 04 to 08) or 61443 (drafts 00 to 03). */
  public int udpTunnelMode() {
    return udpTunnel;
  }

  /** UDP-Encapsulated-Transport: 4 (RFC 3947, drafts 04 to 08) or 61444 (drafts 00 to 03). */
  public int udpTransportMode() {
    return udpTransport;
  }

  /**
   * Whether IKE moves to port 4500 once a NAT is detected (RFC 3947 and drafts 02 on); drafts 00
   * and 01 stay on port 500.
   */
  public boolean floats() {
    return floats;
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
