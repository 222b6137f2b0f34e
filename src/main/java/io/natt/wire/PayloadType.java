package io.natt.wire;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ISAKMP next-payload codes (RFC 2408 3.1, RFC 3947, draft NAT-T codes). Unknown codes are kept:
 * {@link #valueOf(int)} returns an "UNKNOWN(n)" instance.
 */
public final class PayloadType {
  private static final Map<Integer, PayloadType> BY_CODE = new LinkedHashMap<>();

  public static final PayloadType NONE = define(0, "NONE");
  public static final PayloadType SA = define(1, "SA");
  public static final PayloadType PROPOSAL = define(2, "PROPOSAL");
  public static final PayloadType TRANSFORM = define(3, "TRANSFORM");
  public static final PayloadType KE = define(4, "KE");
  public static final PayloadType ID = define(5, "ID");
  public static final PayloadType CERT = define(6, "CERT");
  public static final PayloadType CERTREQ = define(7, "CERTREQ");
  public static final PayloadType HASH = define(8, "HASH");
  public static final PayloadType SIG = define(9, "SIG");
  public static final PayloadType NONCE = define(10, "NONCE");
  public static final PayloadType NOTIFICATION = define(11, "NOTIFICATION");
  public static final PayloadType DELETE = define(12, "DELETE");
  public static final PayloadType VENDOR_ID = define(13, "VENDOR_ID");
  public static final PayloadType NAT_D = define(20, "NAT_D");
  public static final PayloadType NAT_OA = define(21, "NAT_OA");
  public static final PayloadType NAT_D_DRAFT = define(130, "NAT_D_DRAFT");
  public static final PayloadType NAT_OA_DRAFT = define(131, "NAT_OA_DRAFT");

  private final int code;
  private final String name;

  private PayloadType(int code, String name) {
    this.code = code;
    this.name = name;
  }

  private static PayloadType define(int code, String name) {
    PayloadType t = new PayloadType(code, name);
    BY_CODE.put(code, t);
    return t;
  }

  /** The named constant for {@code code}, or a new "UNKNOWN(code)" instance. */
  public static PayloadType valueOf(int code) {
    PayloadType t = BY_CODE.get(code);
    return t != null ? t : new PayloadType(code, "UNKNOWN(" + code + ")");
  }

  /** The name of {@code code} ("UNKNOWN(n)" when unknown). */
  public static String nameOf(int code) {
    return valueOf(code).name;
  }

  public static Collection<PayloadType> known() {
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
    return o instanceof PayloadType p && p.code == code;
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
