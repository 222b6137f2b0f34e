package io.natt.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A proposal payload nested in an SA (RFC 2408 3.5). SPI size and transform count are derived from
 * {@code spi} and {@code transforms} on encode.
 */
public record Proposal(int number, int protocolId, byte[] spi, List<Transform> transforms) {
  /** Size of the proposal header including the generic header, without the SPI. */
  public static final int HEADER_SIZE = 8;

  public Proposal {
    spi = Objects.requireNonNull(spi, "spi").clone();
    transforms = List.copyOf(transforms);
  }

  public static Proposal of(int number, int protocolId, byte[] spi, Transform... transforms) {
    return new Proposal(number, protocolId, spi, List.of(transforms));
  }

  @Override
  public byte[] spi() {
    return spi.clone();
  }

  void encode(WireWriter w, boolean last) {
    if (spi.length > 255 || transforms.size() > 255) {
      throw new IllegalArgumentException("SPI or transform count does not fit one byte");
    }
    int start = w.position();
    w.u8(last ? 0 : PayloadType.PROPOSAL.code()).u8(0).u16(0);
    w.u8(number).u8(protocolId).u8(spi.length).u8(transforms.size()).bytes(spi);
    for (int i = 0; i < transforms.size(); i++) {
      transforms.get(i).encode(w, i == transforms.size() - 1);
    }
    int len = w.position() - start;
    if (len > 0xFFFF) {
      throw new IllegalArgumentException("proposal longer than 65535 bytes");
    }
    w.patchU16(start + 2, len);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Proposal p
        && p.number == number
        && p.protocolId == protocolId
        && Arrays.equals(spi, p.spi)
        && transforms.equals(p.transforms);
  }

  @Override
  public int hashCode() {
    return Objects.hash(number, protocolId, Arrays.hashCode(spi), transforms);
  }

  @Override
  public String toString() {
    return "Proposal[#"
        + number
        + ", proto="
        + protocolId
        + ", spi="
        + Hex.hex(spi)
        + ", "
        + transforms
        + "]";
  }
}
