package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * An Ethernet II frame without FCS, as captured on veth interfaces. VLAN tags are not interpreted
 * (they stay in the payload with etherType 0x8100). Encode does not pad to 60 bytes; decode keeps
 * any padding in the payload.
 */
public record EthernetFrame(byte[] dst, byte[] src, int etherType, byte[] payload) {
  public static final int HEADER_SIZE = 14;
  public static final int ETHERTYPE_IPV4 = 0x0800;
  public static final int ETHERTYPE_ARP = 0x0806;
  public static final int ETHERTYPE_VLAN = 0x8100;
  public static final int ETHERTYPE_IPV6 = 0x86DD;

  public EthernetFrame {
    dst = Objects.requireNonNull(dst, "dst").clone();
    src = Objects.requireNonNull(src, "src").clone();
    payload = Objects.requireNonNull(payload, "payload").clone();
    if (dst.length != 6 || src.length != 6) {
      throw new IllegalArgumentException("MAC addresses must be 6 bytes");
    }
  }

  public static EthernetFrame decode(byte[] b) {
    WireReader r = new WireReader(b);
    byte[] d = r.bytes(6, "ethernet destination");
    byte[] s = r.bytes(6, "ethernet source");
    int t = r.u16("ethernet type");
    return new EthernetFrame(d, s, t, r.rest());
  }

  public byte[] encode() {
    return new WireWriter(HEADER_SIZE + payload.length)
        .bytes(dst)
        .bytes(src)
        .u16(etherType)
        .bytes(payload)
        .toByteArray();
  }

  /** The payload as an IPv4 packet (Ethernet padding ignored). */
  public Ipv4Packet ipv4() {
    return Ipv4Packet.decode(payload);
  }

  @Override
  public byte[] dst() {
    return dst.clone();
  }

  @Override
  public byte[] src() {
    return src.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EthernetFrame f
        && f.etherType == etherType
        && Arrays.equals(dst, f.dst)
        && Arrays.equals(src, f.src)
        && Arrays.equals(payload, f.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(dst), Arrays.hashCode(src), etherType, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "EthernetFrame["
        + mac(src)
        + " > "
        + mac(dst)
        + ", type=0x"
        + String.format("%04x", etherType)
        + ", payload="
        + Hex.hex(payload)
        + "]";
  }

  private static String mac(byte[] m) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < m.length; i++) {
      sb.append(i == 0 ? "" : ":").append(String.format("%02x", m[i] & 0xFF));
    }
    return sb.toString();
  }
}
