package io.natt.iut;

import io.natt.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The words of a proposal as written in scenario files and target profiles, strongSwan style: phase
 * 1 {@code cipher-hash-group} (aes128-sha256-modp2048), ESP {@code cipher-hash} (aes128-sha256).
 * The one place both loaders take them from; the scenario part's ProposalParser turns them into
 * algorithms (a test checks that it reads every proposal this grammar accepts).
 */
public final class ProposalGrammar {
  public static final List<String> CIPHERS = List.of("aes128", "aes256", "3des");
  public static final List<String> HASHES = List.of("sha1", "sha256");
  public static final List<String> GROUPS = List.of("modp1024", "modp1536", "modp2048");
  public static final List<String> ESP_CIPHERS = List.of("aes128", "aes256");
  public static final List<String> ESP_HASHES = HASHES;

  private ProposalGrammar() {}

  /** A phase-1 proposal, checked word by word. */
  public static String phase1(YamlNode n) {
    return read(n, "cipher-hash-group", List.of(CIPHERS, HASHES, GROUPS));
  }

  /** An ESP proposal, checked word by word. */
  public static String esp(YamlNode n) {
    return read(n, "cipher-hash", List.of(ESP_CIPHERS, ESP_HASHES));
  }

  /** Every phase-1 proposal the grammar accepts. */
  public static List<String> allPhase1() {
    return combinations(List.of(CIPHERS, HASHES, GROUPS));
  }

  /** Every ESP proposal the grammar accepts. */
  public static List<String> allEsp() {
    return combinations(List.of(ESP_CIPHERS, ESP_HASHES));
  }

  private static String read(YamlNode n, String form, List<List<String>> parts) {
    String v = n.string();
    String[] p = v.split("-", -1);
    String[] names = form.split("-");
    if (p.length != parts.size()) {
      throw n.expected(
          form + " such as " + String.join("-", parts.stream().map(l -> l.get(0)).toList()));
    }
    for (int i = 0; i < p.length; i++) {
      if (!parts.get(i).contains(p[i])) {
        throw n.error(
            "unknown "
                + names[i]
                + " '"
                + p[i]
                + "' in '"
                + v
                + "'; expected one of "
                + parts.get(i));
      }
    }
    return v;
  }

  private static List<String> combinations(List<List<String>> parts) {
    List<String> out = List.of("");
    for (List<String> words : parts) {
      List<String> next = new ArrayList<>();
      for (String prefix : out) {
        for (String w : words) {
          next.add(prefix.isEmpty() ? w : prefix + "-" + w);
        }
      }
      out = next;
    }
    return out;
  }
}
