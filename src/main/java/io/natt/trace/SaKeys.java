package io.natt.trace;

/**
 * Key material of the SAs the harness negotiated, kept with the trace so that captures can be
 * decrypted (Wireshark key tables, offline analysis). Secrets: reports write them only when asked.
 */
public sealed interface SaKeys {
  /** An IKEv1 SA: Wireshark needs the initiator cookie and the phase-1 encryption key. */
  record Ikev1(byte[] initiatorCookie, byte[] responderCookie, byte[] encryptionKey, String cipher)
      implements SaKeys {
    @Override
    public String toString() {
      return "Ikev1[" + cipher + ", key " + encryptionKey.length + " bytes]";
    }
  }

  /**
   * One direction of an ESP SA.
   *
   * @param encryption Wireshark's name of the cipher, e.g. "AES-CBC [RFC3602]"
   * @param authentication Wireshark's name of the integrity algorithm
   */
  record Esp(
      long spi,
      String encryption,
      byte[] encryptionKey,
      String authentication,
      byte[] authenticationKey)
      implements SaKeys {
    @Override
    public String toString() {
      return String.format("Esp[%08x %s/%s]", spi, encryption, authentication);
    }
  }
}
