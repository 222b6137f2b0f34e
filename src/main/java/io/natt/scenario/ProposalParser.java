package io.natt.scenario;

import io.natt.crypto.DhGroup;
import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.crypto.HashAlg;
import io.natt.crypto.Ike1Cipher;

/** Reads strongSwan-style proposal strings (aes128-sha256-modp2048, aes128-sha256). */
public final class ProposalParser {
  public record Phase1(Ike1Cipher cipher, HashAlg hash, DhGroup group) {}

  public record Phase2(EspCipher cipher, EspIntegrity integrity) {}

  private ProposalParser() {}

  public static Phase1 phase1(String s) {
    String[] p = s.split("-");
    if (p.length != 3) {
      throw new IllegalArgumentException("proposal '" + s + "': expected cipher-hash-group");
    }
    Ike1Cipher c =
        switch (p[0]) {
          case "aes128" -> Ike1Cipher.AES_CBC_128;
          case "aes256" -> Ike1Cipher.AES_CBC_256;
          case "3des" -> Ike1Cipher.DES3_CBC;
          default -> throw new IllegalArgumentException("proposal '" + s + "': cipher " + p[0]);
        };
    return new Phase1(c, hash(s, p[1]), group(s, p[2]));
  }

  public static Phase2 phase2(String s) {
    String[] p = s.split("-");
    if (p.length != 2) {
      throw new IllegalArgumentException("ESP proposal '" + s + "': expected cipher-integrity");
    }
    EspCipher c =
        switch (p[0]) {
          case "aes128" -> EspCipher.AES_CBC_128;
          case "aes256" -> EspCipher.AES_CBC_256;
          default -> throw new IllegalArgumentException("ESP proposal '" + s + "': cipher " + p[0]);
        };
    EspIntegrity i =
        switch (p[1]) {
          case "sha1" -> EspIntegrity.HMAC_SHA1_96;
          case "sha256" -> EspIntegrity.HMAC_SHA2_256_128;
          default ->
              throw new IllegalArgumentException("ESP proposal '" + s + "': integrity " + p[1]);
        };
    return new Phase2(c, i);
  }

  private static HashAlg hash(String s, String h) {
    return switch (h) {
      case "sha1" -> HashAlg.SHA1;
      case "sha256" -> HashAlg.SHA2_256;
      default -> throw new IllegalArgumentException("proposal '" + s + "': hash " + h);
    };
  }

  private static DhGroup group(String s, String g) {
    return switch (g) {
      case "modp1024" -> DhGroup.MODP_1024;
      case "modp1536" -> DhGroup.MODP_1536;
      case "modp2048" -> DhGroup.MODP_2048;
      default -> throw new IllegalArgumentException("proposal '" + s + "': group " + g);
    };
  }
}
