package io.natt.ike;

import io.natt.wire.IpsecAttr;
import io.natt.wire.NotificationPayload;
import io.natt.wire.NotifyType;
import io.natt.wire.PacketView;
import io.natt.wire.VendorIdPayload;
import io.natt.wire.VendorIds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Dead-peer detection for IKEv1 (RFC 3706): the vendor ID both sides announce, and the R-U-THERE /
 * R-U-THERE-ACK notifications (DOI IPsec, protocol ISAKMP, the two cookies as SPI, a 4-byte
 * sequence number as data), sent in Informational exchanges under the phase-1 keys with HASH(1).
 */
public final class Dpd {
  private Dpd() {}

  /** Whether a phase-1 message announces DPD. */
  public static boolean announced(List<VendorIdPayload> vids) {
    return vids.stream().anyMatch(v -> Arrays.equals(v.data(), VendorIds.DPD));
  }

  public static VendorIdPayload vendorId() {
    return new VendorIdPayload(VendorIds.DPD);
  }

  /** An R-U-THERE (or, with {@code ack}, an R-U-THERE-ACK) with this sequence number. */
  public static NotificationPayload notify(byte[] ckyI, byte[] ckyR, long seq, boolean ack) {
    byte[] spi = ByteBuffer.allocate(16).put(ckyI).put(ckyR).array();
    byte[] data = ByteBuffer.allocate(4).putInt((int) seq).array();
    return new NotificationPayload(
        IpsecAttr.DOI_IPSEC,
        IpsecAttr.PROTO_ISAKMP,
        (ack ? NotifyType.R_U_THERE_ACK : NotifyType.R_U_THERE).code(),
        spi,
        data);
  }

  /** The sequence number of the first R-U-THERE ({@code ack} false) or ACK in a message. */
  public static Optional<Long> sequence(PacketView.Ike m, boolean ack) {
    int type = (ack ? NotifyType.R_U_THERE_ACK : NotifyType.R_U_THERE).code();
    for (NotificationPayload n : m.all(NotificationPayload.class)) {
      if (n.notifyType() == type) {
        return Optional.of(n.sequenceNumber());
      }
    }
    return Optional.empty();
  }
}
