package io.natt.ike;

import io.natt.wire.IdPayload;
import java.net.Inet4Address;
import java.util.function.Consumer;

/** Phase-1 identities, and Quick Mode identities (traffic selectors) from addresses. */
public final class IdPayloads {
  private IdPayloads() {}

  /**
   * A phase-1 identity (ID_FQDN, protocol and port 0), or with the deviation id-port-500 protocol
   * 17 and port 500; {@code note} hears the deviation, naming the payload as {@code name}.
   */
  public static IdPayload phase1(String fqdn, Knobs knobs, String name, Consumer<String> note) {
    IdPayload id = IdPayload.fqdn(fqdn);
    if (knobs.has(Knobs.Deviation.ID_PORT_500)) {
      id = id.withProtocolPort(17, 500);
      note.accept(name + " with UDP port 500 instead of 0 (deviation id-port-500)");
    }
    return id;
  }

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
