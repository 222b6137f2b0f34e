package io.natt.ike;

import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;

/**
 * The ESP SA pair a Quick Mode produced. Inbound is what the IUT sends to the harness (the
 * harness's SPI); outbound is what the harness sends (the IUT's SPI).
 *
 * @param encapsulationMode the mode the IUT accepted (3 = UDP-Encapsulated-Tunnel)
 */
public record ChildSaKeys(
    long spiIn,
    long spiOut,
    EspCipher cipher,
    EspIntegrity integrity,
    byte[] encIn,
    byte[] authIn,
    byte[] encOut,
    byte[] authOut,
    int encapsulationMode) {
  @Override
  public String toString() {
    return String.format(
        "ChildSa[in %08x, out %08x, %s/%s, mode %d]",
        spiIn, spiOut, cipher, integrity, encapsulationMode);
  }
}
