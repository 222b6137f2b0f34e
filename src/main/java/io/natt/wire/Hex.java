package io.natt.wire;

/** Hex helpers for logs, traces and test vectors. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** Lower-case hex, no separators; {@code "null"} for null. */
  public static String hex(byte[] b) {
    if (b == null) {
      return "null";
    }
    return hex(b, 0, b.length);
  }

  public static String hex(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder(len * 2);
    for (int i = off; i < off + len; i++) {
      sb.append(DIGITS[(b[i] >> 4) & 0xF]).append(DIGITS[b[i] & 0xF]);
    }
    return sb.toString();
  }

  /**
   * Parses hex digits, ignoring whitespace (spaces, newlines, tabs) and ':' separators.
   *
   * @throws IllegalArgumentException on a non-hex character or an odd number of digits
   */
  public static byte[] parse(String s) {
    StringBuilder digits = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || c == ':') {
        continue;
      }
      if (Character.digit(c, 16) < 0) {
        throw new IllegalArgumentException("not a hex digit: '" + c + "' at index " + i);
      }
      digits.append(c);
    }
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits: " + digits.length());
    }
    byte[] out = new byte[digits.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          (byte)
              ((Character.digit(digits.charAt(2 * i), 16) << 4)
                  | Character.digit(digits.charAt(2 * i + 1), 16));
    }
    return out;
  }
}
