package io.natt.scenario;

import io.natt.ike.Knobs;
import io.natt.wire.VendorIds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Harness personas: a real client's habits named in a scenario file ({@code harness: { persona:
 * windows-xp-l2tp }}). A persona gives the defaults of the harness's phase 1, its knobs, further
 * vendor IDs and the Quick Mode it asks for; a key the file also writes overrides a knob, and is
 * refused where it would contradict the persona (another proposal, a tunnel-mode Quick Mode).
 */
public final class Personas {
  private Personas() {}

  /**
   * One persona.
   *
   * @param exchange main or aggressive
   * @param proposal the phase-1 proposal it offers
   * @param esp the ESP proposal it offers
   * @param knobs its knobs before the file's own
   * @param vendorIds vendor IDs it announces after its NAT-T ones
   * @param mode the Quick Mode mode it negotiates (tunnel or transport)
   * @param protocol the protocol its Quick Mode IDs name (17: UDP; 0: any)
   * @param port the port its Quick Mode IDs name (0: any)
   */
  public record Persona(
      String name,
      String exchange,
      String proposal,
      String esp,
      Knobs knobs,
      List<byte[]> vendorIds,
      String mode,
      int protocol,
      int port) {}

  /**
   * The Windows XP SP2 L2TP/IPsec client: Main Mode with 3DES-SHA1-MODP1024 and ESP 3DES-SHA1, the
   * draft-02 NAT-T vendor ID with the trailing newline (the one XP sends), Microsoft's MS NT5
   * ISAKMPOAKLEY (version 4) and FRAGMENTATION vendor IDs, keepalives every 20 s, transport mode
   * for L2TP (UDP port 1701 on both ends).
   */
  public static final Persona WINDOWS_XP_L2TP =
      new Persona(
          "windows-xp-l2tp",
          "main",
          "3des-sha1-modp1024",
          "3des-sha1",
          Knobs.rfc3947()
              .withVendorIds(List.of(Knobs.VendorIdChoice.DRAFT_02N))
              .withKeepaliveInterval(Duration.ofSeconds(20)),
          List.of(VendorIds.MS_NT5_ISAKMPOAKLEY_V4, VendorIds.FRAGMENTATION),
          "transport",
          17,
          1701);

  private static final Map<String, Persona> ALL = Map.of(WINDOWS_XP_L2TP.name(), WINDOWS_XP_L2TP);

  /** The persona of that name. */
  public static Optional<Persona> get(String name) {
    return Optional.ofNullable(ALL.get(name));
  }

  /** The names, for messages and the schema. */
  public static List<String> names() {
    return ALL.keySet().stream().sorted().toList();
  }

  /** The further vendor IDs of the persona of that name; none for "" (no persona). */
  public static List<byte[]> vendorIds(String name) {
    return get(name).map(Persona::vendorIds).orElse(List.of());
  }
}
