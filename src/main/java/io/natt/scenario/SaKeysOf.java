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
    return ike(ike.initiatorCookie(), ike.responderCookie(), ike.phase1EncryptionKey());
  }

  /** The IKE SA of the harness's responder. */
  static SaKeys.Ikev1 ike(io.natt.ike.Ikev1Responder r) {
    return ike(r.initiatorCookie(), r.responderCookie(), r.phase1EncryptionKey());
  }

  private static SaKeys.Ikev1 ike(byte[] ckyI, byte[] ckyR, byte[] key) {
    return new SaKeys.Ikev1(ckyI, ckyR, key, "AES-CBC");
  }

  /**
   * Both directions of an ESP SA pair. For AES-GCM the encryption key is key | salt, as Wireshark's
   * esp_sa table wants it, and the authentication algorithm is NULL.
   */
  static List<SaKeys.Esp> esp(ChildSaKeys c) {
    String enc = encryptionName(c.cipher());
    String auth = authenticationName(c.integrity());
    return List.of(
        new SaKeys.Esp(c.spiIn(), enc, c.encIn(), auth, c.authIn()),
        new SaKeys.Esp(c.spiOut(), enc, c.encOut(), auth, c.authOut()));
  }

  /** Wireshark's esp_sa name of an ESP cipher. */
  static String encryptionName(EspCipher c) {
    return switch (c) {
      case DES3_CBC -> "TripleDES-CBC [RFC2451]";
      case AES_CBC_128, AES_CBC_192, AES_CBC_256 -> "AES-CBC [RFC3602]";
      case AES_GCM16_128, AES_GCM16_192, AES_GCM16_256 -> "AES-GCM with 16 octet ICV [RFC4106]";
    };
  }

  /** Wireshark's esp_sa name of an ESP integrity algorithm. */
  static String authenticationName(EspIntegrity i) {
    return switch (i) {
      case NONE -> "NULL";
      case HMAC_SHA1_96 -> "HMAC-SHA-1-96 [RFC2404]";
      case HMAC_SHA2_256_128 -> "HMAC-SHA-256-128 [RFC4868]";
      case HMAC_SHA2_384_192 -> "HMAC-SHA-384-192 [RFC4868]";
      case HMAC_SHA2_512_256 -> "HMAC-SHA-512-256 [RFC4868]";
    };
  }
}
