package io.natt.yaml;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A YAML map whose keys are checked against what the file format allows. */
public final class YamlMap {
  private final YamlNode node;
  private final Map<String, YamlNode> keys;
  private final Map<String, YamlNode> values;
  private List<String> allowed; // set by allowedKeys

  YamlMap(YamlNode node, Map<String, YamlNode> keys, Map<String, YamlNode> values) {
    this.node = node;
    this.keys = keys;
    this.values = values;
  }

  /** The map itself, for errors about the whole map. */
  public YamlNode node() {
    return node;
  }

  /**
   * Refuses every key not in {@code allowed}, each at the key's position, listing what is allowed
   * (one LoadException for all of them).
   */
  public YamlMap allowedKeys(List<String> allowed) {
    Problems p = new Problems();
    allowedKeys(p, allowed);
    p.throwIfAny();
    return this;
  }

  /** Same as {@link #allowedKeys(List)}. */
  public YamlMap allowedKeys(String... allowed) {
    return allowedKeys(Arrays.asList(allowed));
  }

  /**
   * Records every key not in {@code allowed} in {@code p}, and returns the map for more reading.
   */
  public YamlMap allowedKeys(Problems p, List<String> allowed) {
    this.allowed = allowed;
    for (Map.Entry<String, YamlNode> e : keys.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        String where = node.path().isEmpty() ? "unknown top-level key" : "unknown key";
        String problem =
            where
                + " '"
                + e.getKey()
                + "'"
                + YamlNode.hint(e.getKey(), allowed)
                + "; allowed: "
                + YamlNode.commaList(allowed);
        p.add(e.getValue().error(problem));
      }
    }
    return this;
  }

  /** Refuses the map when keys are missing (each reported at the start of the map). */
  public YamlMap requireKeys(String... required) {
    Problems p = new Problems();
    requireKeys(p, required);
    p.throwIfAny();
    return this;
  }

  /** Records each missing key in {@code p}, and returns the map for more reading. */
  public YamlMap requireKeys(Problems p, String... required) {
    for (String k : required) {
      if (!keys.containsKey(k) && !misspelt(k)) {
        p.add(node.error("missing required key '" + k + "'"));
      }
    }
    return this;
  }

  /**
   * Whether an unknown key of this map is a misspelling of {@code key} (already reported with its
   * "did you mean" hint, so that the missing key is not reported a second time).
   */
  private boolean misspelt(String key) {
    if (allowed == null) {
      return false;
    }
    for (String k : keys.keySet()) {
      if (!allowed.contains(k) && key.equals(YamlNode.closest(k, allowed))) {
        return true;
      }
    }
    return false;
  }

  /** The keys, in file order. */
  public Set<String> keys() {
    return keys.keySet();
  }

  public boolean has(String key) {
    return keys.containsKey(key);
  }

  /** The value of a key that must be there. */
  public YamlNode get(String key) {
    YamlNode v = values.get(key);
    if (v == null) {
      throw node.error("missing required key '" + key + "'");
    }
    return v;
  }

  /** The value of an optional key. */
  public Optional<YamlNode> opt(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * The key itself as a node, to point at it in errors; its path is the map's path, so messages
   * read "map.path: ...".
   */
  public YamlNode keyNode(String key) {
    YamlNode k = keys.get(key);
    if (k == null) {
      throw node.error("missing required key '" + key + "'");
    }
    return k;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  public int size() {
    return keys.size();
  }
}
