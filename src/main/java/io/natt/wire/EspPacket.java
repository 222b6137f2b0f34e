package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * An ESP packet (RFC 4303): SPI, sequence number, then {@code payload} = IV + ciphertext + ICV,
 * opaque at this layer.
 */
public record EspPacket(long spi, long sequence, byte[] payload) {
  public static final int HEADER_SIZE = 8;

  public EspPacket {
    payload = Objects.requireNonNull(payload, "payload").clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  public static EspPacket decode(byte[] b) {
    return decode(new WireReader(b));
  }

  /** Reads SPI, sequence and everything that is left in {@code r}. */
  public static EspPacket decode(WireReader r) {
    long spi = r.u32("esp spi");
    long seq = r.u32("esp sequence number");
    return new EspPacket(spi, seq, r.rest());
  }

  public void encode(WireWriter w) {
    w.u32(spi).u32(sequence).bytes(payload);
  }

  public byte[] encode() {
    WireWriter w = new WireWriter(HEADER_SIZE + payload.length);
    encode(w);
    return w.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EspPacket p
        && p.spi == spi
        && p.sequence == sequence
        && Arrays.equals(payload, p.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spi, sequence, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "EspPacket[spi=0x"
        + Long.toHexString(spi)
        + ", seq="
        + sequence
        + ", "
        + payload.length
        + " bytes: "
        + Hex.hex(payload)
        + "]";
  }
}
