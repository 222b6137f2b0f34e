package io.natt.ike;

import io.natt.wire.IdPayload;
import java.net.Inet4Address;

/** Quick Mode identities (traffic selectors) from addresses. */
public final class IdPayloads {
  private IdPayloads() {}

  public static IdPayload host(Inet4Address a) {
    return IdPayload.ipv4(a.getAddress());
  }

  public static IdPayload subnet(Inet4Address net, int prefix) {
    byte[] mask = new byte[4];
    for (int i = 0; i < prefix; i++) {
      mask[i / 8] |= (byte) (0x80 >>> (i % 8));
    }
    return IdPayload.ipv4Subnet(net.getAddress(), mask);
  }
}
