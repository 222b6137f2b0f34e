package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * NAT-OA payload (RFC 3947 5.2): ID type (1 byte), 3 reserved bytes (zero unless built wrong on
 * purpose; a nonzero value is kept on decode, so a check can judge it: {@link #reservedZero()}),
 * then the IPv4 (4 bytes) or IPv6 (16 bytes) address. {@code type} is 21 (RFC 3947) or 131 (draft).
 * The address length is not checked against the ID type, so a wrong one can be built and decoded;
 * see {@link #addressLengthValid()}.
 */
public record NatOaPayload(int type, int idType, int reserved, byte[] address) implements Payload {
  public NatOaPayload {
    address = Objects.requireNonNull(address, "address").clone();
    if (reserved < 0 || reserved > 0xFFFFFF) {
      throw new IllegalArgumentException("reserved is 3 bytes: " + reserved);
    }
  }

  /** With the reserved bytes zero, as RFC 3947 5.2 asks. */
  public NatOaPayload(int type, int idType, byte[] address) {
    this(type, idType, 0, address);
  }

  /** Whether the three reserved bytes after the ID type are zero (RFC 3947 5.2: they must be). */
  public boolean reservedZero() {
    return reserved == 0;
  }

  /** RFC 3947 NAT-OA (type 21) with ID_IPV4_ADDR or ID_IPV6_ADDR chosen by the address length. */
  public static NatOaPayload of(byte[] address) {
    return new NatOaPayload(
        PayloadType.NAT_OA.code(),
        address.length == 16 ? IdPayload.ID_IPV6_ADDR : IdPayload.ID_IPV4_ADDR,
        address);
  }

  /** Draft NAT-OA (type 131). */
  public static NatOaPayload draft(byte[] address) {
    return new NatOaPayload(
        PayloadType.NAT_OA_DRAFT.code(),
        address.length == 16 ? IdPayload.ID_IPV6_ADDR : IdPayload.ID_IPV4_ADDR,
        address);
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  /** True when the ID type is IPv4 with 4 bytes or IPv6 with 16 bytes. */
  public boolean addressLengthValid() {
    return (idType == IdPayload.ID_IPV4_ADDR && address.length == 4)
        || (idType == IdPayload.ID_IPV6_ADDR && address.length == 16);
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.u8(idType).u8(reserved >>> 16).u16(reserved & 0xFFFF).bytes(address);
  }

  static NatOaPayload decodeBody(int type, WireReader r, String field) {
    int idType = r.u8(field + " id type");
    int reserved1 = r.u8(field + " reserved");
    int reserved2 = r.u16(field + " reserved");
    return new NatOaPayload(
        type, idType, (reserved1 << 16) | reserved2, r.bytes(r.remaining(), field + " address"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NatOaPayload p
        && p.type == type
        && p.idType == idType
        && p.reserved == reserved
        && Arrays.equals(address, p.address);
  }

  @Override
  public int hashCode() {
    return ((31 * type + idType) * 31 + reserved) * 31 + Arrays.hashCode(address);
  }

  @Override
  public String toString() {
    return "NatOaPayload["
        + PayloadType.nameOf(type)
        + ", "
        + IdPayload.idTypeName(idType)
        + " "
        + IdPayload.formatAddress(address)
        + (reserved == 0 ? "" : String.format(", reserved %06x", reserved))
        + "]";
  }
}
