package io.natt.iut;

import io.natt.crypto.ProposalParser;
import io.natt.yaml.YamlNode;
import java.util.Collection;

/**
 * Proposals as written in scenario files and target profiles, checked by {@link ProposalParser}
 * (the one table of algorithm names) with the file's line and column on a mistake; and the same
 * grammar as the regular expressions the JSON Schemas carry (a test keeps them in step).
 */
public final class ProposalGrammar {
  private ProposalGrammar() {}

  /** A phase-1 proposal such as aes128-sha256-modp2048. */
  public static String phase1(YamlNode n) {
    String v = n.string();
    try {
      ProposalParser.phase1(v);
    } catch (IllegalArgumentException e) {
      throw n.error(e.getMessage());
    }
    return v;
  }

  /** An ESP proposal such as aes128-sha256 or aes128gcm16. */
  public static String esp(YamlNode n) {
    String v = n.string();
    try {
      ProposalParser.phase2(v);
    } catch (IllegalArgumentException e) {
      throw n.error(e.getMessage());
    }
    return v;
  }

  /** The phase-1 grammar as the schemas' pattern. */
  public static String phase1Pattern() {
    return "^("
        + alt(ProposalParser.CIPHERS.keySet())
        + ")-("
        + alt(ProposalParser.HASHES.keySet())
        + ")-("
        + alt(ProposalParser.GROUPS.keySet())
        + ")$";
  }

  /** The ESP grammar as the schemas' pattern. */
  public static String espPattern() {
    return "^(("
        + alt(ProposalParser.ESP_CIPHERS.keySet())
        + ")-("
        + alt(ProposalParser.ESP_INTEGRITY.keySet())
        + ")|"
        + alt(ProposalParser.ESP_AEAD.keySet())
        + ")$";
  }

  private static String alt(Collection<String> words) {
    return String.join("|", words);
  }
}
