package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Notification payload (RFC 2408 3.14): DOI, protocol id, SPI size, notify message type, SPI,
 * notification data. The SPI size is taken from {@code spi.length}.
 */
public record NotificationPayload(long doi, int protocolId, int notifyType, byte[] spi, byte[] data)
    implements Payload {
  public NotificationPayload {
    spi = Objects.requireNonNull(spi, "spi").clone();
    data = Objects.requireNonNull(data, "data").clone();
  }

  /** IPsec DOI notification with no data. */
  public static NotificationPayload of(int protocolId, int notifyType, byte[] spi) {
    return new NotificationPayload(IpsecAttr.DOI_IPSEC, protocolId, notifyType, spi, new byte[0]);
  }

  @Override
  public int type() {
    return PayloadType.NOTIFICATION.code();
  }

  @Override
  public byte[] spi() {
    return spi.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /**
   * The notification data read as a 4-byte sequence number (RFC 3706 R-U-THERE and its ACK), or -1
   * when it is not 4 bytes long.
   */
  public long sequenceNumber() {
    return data.length == 4 ? java.nio.ByteBuffer.wrap(data).getInt() & 0xffffffffL : -1;
  }

  public NotifyType notifyTypeValue() {
    return NotifyType.valueOf(notifyType);
  }

  @Override
  public void encodeBody(WireWriter w) {
    if (spi.length > 255) {
      throw new IllegalArgumentException("SPI longer than 255 bytes");
    }
    w.u32(doi).u8(protocolId).u8(spi.length).u16(notifyType).bytes(spi).bytes(data);
  }

  static NotificationPayload decodeBody(WireReader r, String field) {
    long doi = r.u32(field + " doi");
    int proto = r.u8(field + " protocol id");
    int spiSize = r.u8(field + " spi size");
    int nt = r.u16(field + " notify type");
    byte[] spi = r.bytes(spiSize, field + " spi");
    return new NotificationPayload(doi, proto, nt, spi, r.bytes(r.remaining(), field + " data"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NotificationPayload p
        && p.doi == doi
        && p.protocolId == protocolId
        && p.notifyType == notifyType
        && Arrays.equals(spi, p.spi)
        && Arrays.equals(data, p.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(doi, protocolId, notifyType, Arrays.hashCode(spi), Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "NotificationPayload["
        + NotifyType.nameOf(notifyType)
        + ", doi="
        + doi
        + ", proto="
        + protocolId
        + ", spi="
        + Hex.hex(spi)
        + ", data="
        + Hex.hex(data)
        + "]";
  }
}
