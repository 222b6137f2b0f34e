package io.natt.crypto;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads proposal strings named as strongSwan names them: phase 1 {@code cipher-hash-group} (for
 * example {@code aes192-sha384-modp3072}, {@code 3des-md5-modp1024}, {@code aes256-sha512-ecp384};
 * the PRF is the HMAC of the hash), ESP {@code cipher-integrity} ({@code aes128-sha512}, {@code
 * 3des-sha1}) or a combined-mode cipher alone ({@code aes128gcm16}). The one place that knows the
 * names: both loaders validate with it (through iut.ProposalGrammar, which also gives the schemas'
 * patterns), the runner builds the peer's configuration from it. A bad name gives an {@link
 * IllegalArgumentException} whose message lists what is accepted.
 */
public final class ProposalParser {
  public record Phase1(Ike1Cipher cipher, HashAlg hash, DhGroup group) {}

  public record Phase2(EspCipher cipher, EspIntegrity integrity) {}

  public static final Map<String, Ike1Cipher> CIPHERS =
      names("3des", Ike1Cipher.DES3_CBC)
          .and("aes128", Ike1Cipher.AES_CBC_128)
          .and("aes192", Ike1Cipher.AES_CBC_192)
          .and("aes256", Ike1Cipher.AES_CBC_256)
          .done();

  public static final Map<String, HashAlg> HASHES =
      names("md5", HashAlg.MD5)
          .and("sha1", HashAlg.SHA1)
          .and("sha256", HashAlg.SHA2_256)
          .and("sha384", HashAlg.SHA2_384)
          .and("sha512", HashAlg.SHA2_512)
          .done();

  public static final Map<String, DhGroup> GROUPS =
      names("modp1024", DhGroup.MODP_1024)
          .and("modp1536", DhGroup.MODP_1536)
          .and("modp2048", DhGroup.MODP_2048)
          .and("modp3072", DhGroup.MODP_3072)
          .and("modp4096", DhGroup.MODP_4096)
          .and("ecp256", DhGroup.ECP_256)
          .and("ecp384", DhGroup.ECP_384)
          .done();

  /** ESP ciphers that need an integrity algorithm. */
  public static final Map<String, EspCipher> ESP_CIPHERS =
      names("3des", EspCipher.DES3_CBC)
          .and("aes128", EspCipher.AES_CBC_128)
          .and("aes192", EspCipher.AES_CBC_192)
          .and("aes256", EspCipher.AES_CBC_256)
          .done();

  /** Combined-mode ESP ciphers (AES-GCM with a 16-byte ICV), written without an integrity part. */
  public static final Map<String, EspCipher> ESP_AEAD =
      names("aes128gcm16", EspCipher.AES_GCM16_128)
          .and("aes192gcm16", EspCipher.AES_GCM16_192)
          .and("aes256gcm16", EspCipher.AES_GCM16_256)
          .done();

  public static final Map<String, EspIntegrity> ESP_INTEGRITY =
      names("sha1", EspIntegrity.HMAC_SHA1_96)
          .and("sha256", EspIntegrity.HMAC_SHA2_256_128)
          .and("sha384", EspIntegrity.HMAC_SHA2_384_192)
          .and("sha512", EspIntegrity.HMAC_SHA2_512_256)
          .done();

  private ProposalParser() {}

  /** A phase-1 proposal {@code cipher-hash-group}. */
  public static Phase1 phase1(String s) {
    String[] p = s.split("-", -1);
    if (p.length != 3) {
      throw new IllegalArgumentException(
          "expected cipher-hash-group such as aes128-sha256-modp2048, found '" + s + "'");
    }
    return new Phase1(
        lookup(CIPHERS, "cipher", p[0], s),
        lookup(HASHES, "hash", p[1], s),
        lookup(GROUPS, "group", p[2], s));
  }

  /** An ESP proposal {@code cipher-integrity}, or a combined-mode cipher alone. */
  public static Phase2 phase2(String s) {
    String[] p = s.split("-", -1);
    if (p.length == 1 && ESP_AEAD.containsKey(p[0])) {
      return new Phase2(ESP_AEAD.get(p[0]), EspIntegrity.NONE);
    }
    if (p.length == 1 && ESP_CIPHERS.containsKey(p[0])) {
      throw new IllegalArgumentException(
          "ESP cipher '"
              + p[0]
              + "' needs an integrity algorithm, for example '"
              + p[0]
              + "-sha256'; integrity one of "
              + List.copyOf(ESP_INTEGRITY.keySet()));
    }
    if (p.length == 2 && ESP_AEAD.containsKey(p[0])) {
      throw new IllegalArgumentException(
          "'"
              + p[0]
              + "' is a combined mode (AES-GCM) with its own integrity: write '"
              + p[0]
              + "' alone, without '-"
              + p[1]
              + "'");
    }
    if (p.length == 1 || p.length == 2) {
      if (!ESP_CIPHERS.containsKey(p[0])) {
        throw new IllegalArgumentException(
            "unknown ESP cipher '"
                + p[0]
                + "' in '"
                + s
                + "'; expected one of "
                + List.copyOf(ESP_CIPHERS.keySet())
                + " followed by -integrity, or one of "
                + List.copyOf(ESP_AEAD.keySet())
                + " alone");
      }
      return new Phase2(ESP_CIPHERS.get(p[0]), lookup(ESP_INTEGRITY, "integrity", p[1], s));
    }
    throw new IllegalArgumentException(
        "expected cipher-integrity such as aes128-sha256, or a combined-mode cipher such as"
            + " aes128gcm16, found '"
            + s
            + "' (PFS groups in ESP proposals are not supported)");
  }

  private static <T> T lookup(Map<String, T> names, String what, String name, String whole) {
    T v = names.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "unknown "
              + what
              + " '"
              + name
              + "' in '"
              + whole
              + "'; expected one of "
              + List.copyOf(names.keySet()));
    }
    return v;
  }

  private static <T> Names<T> names(String name, T value) {
    return new Names<T>(new LinkedHashMap<>()).and(name, value);
  }

  /** An insertion-ordered name table, so that messages list the names in a readable order. */
  private record Names<T>(LinkedHashMap<String, T> map) {
    Names<T> and(String name, T value) {
      map.put(name, value);
      return this;
    }

    Map<String, T> done() {
      return Collections.unmodifiableMap(map);
    }
  }
}
