package io.natt.wire;

/** Phase-1 (ISAKMP SA) attribute types and values, RFC 2409 Appendix A. */
public final class Ike1Attr {
  private Ike1Attr() {}

  // attribute types
  public static final int ENCRYPTION_ALGORITHM = 1;
  public static final int HASH_ALGORITHM = 2;
  public static final int AUTH_METHOD = 3;
  public static final int GROUP_DESCRIPTION = 4;
  public static final int GROUP_TYPE = 5;
  public static final int LIFE_TYPE = 11;
  public static final int LIFE_DURATION = 12;
  public static final int PRF = 13;
  public static final int KEY_LENGTH = 14;
  public static final int FIELD_SIZE = 15;
  public static final int GROUP_ORDER = 16;

  // encryption algorithms
  public static final int ENC_DES_CBC = 1;
  public static final int ENC_3DES_CBC = 5;
  public static final int ENC_AES_CBC = 7;

  // hash algorithms
  public static final int HASH_MD5 = 1;
  public static final int HASH_SHA1 = 2;
  public static final int HASH_SHA2_256 = 4;
  public static final int HASH_SHA2_384 = 5;
  public static final int HASH_SHA2_512 = 6;

  // authentication methods
  public static final int AUTH_PSK = 1;
  public static final int AUTH_DSS_SIG = 2;
  public static final int AUTH_RSA_SIG = 3;

  // groups (RFC 2409, RFC 3526 MODP; RFC 5903 ECP)
  public static final int GROUP_MODP768 = 1;
  public static final int GROUP_MODP1024 = 2;
  public static final int GROUP_MODP1536 = 5;
  public static final int GROUP_MODP2048 = 14;
  public static final int GROUP_MODP3072 = 15;
  public static final int GROUP_MODP4096 = 16;
  public static final int GROUP_ECP256 = 19;
  public static final int GROUP_ECP384 = 20;

  // life types
  public static final int LIFE_SECONDS = 1;
  public static final int LIFE_KILOBYTES = 2;

  /** Readable name of a phase-1 attribute type. */
  public static String typeName(int type) {
    return switch (type) {
      case ENCRYPTION_ALGORITHM -> "ENCRYPTION_ALGORITHM";
      case HASH_ALGORITHM -> "HASH_ALGORITHM";
      case AUTH_METHOD -> "AUTH_METHOD";
      case GROUP_DESCRIPTION -> "GROUP_DESCRIPTION";
      case GROUP_TYPE -> "GROUP_TYPE";
      case LIFE_TYPE -> "LIFE_TYPE";
      case LIFE_DURATION -> "LIFE_DURATION";
      case PRF -> "PRF";
      case KEY_LENGTH -> "KEY_LENGTH";
      case FIELD_SIZE -> "FIELD_SIZE";
      case GROUP_ORDER -> "GROUP_ORDER";
      default -> "UNKNOWN(" + type + ")";
    };
  }
}
