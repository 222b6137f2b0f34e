package io.natt.testutil;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A strict little JSON reader for tests: objects become maps, arrays lists. */
public final class Json {
  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  public static Object parse(String text) {
    Json j = new Json(text);
    Object v = j.value();
    j.ws();
    if (j.i != text.length()) {
      throw j.fail("trailing text");
    }
    return v;
  }

  /** Follows object keys; fails when one is missing. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> at(Object root, String... keys) {
    Object o = root;
    for (String k : keys) {
      if (!(o instanceof Map<?, ?> m) || !m.containsKey(k)) {
        throw new AssertionError("no key " + k + " in " + String.join(".", keys));
      }
      o = m.get(k);
    }
    return (Map<String, Object>) o;
  }

  public static Set<String> keys(Map<String, Object> m) {
    return new TreeSet<>(m.keySet());
  }

  /** The values of an "enum" array, as text. */
  public static Set<String> enumOf(Map<String, Object> m) {
    Set<String> out = new TreeSet<>();
    for (Object o : (List<?>) m.get("enum")) {
      out.add(o instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : "" + o);
    }
    return out;
  }

  private IllegalArgumentException fail(String why) {
    return new IllegalArgumentException("JSON: " + why + " at offset " + i);
  }

  private void ws() {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
  }

  private void expect(char c) {
    ws();
    if (i >= s.length() || s.charAt(i) != c) {
      throw fail("expected '" + c + "'");
    }
    i++;
  }

  private Object value() {
    ws();
    if (i >= s.length()) {
      throw fail("unexpected end");
    }
    char c = s.charAt(i);
    if (c == '{') {
      i++;
      Map<String, Object> m = new LinkedHashMap<>();
      ws();
      if (s.charAt(i) == '}') {
        i++;
        return m;
      }
      do {
        ws();
        String k = string();
        expect(':');
        if (m.put(k, value()) != null) {
          throw fail("duplicate key " + k);
        }
        ws();
      } while (s.charAt(i++) == ',');
      i--;
      expect('}');
      return m;
    }
    if (c == '[') {
      i++;
      List<Object> l = new ArrayList<>();
      ws();
      if (s.charAt(i) == ']') {
        i++;
        return l;
      }
      do {
        l.add(value());
        ws();
      } while (s.charAt(i++) == ',');
      i--;
      expect(']');
      return l;
    }
    if (c == '"') {
      return string();
    }
    for (String lit : new String[] {"true", "false", "null"}) {
      if (s.startsWith(lit, i)) {
        i += lit.length();
        return lit.equals("null") ? null : Boolean.valueOf(lit);
      }
    }
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    try {
      return Double.valueOf(s.substring(start, i));
    } catch (NumberFormatException e) {
      throw fail("unexpected character '" + c + "'");
    }
  }

  private String string() {
    if (s.charAt(i) != '"') {
      throw fail("expected a string");
    }
    StringBuilder b = new StringBuilder();
    for (i++; s.charAt(i) != '"'; i++) {
      char c = s.charAt(i);
      if (c < 0x20) {
        throw fail("control character in string");
      }
      if (c == '\\') {
        char e = s.charAt(++i);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> throw fail("bad escape \\" + e);
        }
      } else {
        b.append(c);
      }
    }
    i++;
    return b.toString();
  }
}
