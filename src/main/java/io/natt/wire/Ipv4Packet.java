package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 packet (RFC 791). {@code headerChecksum} and {@code totalLength} are -1 to mean "compute
 * on encode"; any other value is written as given (deliberately wrong packets). Decoded packets
 * carry the received values, so they re-encode byte for byte.
 */
public record Ipv4Packet(
    int tos,
    int identification,
    int flagsAndFragment,
    int ttl,
    int protocol,
    byte[] src,
    byte[] dst,
    byte[] options,
    byte[] payload,
    int headerChecksum,
    int totalLength) {

  public static final int ICMP = 1;
  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ESP = 50;
  public static final int FLAG_DF = 0x4000;
  public static final int FLAG_MF = 0x2000;
  public static final int MIN_HEADER = 20;

  public Ipv4Packet {
    src = Objects.requireNonNull(src, "src").clone();
    dst = Objects.requireNonNull(dst, "dst").clone();
    options = Objects.requireNonNull(options, "options").clone();
    payload = Objects.requireNonNull(payload, "payload").clone();
    if (src.length != 4 || dst.length != 4) {
      throw new IllegalArgumentException("IPv4 addresses must be 4 bytes");
    }
    if (options.length % 4 != 0 || options.length > 40) {
      throw new IllegalArgumentException("options must be a multiple of 4, at most 40 bytes");
    }
  }

  /** TTL 64, DF not set, id 0, no options; checksum and total length computed on encode. */
  public static Ipv4Packet of(byte[] src, byte[] dst, int protocol, byte[] payload) {
    return new Ipv4Packet(0, 0, 0, 64, protocol, src, dst, new byte[0], payload, -1, -1);
  }

  public static Ipv4Packet decode(byte[] b) {
    return decode(new WireReader(b));
  }

  /**
   * Reads one packet through its total length; bytes after it (e.g. Ethernet padding) stay unread.
   */
  public static Ipv4Packet decode(WireReader r) {
    int start = r.position();
    int vihl = r.u8("ipv4 version/ihl");
    if ((vihl >> 4) != 4) {
      throw r.malformedAt("ipv4 version", start, "version " + (vihl >> 4) + ", expected 4");
    }
    int ihl = vihl & 0xF;
    if (ihl < 5) {
      throw r.malformedAt("ipv4 ihl", start, "IHL " + ihl + " < 5");
    }
    int tos = r.u8("ipv4 tos");
    int tlAt = r.position();
    int tl = r.u16("ipv4 total length");
    int id = r.u16("ipv4 identification");
    int ff = r.u16("ipv4 flags/fragment offset");
    int ttl = r.u8("ipv4 ttl");
    int proto = r.u8("ipv4 protocol");
    int cks = r.u16("ipv4 header checksum");
    byte[] s = r.bytes(4, "ipv4 source address");
    byte[] d = r.bytes(4, "ipv4 destination address");
    byte[] opts = r.bytes(ihl * 4 - MIN_HEADER, "ipv4 options");
    if (tl < ihl * 4) {
      throw r.malformedAt("ipv4 total length", tlAt, "total length " + tl + " < header " + ihl * 4);
    }
    if (tl - ihl * 4 > r.remaining()) {
      throw r.malformedAt(
          "ipv4 total length",
          tlAt,
          "total length "
              + tl
              + " exceeds the "
              + (r.position() - start + r.remaining())
              + " bytes");
    }
    byte[] pl = r.bytes(tl - ihl * 4, "ipv4 payload");
    return new Ipv4Packet(tos, id, ff, ttl, proto, s, d, opts, pl, cks, tl);
  }

  private byte[] header(int checksum) {
    int hlen = MIN_HEADER + options.length;
    int tl = totalLength >= 0 ? totalLength : hlen + payload.length;
    if (totalLength < 0 && tl > 0xFFFF) {
      throw new IllegalArgumentException("packet longer than 65535 bytes");
    }
    WireWriter w = new WireWriter(hlen);
    w.u8(0x40 | (hlen / 4))
        .u8(tos)
        .u16(tl)
        .u16(identification)
        .u16(flagsAndFragment)
        .u8(ttl)
        .u8(protocol)
        .u16(checksum)
        .bytes(src)
        .bytes(dst)
        .bytes(options);
    return w.toByteArray();
  }

  /** The header checksum that {@link #encode()} writes (computed unless overridden). */
  public int effectiveChecksum() {
    return headerChecksum >= 0 ? headerChecksum : Checksums.internet(header(0));
  }

  public byte[] encode() {
    byte[] h = header(effectiveChecksum());
    byte[] out = Arrays.copyOf(h, h.length + payload.length);
    System.arraycopy(payload, 0, out, h.length, payload.length);
    return out;
  }

  /** True when the header (with its checksum field) sums correctly; true when computed (-1). */
  public boolean headerChecksumValid() {
    if (headerChecksum < 0) {
      return true;
    }
    byte[] h = header(headerChecksum);
    return Checksums.verify(h, 0, h.length);
  }

  /** The same packet with checksum and total length to be computed again. */
  public Ipv4Packet recomputed() {
    return new Ipv4Packet(
        tos, identification, flagsAndFragment, ttl, protocol, src, dst, options, payload, -1, -1);
  }

  public Ipv4Packet withHeaderChecksum(int checksum) {
    return new Ipv4Packet(
        tos,
        identification,
        flagsAndFragment,
        ttl,
        protocol,
        src,
        dst,
        options,
        payload,
        checksum,
        totalLength);
  }

  public Ipv4Packet withTotalLength(int length) {
    return new Ipv4Packet(
        tos,
        identification,
        flagsAndFragment,
        ttl,
        protocol,
        src,
        dst,
        options,
        payload,
        headerChecksum,
        length);
  }

  @Override
  public byte[] src() {
    return src.clone();
  }

  @Override
  public byte[] dst() {
    return dst.clone();
  }

  @Override
  public byte[] options() {
    return options.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ipv4Packet p
        && p.tos == tos
        && p.identification == identification
        && p.flagsAndFragment == flagsAndFragment
        && p.ttl == ttl
        && p.protocol == protocol
        && Arrays.equals(src, p.src)
        && Arrays.equals(dst, p.dst)
        && Arrays.equals(options, p.options)
        && Arrays.equals(payload, p.payload)
        && p.headerChecksum == headerChecksum
        && p.totalLength == totalLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        tos,
        identification,
        flagsAndFragment,
        ttl,
        protocol,
        Arrays.hashCode(src),
        Arrays.hashCode(dst),
        Arrays.hashCode(options),
        Arrays.hashCode(payload),
        headerChecksum,
        totalLength);
  }

  @Override
  public String toString() {
    return "Ipv4Packet["
        + IdPayload.formatAddress(src)
        + " > "
        + IdPayload.formatAddress(dst)
        + ", proto="
        + protocol
        + ", tos="
        + tos
        + ", id="
        + identification
        + ", flags/frag=0x"
        + Integer.toHexString(flagsAndFragment)
        + ", ttl="
        + ttl
        + ", checksum="
        + (headerChecksum < 0 ? "auto" : "0x" + Integer.toHexString(headerChecksum))
        + ", totalLength="
        + (totalLength < 0 ? "auto" : totalLength)
        + (options.length > 0 ? ", options=" + Hex.hex(options) : "")
        + ", payload="
        + Hex.hex(payload)
        + "]";
  }
}
