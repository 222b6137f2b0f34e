package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * A UDP datagram (RFC 768). {@code length} and {@code checksum} of -1 mean "compute on encode";
 * checksum 0 means "no checksum" and is written as 0; a computed checksum of 0 is sent as 0xFFFF.
 * Other values are written as given. Decoded datagrams carry the received values.
 */
public record UdpDatagram(int srcPort, int dstPort, int length, int checksum, byte[] payload) {
  public static final int HEADER_SIZE = 8;
  public static final int IKE_PORT = 500;
  public static final int NATT_PORT = 4500;

  public UdpDatagram {
    payload = Objects.requireNonNull(payload, "payload").clone();
  }

  public static UdpDatagram of(int sport, int dport, byte[] payload) {
    return new UdpDatagram(sport, dport, -1, -1, payload);
  }

  public static UdpDatagram decode(byte[] b) {
    return decode(new WireReader(b));
  }

  /** Reads one datagram through its length field; bytes after it stay unread. */
  public static UdpDatagram decode(WireReader r) {
    int sp = r.u16("udp source port");
    int dp = r.u16("udp destination port");
    int lenAt = r.position();
    int len = r.u16("udp length");
    int cks = r.u16("udp checksum");
    if (len < HEADER_SIZE) {
      throw r.malformedAt("udp length", lenAt, "length " + len + " < 8");
    }
    if (len - HEADER_SIZE > r.remaining()) {
      throw r.malformedAt(
          "udp length",
          lenAt,
          "length " + len + " exceeds the " + (HEADER_SIZE + r.remaining()) + " bytes available");
    }
    return new UdpDatagram(sp, dp, len, cks, r.bytes(len - HEADER_SIZE, "udp payload"));
  }

  private int effectiveLength() {
    return length >= 0 ? length : HEADER_SIZE + payload.length;
  }

  private byte[] raw(int cks) {
    WireWriter w = new WireWriter(HEADER_SIZE + payload.length);
    w.u16(srcPort).u16(dstPort).u16(effectiveLength()).u16(cks).bytes(payload);
    return w.toByteArray();
  }

  /** The checksum that {@link #encode(byte[], byte[])} writes for these addresses. */
  public int effectiveChecksum(byte[] srcIp, byte[] dstIp) {
    if (checksum >= 0) {
      return checksum;
    }
    byte[] b = raw(0);
    long acc = Checksums.pseudoHeaderSum(srcIp, dstIp, Ipv4Packet.UDP, effectiveLength());
    int c = Checksums.finish(Checksums.sum(b, 0, b.length, acc));
    return c == 0 ? 0xFFFF : c;
  }

  /** Encodes with the pseudo-header of {@code srcIp}/{@code dstIp} (4 or 16 bytes each). */
  public byte[] encode(byte[] srcIp, byte[] dstIp) {
    return raw(effectiveChecksum(srcIp, dstIp));
  }

  /** Encodes with checksum 0 ("none") unless an explicit checksum is set. */
  public byte[] encodeWithoutChecksum() {
    return raw(checksum >= 0 ? checksum : 0);
  }

  /** True when the checksum is 0 (none), -1 (computed on encode) or correct. */
  public boolean checksumValid(byte[] srcIp, byte[] dstIp) {
    if (checksum <= 0) {
      return true;
    }
    byte[] b = raw(checksum);
    long acc = Checksums.pseudoHeaderSum(srcIp, dstIp, Ipv4Packet.UDP, effectiveLength());
    return Checksums.foldSum(Checksums.sum(b, 0, b.length, acc)) == 0xFFFF;
  }

  public UdpDatagram withChecksum(int c) {
    return new UdpDatagram(srcPort, dstPort, length, c, payload);
  }

  public UdpDatagram withLength(int l) {
    return new UdpDatagram(srcPort, dstPort, l, checksum, payload);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UdpDatagram u
        && u.srcPort == srcPort
        && u.dstPort == dstPort
        && u.length == length
        && u.checksum == checksum
        && Arrays.equals(payload, u.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(srcPort, dstPort, length, checksum, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "UdpDatagram["
        + srcPort
        + " > "
        + dstPort
        + ", length="
        + (length < 0 ? "auto" : length)
        + ", checksum="
        + (checksum < 0 ? "auto" : "0x" + Integer.toHexString(checksum))
        + ", payload="
        + Hex.hex(payload)
        + "]";
  }
}
