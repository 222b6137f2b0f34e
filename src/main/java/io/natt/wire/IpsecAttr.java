package io.natt.wire;

/**
 * Phase-2 (IPsec DOI, RFC 2407 4.5) attribute types and values, protocol and transform ids, plus
 * the RFC 3947 / draft UDP encapsulation modes.
 */
public final class IpsecAttr {
  private IpsecAttr() {}

  // DOI and situation
  public static final int DOI_IPSEC = 1;
  public static final int SIT_IDENTITY_ONLY = 1;

  // protocol ids
  public static final int PROTO_ISAKMP = 1;
  public static final int PROTO_IPSEC_AH = 2;
  public static final int PROTO_IPSEC_ESP = 3;
  public static final int PROTO_IPCOMP = 4;

  /** ISAKMP transform id KEY_IKE (phase 1). */
  public static final int KEY_IKE = 1;

  // ESP transform ids
  public static final int ESP_DES = 2;
  public static final int ESP_3DES = 3;
  public static final int ESP_NULL = 11;
  public static final int ESP_AES = 12;

  /** AES-GCM with a 16-octet ICV (RFC 4106 §8.1); takes a KEY_LENGTH and no AUTH_ALGORITHM. */
  public static final int ESP_AES_GCM_16 = 20;

  // attribute types
  public static final int SA_LIFE_TYPE = 1;
  public static final int SA_LIFE_DURATION = 2;
  public static final int GROUP_DESCRIPTION = 3;
  public static final int ENCAPSULATION_MODE = 4;
  public static final int AUTH_ALGORITHM = 5;
  public static final int KEY_LENGTH = 6;
  public static final int KEY_ROUNDS = 7;

  // life types
  public static final int LIFE_SECONDS = 1;
  public static final int LIFE_KILOBYTES = 2;

  // encapsulation modes
  public static final int TUNNEL = 1;
  public static final int TRANSPORT = 2;
  public static final int UDP_TUNNEL = 3;
  public static final int UDP_TRANSPORT = 4;
  public static final int UDP_TUNNEL_DRAFT = 61443;
  public static final int UDP_TRANSPORT_DRAFT = 61444;

  // authentication algorithms, IKEv1 values (IKEv2 numbers the same HMACs 2, 12, 13, 14)
  public static final int HMAC_MD5 = 1;
  public static final int HMAC_SHA1 = 2;
  public static final int HMAC_SHA2_256 = 5;
  public static final int HMAC_SHA2_384 = 6;
  public static final int HMAC_SHA2_512 = 7;

  /** Readable name of a phase-2 attribute type. */
  public static String typeName(int type) {
    return switch (type) {
      case SA_LIFE_TYPE -> "SA_LIFE_TYPE";
      case SA_LIFE_DURATION -> "SA_LIFE_DURATION";
      case GROUP_DESCRIPTION -> "GROUP_DESCRIPTION";
      case ENCAPSULATION_MODE -> "ENCAPSULATION_MODE";
      case AUTH_ALGORITHM -> "AUTH_ALGORITHM";
      case KEY_LENGTH -> "KEY_LENGTH";
      case KEY_ROUNDS -> "KEY_ROUNDS";
      default -> "UNKNOWN(" + type + ")";
    };
  }

  /** UDP-Encapsulated-Transport: 4 (RFC 3947) or 61444 (drafts). */
  public static boolean isUdpTransport(int mode) {
    return mode == UDP_TRANSPORT || mode == UDP_TRANSPORT_DRAFT;
  }

  /** A transport mode of any kind: 2, 4 or 61444 (the others are tunnel modes). */
  public static boolean isTransport(int mode) {
    return mode == TRANSPORT || isUdpTransport(mode);
  }

  /** A UDP-encapsulated mode of any variant: 3, 4, 61443, 61444. */
  public static boolean isUdpEncapsulated(int mode) {
    return mode == UDP_TUNNEL || mode == UDP_TUNNEL_DRAFT || isUdpTransport(mode);
  }

  /** Readable name of an encapsulation mode. */
  public static String encapsulationName(int mode) {
    return switch (mode) {
      case TUNNEL -> "TUNNEL";
      case TRANSPORT -> "TRANSPORT";
      case UDP_TUNNEL -> "UDP_TUNNEL";
      case UDP_TRANSPORT -> "UDP_TRANSPORT";
      case UDP_TUNNEL_DRAFT -> "UDP_TUNNEL_DRAFT";
      case UDP_TRANSPORT_DRAFT -> "UDP_TRANSPORT_DRAFT";
      default -> "UNKNOWN(" + mode + ")";
    };
  }
}
