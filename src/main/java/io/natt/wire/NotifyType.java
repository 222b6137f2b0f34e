package io.natt.wire;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ISAKMP notify message types (RFC 2408 3.14.1, RFC 2407 4.6.3, RFC 3706). Unknown codes are kept:
 * {@link #valueOf(int)} returns an "UNKNOWN(n)" instance.
 */
public final class NotifyType {
  private static final Map<Integer, NotifyType> BY_CODE = new LinkedHashMap<>();

  public static final NotifyType INVALID_PAYLOAD_TYPE = define(1, "INVALID_PAYLOAD_TYPE");
  public static final NotifyType DOI_NOT_SUPPORTED = define(2, "DOI_NOT_SUPPORTED");
  public static final NotifyType SITUATION_NOT_SUPPORTED = define(3, "SITUATION_NOT_SUPPORTED");
  public static final NotifyType INVALID_COOKIE = define(4, "INVALID_COOKIE");
  public static final NotifyType INVALID_MAJOR_VERSION = define(5, "INVALID_MAJOR_VERSION");
  public static final NotifyType INVALID_MINOR_VERSION = define(6, "INVALID_MINOR_VERSION");
  public static final NotifyType INVALID_EXCHANGE_TYPE = define(7, "INVALID_EXCHANGE_TYPE");
  public static final NotifyType INVALID_FLAGS = define(8, "INVALID_FLAGS");
  public static final NotifyType INVALID_MESSAGE_ID = define(9, "INVALID_MESSAGE_ID");
  public static final NotifyType INVALID_PROTOCOL_ID = define(10, "INVALID_PROTOCOL_ID");
  public static final NotifyType INVALID_SPI = define(11, "INVALID_SPI");
  public static final NotifyType INVALID_TRANSFORM_ID = define(12, "INVALID_TRANSFORM_ID");
  public static final NotifyType ATTRIBUTES_NOT_SUPPORTED = define(13, "ATTRIBUTES_NOT_SUPPORTED");
  public static final NotifyType NO_PROPOSAL_CHOSEN = define(14, "NO_PROPOSAL_CHOSEN");
  public static final NotifyType BAD_PROPOSAL_SYNTAX = define(15, "BAD_PROPOSAL_SYNTAX");
  public static final NotifyType PAYLOAD_MALFORMED = define(16, "PAYLOAD_MALFORMED");
  public static final NotifyType INVALID_KEY_INFORMATION = define(17, "INVALID_KEY_INFORMATION");
  public static final NotifyType INVALID_ID_INFORMATION = define(18, "INVALID_ID_INFORMATION");
  public static final NotifyType INVALID_CERT_ENCODING = define(19, "INVALID_CERT_ENCODING");
  public static final NotifyType INVALID_CERTIFICATE = define(20, "INVALID_CERTIFICATE");
  public static final NotifyType CERT_TYPE_UNSUPPORTED = define(21, "CERT_TYPE_UNSUPPORTED");
  public static final NotifyType INVALID_CERT_AUTHORITY = define(22, "INVALID_CERT_AUTHORITY");
  public static final NotifyType INVALID_HASH_INFORMATION = define(23, "INVALID_HASH_INFORMATION");
  public static final NotifyType AUTHENTICATION_FAILED = define(24, "AUTHENTICATION_FAILED");
  public static final NotifyType INVALID_SIGNATURE = define(25, "INVALID_SIGNATURE");
  public static final NotifyType ADDRESS_NOTIFICATION = define(26, "ADDRESS_NOTIFICATION");
  public static final NotifyType NOTIFY_SA_LIFETIME = define(27, "NOTIFY_SA_LIFETIME");
  public static final NotifyType CERTIFICATE_UNAVAILABLE = define(28, "CERTIFICATE_UNAVAILABLE");
  public static final NotifyType UNSUPPORTED_EXCHANGE_TYPE =
      define(29, "UNSUPPORTED_EXCHANGE_TYPE");
  public static final NotifyType UNEQUAL_PAYLOAD_LENGTHS = define(30, "UNEQUAL_PAYLOAD_LENGTHS");
  public static final NotifyType CONNECTED = define(16384, "CONNECTED");
  public static final NotifyType RESPONDER_LIFETIME = define(24576, "RESPONDER_LIFETIME");
  public static final NotifyType REPLAY_STATUS = define(24577, "REPLAY_STATUS");
  public static final NotifyType INITIAL_CONTACT = define(24578, "INITIAL_CONTACT");
  public static final NotifyType R_U_THERE = define(36136, "R_U_THERE");
  public static final NotifyType R_U_THERE_ACK = define(36137, "R_U_THERE_ACK");

  private final int code;
  private final String name;

  private NotifyType(int code, String name) {
    this.code = code;
    this.name = name;
  }

  private static NotifyType define(int code, String name) {
    NotifyType t = new NotifyType(code, name);
    BY_CODE.put(code, t);
    return t;
  }

  /** The named constant for {@code code}, or a new "UNKNOWN(code)" instance. */
  public static NotifyType valueOf(int code) {
    NotifyType t = BY_CODE.get(code);
    return t != null ? t : new NotifyType(code, "UNKNOWN(" + code + ")");
  }

  /** The name of {@code code} ("UNKNOWN(n)" when unknown). */
  public static String nameOf(int code) {
    return valueOf(code).name;
  }

  public static Collection<NotifyType> known() {
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
    return o instanceof NotifyType p && p.code == code;
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
