package io.natt.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Delete payload (RFC 2408 3.15). {@code spiSize} is written as given (not derived from the SPIs),
 * so a deliberately inconsistent one can be built; the SPI count is {@code spis.size()}.
 */
public record DeletePayload(long doi, int protocolId, int spiSize, List<byte[]> spis)
    implements Payload {
  public DeletePayload {
    List<byte[]> copy = new ArrayList<>(spis.size());
    for (byte[] s : spis) {
      copy.add(Objects.requireNonNull(s, "spi").clone());
    }
    spis = List.copyOf(copy);
  }

  /** IPsec DOI delete of one or more SPIs of equal size. */
  public static DeletePayload of(int protocolId, byte[]... spis) {
    return new DeletePayload(
        IpsecAttr.DOI_IPSEC, protocolId, spis.length == 0 ? 0 : spis[0].length, List.of(spis));
  }

  @Override
  public int type() {
    return PayloadType.DELETE.code();
  }

  /** Copies of the SPIs. */
  @Override
  public List<byte[]> spis() {
    List<byte[]> out = new ArrayList<>(spis.size());
    for (byte[] s : spis) {
      out.add(s.clone());
    }
    return out;
  }

  @Override
  public void encodeBody(WireWriter w) {
    if (spis.size() > 0xFFFF) {
      throw new IllegalArgumentException("too many SPIs");
    }
    w.u32(doi).u8(protocolId).u8(spiSize).u16(spis.size());
    for (byte[] s : spis) {
      w.bytes(s);
    }
  }

  static DeletePayload decodeBody(WireReader r, String field) {
    long doi = r.u32(field + " doi");
    int proto = r.u8(field + " protocol id");
    int spiSize = r.u8(field + " spi size");
    int n = r.u16(field + " number of spis");
    List<byte[]> spis = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      spis.add(r.bytes(spiSize, field + " spi[" + i + "]"));
    }
    r.expectEnd(field + " end");
    return new DeletePayload(doi, proto, spiSize, spis);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DeletePayload p)
        || p.doi != doi
        || p.protocolId != protocolId
        || p.spiSize != spiSize
        || p.spis.size() != spis.size()) {
      return false;
    }
    for (int i = 0; i < spis.size(); i++) {
      if (!Arrays.equals(spis.get(i), p.spis.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(doi, protocolId, spiSize);
    for (byte[] s : spis) {
      h = 31 * h + Arrays.hashCode(s);
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DeletePayload[doi=");
    sb.append(doi).append(", proto=").append(protocolId).append(", spiSize=").append(spiSize);
    sb.append(", spis=[");
    for (int i = 0; i < spis.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(Hex.hex(spis.get(i)));
    }
    return sb.append("]]").toString();
  }
}
