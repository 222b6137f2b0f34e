package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * What travels in a UDP datagram on port 4500 (RFC 3948 2): a NAT-keepalive (one byte, 0xFF), a
 * non-ESP marker (four zero bytes) followed by an IKE message, or an ESP packet.
 *
 * <p>Classification by {@link #decode(byte[])}: 0 bytes: malformed; 1 byte: keepalive (whatever the
 * byte); 2-3 bytes: malformed (too short for marker or ESP header); first four bytes zero: non-ESP;
 * otherwise ESP, which needs at least 8 bytes.
 */
public sealed interface Udp4500 {
  /** The 4 zero bytes of the non-ESP marker (do not modify; see {@link #nonEspMarker()}). */
  byte[] NON_ESP_MARKER = {0, 0, 0, 0};

  /** The keepalive byte value (RFC 3948 2.3). */
  int KEEPALIVE_BYTE = 0xFF;

  /** A fresh copy of the 4-byte non-ESP marker. */
  static byte[] nonEspMarker() {
    return new byte[4];
  }

  byte[] encode();

  static Udp4500 decode(byte[] udpPayload) {
    WireReader r = new WireReader(udpPayload);
    int n = udpPayload.length;
    if (n == 0) {
      throw r.malformed("udp 4500 payload", "empty datagram");
    }
    if (n == 1) {
      return new Keepalive(udpPayload);
    }
    if (n < 4) {
      throw r.malformed("udp 4500 payload", "too short for marker or ESP header (" + n + " bytes)");
    }
    if (udpPayload[0] == 0 && udpPayload[1] == 0 && udpPayload[2] == 0 && udpPayload[3] == 0) {
      r.bytes(4, "non-esp marker");
      return new NonEsp(r.rest());
    }
    return new EspInUdp(EspPacket.decode(r));
  }

  /** NAT-keepalive (RFC 3948 2.3). The bytes are kept as received (normally the single 0xFF). */
  record Keepalive(byte[] bytes) implements Udp4500 {
    public Keepalive {
      bytes = Objects.requireNonNull(bytes, "bytes").clone();
    }

    /** The standard one-byte 0xFF keepalive. */
    public static Keepalive standard() {
      return new Keepalive(new byte[] {(byte) KEEPALIVE_BYTE});
    }

    /** True for exactly one 0xFF byte. */
    public boolean isStandard() {
      return bytes.length == 1 && (bytes[0] & 0xFF) == KEEPALIVE_BYTE;
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public byte[] encode() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Keepalive k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Keepalive[" + Hex.hex(bytes) + "]";
    }
  }

  /** Non-ESP marker followed by an IKE message; {@code ike} excludes the marker. */
  record NonEsp(byte[] ike) implements Udp4500 {
    public NonEsp {
      ike = Objects.requireNonNull(ike, "ike").clone();
    }

    @Override
    public byte[] ike() {
      return ike.clone();
    }

    /** Decodes the carried IKE message. */
    public IsakmpMessage message() {
      return IsakmpMessage.decode(ike);
    }

    @Override
    public byte[] encode() {
      byte[] out = new byte[4 + ike.length];
      System.arraycopy(ike, 0, out, 4, ike.length);
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NonEsp k && Arrays.equals(ike, k.ike);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ike);
    }

    @Override
    public String toString() {
      return "NonEsp[" + ike.length + " bytes IKE: " + Hex.hex(ike) + "]";
    }
  }

  /** ESP in UDP (RFC 3948 2.1). */
  record EspInUdp(EspPacket esp) implements Udp4500 {
    public EspInUdp {
      Objects.requireNonNull(esp, "esp");
    }

    @Override
    public byte[] encode() {
      return esp.encode();
    }
  }
}
