package io.natt.yaml;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML node with its place in the file (line, column) and in the document (a key path such as
 * {@code topology.nats.home.ports} or {@code steps[2].esp-ping.count}). Every accessor either
 * returns the value in the expected shape or throws a {@link LoadException} saying what was
 * expected and what was found.
 */
public final class YamlNode {
  private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern DECIMAL = Pattern.compile("[-+]?\\d{1,10}");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{1,8}");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private final String file;
  private final Node node;
  private final String path;

  YamlNode(String file, Node node, String path) {
    this.file = file;
    this.node = node;
    this.path = path;
  }

  /** The file, as named in messages. */
  public String file() {
    return file;
  }

  /** Where in the document: dotted keys and [index] for list items; empty for the root. */
  public String path() {
    return path;
  }

  /** 1-based line. */
  public int line() {
    return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
  }

  /** 1-based column. */
  public int column() {
    return node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
  }

  public boolean isMap() {
    return node instanceof MappingNode;
  }

  public boolean isList() {
    return node instanceof SequenceNode;
  }

  /** A scalar with a value (not an empty value, ~ or null). */
  public boolean isScalar() {
    return node instanceof ScalarNode && !isNull();
  }

  /** Nothing written, or ~ or null. */
  public boolean isNull() {
    return node instanceof ScalarNode s && s.isPlain() && NULLS.contains(s.getValue());
  }

  /** An error located at this node, its message prefixed with the key path. */
  public LoadException error(String problem) {
    return new LoadException(
        file, line(), column(), path.isEmpty() ? problem : path + ": " + problem);
  }

  /** An error "expected WHAT, found ..." at this node. */
  public LoadException expected(String what) {
    return error("expected " + what + ", found " + found());
  }

  /** How this node looks, for messages: 'text', a map, a list or nothing. */
  public String found() {
    if (isMap()) {
      return ((MappingNode) node).getValue().isEmpty() ? "an empty map" : "a map";
    }
    if (isList()) {
      return ((SequenceNode) node).getValue().isEmpty() ? "an empty list" : "a list";
    }
    if (isNull()) {
      return "nothing";
    }
    return "'" + ((ScalarNode) node).getValue() + "'";
  }

  /** This node as a map (key: value lines or { ... }). */
  public YamlMap map() {
    if (!(node instanceof MappingNode m)) {
      throw expected("a map of key: value");
    }
    Map<String, YamlNode> keys = new LinkedHashMap<>();
    Map<String, YamlNode> values = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String k = ((ScalarNode) t.getKeyNode()).getValue(); // checked by checkTree
      keys.put(k, new YamlNode(file, t.getKeyNode(), path));
      values.put(k, new YamlNode(file, t.getValueNode(), join(path, k)));
    }
    return new YamlMap(this, keys, values);
  }

  /** This node as a list ([a, b] or "- " lines). */
  public List<YamlNode> list() {
    if (!(node instanceof SequenceNode s)) {
      throw expected("a list");
    }
    List<YamlNode> items = new ArrayList<>();
    for (Node n : s.getValue()) {
      items.add(new YamlNode(file, n, path + "[" + items.size() + "]"));
    }
    return items;
  }

  /** This node as a list with at least one item. */
  public List<YamlNode> nonEmptyList(String what) {
    List<YamlNode> l = list();
    if (l.isEmpty()) {
      throw expected("a list of at least one " + what);
    }
    return l;
  }

  /** Text (a scalar written with or without quotes); an empty value is refused. */
  public String string() {
    if (!(node instanceof ScalarNode s) || isNull()) {
      throw expected("text");
    }
    if (s.getValue().isBlank()) {
      throw expected("text");
    }
    return s.getValue();
  }

  /** Text matching {@code pattern} (whole), described as {@code what} in the message. */
  public String string(Pattern pattern, String what) {
    String v = string();
    if (!pattern.matcher(v).matches()) {
      throw expected(what);
    }
    return v;
  }

  /** One of the given words. */
  public String oneOf(String... allowed) {
    String v = node instanceof ScalarNode && !isNull() ? ((ScalarNode) node).getValue() : null;
    if (v == null || !Arrays.asList(allowed).contains(v)) {
      throw expected("one of " + Arrays.toString(allowed));
    }
    return v;
  }

  /**
   * An enum constant written in lower case with '-' for '_' (FORCE_ENCAPSULATION is written
   * force-encapsulation).
   */
  public <E extends Enum<E>> E oneOf(Class<E> type) {
    E[] all = type.getEnumConstants();
    String[] words = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      words[i] = word(all[i]);
    }
    String v = oneOf(words);
    return all[Arrays.asList(words).indexOf(v)];
  }

  /** How an enum constant is written in YAML. */
  public static String word(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** A whole number, decimal or 0x-hex, written without quotes. */
  public int integer() {
    if (node instanceof ScalarNode s && s.isPlain()) {
      String v = s.getValue();
      if (DECIMAL.matcher(v).matches()) {
        long l = Long.parseLong(v);
        if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
          return (int) l;
        }
      } else if (HEX.matcher(v).matches()) {
        long l = Long.parseLong(v.substring(2), 16);
        if (l <= Integer.MAX_VALUE) {
          return (int) l;
        }
      }
    }
    if (node instanceof ScalarNode s && !s.isPlain()) {
      throw error("expected a whole number without quotes, found the quoted text " + found());
    }
    throw expected("a whole number");
  }

  /** A whole number from min to max. */
  public int integer(int min, int max) {
    int v = integer();
    if (v < min || v > max) {
      throw expected("a whole number from " + min + " to " + max);
    }
    return v;
  }

  /** One of the given numbers. */
  public int integerOneOf(int... allowed) {
    int v = integer();
    if (Arrays.stream(allowed).noneMatch(a -> a == v)) {
      throw expected("one of " + Arrays.toString(allowed));
    }
    return v;
  }

  /** true or false, without quotes. */
  public boolean bool() {
    if (node instanceof ScalarNode s && s.isPlain()) {
      if (s.getValue().equals("true")) {
        return true;
      }
      if (s.getValue().equals("false")) {
        return false;
      }
    }
    throw expected("true or false");
  }

  /** A duration such as 500ms, 30s, 2m or 1h; zero is allowed, negative is not. */
  public Duration duration() {
    String v = node instanceof ScalarNode && !isNull() ? ((ScalarNode) node).getValue() : "";
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      if (v.startsWith("-")) {
        throw error("a duration cannot be negative, found " + found());
      }
      throw expected("a duration such as 500ms, 30s or 2m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** A duration longer than zero. */
  public Duration positiveDuration() {
    Duration d = duration();
    if (d.isZero()) {
      throw error("must be longer than 0s, found " + found());
    }
    return d;
  }

  /** A dotted-quad IPv4 address (never looked up in DNS). */
  public Inet4Address ipv4() {
    String v = node instanceof ScalarNode && !isNull() ? ((ScalarNode) node).getValue() : "";
    if (!IPV4.matcher(v).matches()) {
      throw expected("an IPv4 address such as 198.51.100.2");
    }
    return parseIpv4(v);
  }

  /** A dotted quad already checked against the pattern. */
  static Inet4Address parseIpv4(String v) {
    String[] p = v.split("\\.");
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      b[i] = (byte) Integer.parseInt(p[i]);
    }
    try {
      return (Inet4Address) InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  /** Whether the text is a dotted-quad IPv4 address. */
  public static boolean isIpv4(String v) {
    return IPV4.matcher(v).matches();
  }

  /** The closest of the candidates to a misspelt word, if any is close enough. */
  public static String closest(String word, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word.toLowerCase(java.util.Locale.ROOT), c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    boolean close =
        bestDistance < word.length() && bestDistance <= Math.max(1, Math.min(3, word.length() / 3));
    return close ? best : null;
  }

  /** " (did you mean 'x'?)" or nothing. */
  public static String hint(String word, Iterable<String> candidates) {
    String c = closest(word, candidates);
    return c == null ? "" : " (did you mean '" + c + "'?)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /**
   * Records duplicate keys, keys that are not text, and custom tags, anywhere in the tree, in
   * {@code p}.
   */
  void checkTree(Set<Node> seen, Problems p) {
    if (!seen.add(node)) {
      return; // an alias of a node already checked
    }
    if (!node.getTag().getValue().startsWith(Tag.PREFIX)) {
      p.add(error("tags such as '" + node.getTag().getValue() + "' are not used in these files"));
    }
    if (node instanceof MappingNode m) {
      Map<String, YamlNode> first = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        YamlNode key = new YamlNode(file, t.getKeyNode(), path);
        if (!(t.getKeyNode() instanceof ScalarNode k) || key.isNull() || k.getValue().isBlank()) {
          p.add(key.error("keys must be plain words, found " + key.found() + " as a key"));
          continue;
        }
        YamlNode before = first.putIfAbsent(k.getValue(), key);
        if (before != null) {
          p.add(
              key.error(
                  "duplicate key '"
                      + k.getValue()
                      + "' (first given on line "
                      + before.line()
                      + ")"));
        }
        new YamlNode(file, t.getValueNode(), join(path, k.getValue())).checkTree(seen, p);
      }
    } else if (node instanceof SequenceNode s) {
      int i = 0;
      for (Node n : s.getValue()) {
        new YamlNode(file, n, path + "[" + i++ + "]").checkTree(seen, p);
      }
    }
  }

  /** Comma-separated, for "allowed: a, b, c". */
  static String commaList(Iterable<String> words) {
    List<String> l = new ArrayList<>();
    words.forEach(l::add);
    return l.stream().collect(Collectors.joining(", "));
  }
}
