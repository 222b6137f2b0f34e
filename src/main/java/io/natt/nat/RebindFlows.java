package io.natt.nat;

/**
 * Which of the harness's flows to UDP 4500 a rebinding gives a new public port. After the float,
 * IKE (behind the non-ESP marker) and ESP share one UDP flow, so a NAT that tracks flows by address
 * and port (netfilter's conntrack) can only rebind them together; a NAT that tells them apart by
 * their first bytes can give each its own port. NAT-keepalives go with IKE (they are not ESP).
 */
public enum RebindFlows {
  /** Every mapping is forgotten (a NAT reboot): the next packet of any kind gets a new port. */
  ALL("all"),
  /** Only ESP (a non-zero SPI first) leaves from a new public port; IKE keeps its mapping. */
  ESP("esp"),
  /** Only IKE (the non-ESP marker first) and keepalives leave from a new port; ESP keeps its. */
  IKE("ike");

  private final String word;

  RebindFlows(String word) {
    this.word = word;
  }

  /** The word used in scenario files. */
  public String word() {
    return word;
  }

  /** Whether a datagram to or from UDP 4500 belongs to this flow ({@link #ALL}: every one). */
  public boolean carries(byte[] payload) {
    boolean esp =
        payload.length > 4
            && (payload[0] != 0 || payload[1] != 0 || payload[2] != 0 || payload[3] != 0);
    return switch (this) {
      case ALL -> true;
      case ESP -> esp;
      case IKE -> !esp;
    };
  }
}
