package io.natt.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Identification payload with the IPsec DOI layout (RFC 2407 4.6.2): ID type, protocol id, port,
 * identification data.
 */
public record IdPayload(int idType, int protocolId, int port, byte[] data) implements Payload {
  public static final int ID_IPV4_ADDR = 1;
  public static final int ID_FQDN = 2;
  public static final int ID_USER_FQDN = 3;
  public static final int ID_IPV4_ADDR_SUBNET = 4;
  public static final int ID_IPV6_ADDR = 5;
  public static final int ID_IPV6_ADDR_SUBNET = 6;
  public static final int ID_IPV4_ADDR_RANGE = 7;
  public static final int ID_IPV6_ADDR_RANGE = 8;
  public static final int ID_DER_ASN1_DN = 9;
  public static final int ID_DER_ASN1_GN = 10;
  public static final int ID_KEY_ID = 11;

  public IdPayload {
    data = Objects.requireNonNull(data, "data").clone();
  }

  /** ID_IPV4_ADDR (or ID_IPV6_ADDR for 16 bytes), protocol 0, port 0. */
  public static IdPayload ipv4(byte[] addr) {
    return new IdPayload(addr.length == 16 ? ID_IPV6_ADDR : ID_IPV4_ADDR, 0, 0, addr);
  }

  /** ID_FQDN, protocol 0, port 0. */
  public static IdPayload fqdn(String name) {
    return new IdPayload(ID_FQDN, 0, 0, name.getBytes(StandardCharsets.US_ASCII));
  }

  /** ID_USER_FQDN, protocol 0, port 0. */
  public static IdPayload userFqdn(String name) {
    return new IdPayload(ID_USER_FQDN, 0, 0, name.getBytes(StandardCharsets.US_ASCII));
  }

  /** ID_IPV4_ADDR_SUBNET: address then mask, protocol 0, port 0. */
  public static IdPayload ipv4Subnet(byte[] addr, byte[] mask) {
    byte[] d = new byte[addr.length + mask.length];
    System.arraycopy(addr, 0, d, 0, addr.length);
    System.arraycopy(mask, 0, d, addr.length, mask.length);
    return new IdPayload(ID_IPV4_ADDR_SUBNET, 0, 0, d);
  }

  /** The same identity with a different protocol and port (e.g. UDP/500 in phase 1). */
  public IdPayload withProtocolPort(int protocol, int newPort) {
    return new IdPayload(idType, protocol, newPort, data);
  }

  @Override
  public int type() {
    return PayloadType.ID.code();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.u8(idType).u8(protocolId).u16(port).bytes(data);
  }

  static IdPayload decodeBody(WireReader r, String field) {
    int t = r.u8(field + " id type");
    int proto = r.u8(field + " protocol id");
    int p = r.u16(field + " port");
    return new IdPayload(t, proto, p, r.bytes(r.remaining(), field + " data"));
  }

  /** The identity rendered readably, e.g. "10.1.0.0/255.255.255.0" or "host.example". */
  public String identity() {
    switch (idType) {
      case ID_IPV4_ADDR:
      case ID_IPV6_ADDR:
        return formatAddress(data);
      case ID_FQDN:
      case ID_USER_FQDN:
        return printable(data);
      case ID_IPV4_ADDR_SUBNET:
      case ID_IPV4_ADDR_RANGE:
        if (data.length == 8) {
          return formatAddress(Arrays.copyOfRange(data, 0, 4))
              + (idType == ID_IPV4_ADDR_SUBNET ? "/" : "-")
              + formatAddress(Arrays.copyOfRange(data, 4, 8));
        }
        return Hex.hex(data);
      case ID_IPV6_ADDR_SUBNET:
      case ID_IPV6_ADDR_RANGE:
        if (data.length == 32) {
          return formatAddress(Arrays.copyOfRange(data, 0, 16))
              + (idType == ID_IPV6_ADDR_SUBNET ? "/" : "-")
              + formatAddress(Arrays.copyOfRange(data, 16, 32));
        }
        return Hex.hex(data);
      default:
        return Hex.hex(data);
    }
  }

  public static String idTypeName(int t) {
    return switch (t) {
      case ID_IPV4_ADDR -> "ID_IPV4_ADDR";
      case ID_FQDN -> "ID_FQDN";
      case ID_USER_FQDN -> "ID_USER_FQDN";
      case ID_IPV4_ADDR_SUBNET -> "ID_IPV4_ADDR_SUBNET";
      case ID_IPV6_ADDR -> "ID_IPV6_ADDR";
      case ID_IPV6_ADDR_SUBNET -> "ID_IPV6_ADDR_SUBNET";
      case ID_IPV4_ADDR_RANGE -> "ID_IPV4_ADDR_RANGE";
      case ID_IPV6_ADDR_RANGE -> "ID_IPV6_ADDR_RANGE";
      case ID_DER_ASN1_DN -> "ID_DER_ASN1_DN";
      case ID_DER_ASN1_GN -> "ID_DER_ASN1_GN";
      case ID_KEY_ID -> "ID_KEY_ID";
      default -> "ID_UNKNOWN(" + t + ")";
    };
  }

  /** Dotted quad for 4 bytes, RFC 5952-ish text for 16 bytes, hex otherwise. */
  public static String formatAddress(byte[] a) {
    if (a.length == 4) {
      return (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF);
    }
    if (a.length == 16) {
      try {
        return InetAddress.getByAddress(a).getHostAddress();
      } catch (UnknownHostException e) {
        return Hex.hex(a);
      }
    }
    return "0x" + Hex.hex(a);
  }

  private static String printable(byte[] b) {
    for (byte x : b) {
      if (x < 0x20 || x > 0x7E) {
        return "0x" + Hex.hex(b);
      }
    }
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdPayload p
        && p.idType == idType
        && p.protocolId == protocolId
        && p.port == port
        && Arrays.equals(data, p.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(idType, protocolId, port, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "IdPayload["
        + idTypeName(idType)
        + " "
        + identity()
        + ", proto="
        + protocolId
        + ", port="
        + port
        + "]";
  }
}
