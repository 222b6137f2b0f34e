package io.natt.wire;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ISAKMP exchange types (RFC 2408 4.1, RFC 2409 QUICK). Unknown codes are kept: {@link
 * #valueOf(int)} returns an "UNKNOWN(n)" instance.
 */
public final class ExchangeType {
  private static final Map<Integer, ExchangeType> BY_CODE = new LinkedHashMap<>();

  public static final ExchangeType BASE = define(1, "BASE");
  public static final ExchangeType IDENTITY_PROTECTION = define(2, "IDENTITY_PROTECTION");

  /** Alias: Main Mode is the Identity Protection exchange. */
  public static final ExchangeType MAIN = IDENTITY_PROTECTION;

  public static final ExchangeType AUTH_ONLY = define(3, "AUTH_ONLY");
  public static final ExchangeType AGGRESSIVE = define(4, "AGGRESSIVE");
  public static final ExchangeType INFORMATIONAL = define(5, "INFORMATIONAL");
  public static final ExchangeType TRANSACTION = define(6, "TRANSACTION");
  public static final ExchangeType QUICK = define(32, "QUICK");
  public static final ExchangeType NEW_GROUP = define(33, "NEW_GROUP");

  private final int code;
  private final String name;

  private ExchangeType(int code, String name) {
    this.code = code;
    this.name = name;
  }

  private static ExchangeType define(int code, String name) {
    ExchangeType t = new ExchangeType(code, name);
    BY_CODE.put(code, t);
    return t;
  }

  /** The named constant for {@code code}, or a new "UNKNOWN(code)" instance. */
  public static ExchangeType valueOf(int code) {
    ExchangeType t = BY_CODE.get(code);
    return t != null ? t : new ExchangeType(code, "UNKNOWN(" + code + ")");
  }

  /** The name of {@code code} ("UNKNOWN(n)" when unknown). */
  public static String nameOf(int code) {
    return valueOf(code).name;
  }

  public static Collection<ExchangeType> known() {
    return Collections.unmodifiableCollection(BY_CODE.values());
  }

  public int code() {
    return code;
  }

  public String name() {
    return name;
  }

  public boolean isKnown() {
    return BY_CODE.get(code) == this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExchangeType p && p.code == code;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(code);
  }

  @Override
  public String toString() {
    return name;
  }
}
