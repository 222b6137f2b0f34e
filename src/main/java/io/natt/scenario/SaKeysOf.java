package io.natt.scenario;

import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.ike.ChildSaKeys;
import io.natt.ike.Ikev1Initiator;
import io.natt.trace.SaKeys;
import java.util.List;

/** The negotiated keys as the trace keeps them, with Wireshark's names for the algorithms. */
final class SaKeysOf {
  private SaKeysOf() {}

  static SaKeys.Ikev1 ike(Ikev1Initiator ike) {
    return new SaKeys.Ikev1(
        ike.initiatorCookie(), ike.responderCookie(), ike.phase1EncryptionKey(), "AES-CBC");
  }

  /** Both directions of an ESP SA pair. */
  static List<SaKeys.Esp> esp(ChildSaKeys c) {
    String enc =
        c.cipher() == EspCipher.AES_CBC_128 || c.cipher() == EspCipher.AES_CBC_256
            ? "AES-CBC [RFC3602]"
            : c.cipher().name();
    String auth =
        c.integrity() == EspIntegrity.HMAC_SHA1_96
            ? "HMAC-SHA-1-96 [RFC2404]"
            : "HMAC-SHA-256-128 [RFC4868]";
    return List.of(
        new SaKeys.Esp(c.spiIn(), enc, c.encIn(), auth, c.authIn()),
        new SaKeys.Esp(c.spiOut(), enc, c.encOut(), auth, c.authOut()));
  }
}
