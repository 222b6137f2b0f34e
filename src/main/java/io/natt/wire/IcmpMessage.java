package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * An ICMPv4 message (RFC 792): type, code, checksum (-1 = compute on encode), then the rest. For
 * echo messages the rest is identifier (2), sequence (2), data.
 */
public record IcmpMessage(int type, int code, int checksum, byte[] rest) {
  public static final int ECHO_REPLY = 0;
  public static final int DEST_UNREACHABLE = 3;
  public static final int ECHO_REQUEST = 8;
  public static final int TIME_EXCEEDED = 11;

  public IcmpMessage {
    rest = Objects.requireNonNull(rest, "rest").clone();
  }

  public static IcmpMessage echoRequest(int id, int seq, byte[] data) {
    return echo(ECHO_REQUEST, id, seq, data);
  }

  public static IcmpMessage echoReply(int id, int seq, byte[] data) {
    return echo(ECHO_REPLY, id, seq, data);
  }

  private static IcmpMessage echo(int type, int id, int seq, byte[] data) {
    return new IcmpMessage(
        type, 0, -1, new WireWriter(4 + data.length).u16(id).u16(seq).bytes(data).toByteArray());
  }

  public int echoId() {
    return new WireReader(rest).u16("icmp echo identifier");
  }

  public int echoSeq() {
    WireReader r = new WireReader(rest);
    r.u16("icmp echo identifier");
    return r.u16("icmp echo sequence");
  }

  public byte[] echoData() {
    WireReader r = new WireReader(rest);
    r.u32("icmp echo identifier/sequence");
    return r.rest();
  }

  public static IcmpMessage decode(byte[] b) {
    return decode(new WireReader(b));
  }

  /** Reads the whole remainder of {@code r}. */
  public static IcmpMessage decode(WireReader r) {
    int t = r.u8("icmp type");
    int c = r.u8("icmp code");
    int cks = r.u16("icmp checksum");
    return new IcmpMessage(t, c, cks, r.rest());
  }

  private byte[] raw(int cks) {
    return new WireWriter(4 + rest.length).u8(type).u8(code).u16(cks).bytes(rest).toByteArray();
  }

  public int effectiveChecksum() {
    return checksum >= 0 ? checksum : Checksums.internet(raw(0));
  }

  public byte[] encode() {
    return raw(effectiveChecksum());
  }

  /** True when the message sums correctly (or the checksum is to be computed, -1). */
  public boolean checksumValid() {
    if (checksum < 0) {
      return true;
    }
    byte[] b = raw(checksum);
    return Checksums.verify(b, 0, b.length);
  }

  public IcmpMessage withChecksum(int c) {
    return new IcmpMessage(type, code, c, rest);
  }

  @Override
  public byte[] rest() {
    return rest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IcmpMessage m
        && m.type == type
        && m.code == code
        && m.checksum == checksum
        && Arrays.equals(rest, m.rest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, code, checksum, Arrays.hashCode(rest));
  }

  @Override
  public String toString() {
    return "IcmpMessage[type="
        + type
        + ", code="
        + code
        + ", checksum="
        + (checksum < 0 ? "auto" : "0x" + Integer.toHexString(checksum))
        + ", rest="
        + Hex.hex(rest)
        + "]";
  }
}
