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

  YamlMap(YamlNode node, Map<String, YamlNode> keys, Map<String, YamlNode> values) {
    this.node = node;
    this.keys = keys;
    this.values = values;
  }

  /** The map itself, for errors about the whole map. */
  public YamlNode node() {
    return node;
  }

  /** Refuses any key not in {@code allowed}, at the key's position, listing what is allowed. */
  public YamlMap allowedKeys(List<String> allowed) {
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
        throw e.getValue().error(problem);
      }
    }
    return this;
  }

  /** Same as {@link #allowedKeys(List)}. */
  public YamlMap allowedKeys(String... allowed) {
    return allowedKeys(Arrays.asList(allowed));
  }

  /** Refuses the map when one of the keys is missing (reported at the start of the map). */
  public YamlMap requireKeys(String... required) {
    for (String k : required) {
      if (!keys.containsKey(k)) {
        throw node.error("missing required key '" + k + "'");
      }
    }
    return this;
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
