package io.natt.wire;

import java.util.Map;

/**
 * Names of the IKEv2 codes (RFC 7296 section 3, IANA "IKEv2 Parameters"): exchange types, payload
 * types and notify message types. Unknown codes are kept and shown as "UNKNOWN(n)".
 */
public final class Ikev2Names {
  public static final int IKE_SA_INIT = 34;
  public static final int IKE_AUTH = 35;
  public static final int CREATE_CHILD_SA = 36;
  public static final int INFORMATIONAL = 37;

  public static final int SA = 33;
  public static final int KE = 34;
  public static final int IDI = 35;
  public static final int IDR = 36;
  public static final int CERT = 37;
  public static final int CERTREQ = 38;
  public static final int AUTH = 39;
  public static final int NONCE = 40;
  public static final int NOTIFY = 41;
  public static final int DELETE = 42;
  public static final int VENDOR_ID = 43;
  public static final int TSI = 44;
  public static final int TSR = 45;
  public static final int SK = 46;
  public static final int CP = 47;
  public static final int EAP = 48;

  public static final int NAT_DETECTION_SOURCE_IP = 16388;
  public static final int NAT_DETECTION_DESTINATION_IP = 16389;

  private static final Map<Integer, String> EXCHANGES =
      Map.of(
          IKE_SA_INIT, "IKE_SA_INIT",
          IKE_AUTH, "IKE_AUTH",
          CREATE_CHILD_SA, "CREATE_CHILD_SA",
          INFORMATIONAL, "INFORMATIONAL");

  private static final Map<Integer, String> PAYLOADS =
      Map.ofEntries(
          Map.entry(SA, "SA"),
          Map.entry(KE, "KE"),
          Map.entry(IDI, "IDi"),
          Map.entry(IDR, "IDr"),
          Map.entry(CERT, "CERT"),
          Map.entry(CERTREQ, "CERTREQ"),
          Map.entry(AUTH, "AUTH"),
          Map.entry(NONCE, "Nonce"),
          Map.entry(NOTIFY, "N"),
          Map.entry(DELETE, "D"),
          Map.entry(VENDOR_ID, "V"),
          Map.entry(TSI, "TSi"),
          Map.entry(TSR, "TSr"),
          Map.entry(SK, "SK"),
          Map.entry(CP, "CP"),
          Map.entry(EAP, "EAP"));

  private static final Map<Integer, String> NOTIFIES =
      Map.ofEntries(
          Map.entry(1, "UNSUPPORTED_CRITICAL_PAYLOAD"),
          Map.entry(4, "INVALID_IKE_SPI"),
          Map.entry(5, "INVALID_MAJOR_VERSION"),
          Map.entry(7, "INVALID_SYNTAX"),
          Map.entry(9, "INVALID_MESSAGE_ID"),
          Map.entry(11, "INVALID_SPI"),
          Map.entry(14, "NO_PROPOSAL_CHOSEN"),
          Map.entry(17, "INVALID_KE_PAYLOAD"),
          Map.entry(24, "AUTHENTICATION_FAILED"),
          Map.entry(34, "SINGLE_PAIR_REQUIRED"),
          Map.entry(35, "NO_ADDITIONAL_SAS"),
          Map.entry(36, "INTERNAL_ADDRESS_FAILURE"),
          Map.entry(37, "FAILED_CP_REQUIRED"),
          Map.entry(38, "TS_UNACCEPTABLE"),
          Map.entry(39, "INVALID_SELECTORS"),
          Map.entry(43, "TEMPORARY_FAILURE"),
          Map.entry(44, "CHILD_SA_NOT_FOUND"),
          Map.entry(16384, "INITIAL_CONTACT"),
          Map.entry(16385, "SET_WINDOW_SIZE"),
          Map.entry(16386, "ADDITIONAL_TS_POSSIBLE"),
          Map.entry(16387, "IPCOMP_SUPPORTED"),
          Map.entry(NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP"),
          Map.entry(NAT_DETECTION_DESTINATION_IP, "NAT_DETECTION_DESTINATION_IP"),
          Map.entry(16390, "COOKIE"),
          Map.entry(16391, "USE_TRANSPORT_MODE"),
          Map.entry(16392, "HTTP_CERT_LOOKUP_SUPPORTED"),
          Map.entry(16393, "REKEY_SA"),
          Map.entry(16394, "ESP_TFC_PADDING_NOT_SUPPORTED"),
          Map.entry(16395, "NON_FIRST_FRAGMENTS_ALSO"),
          Map.entry(16404, "MULTIPLE_AUTH_SUPPORTED"),
          Map.entry(16406, "REDIRECT_SUPPORTED"),
          Map.entry(16430, "IKEV2_FRAGMENTATION_SUPPORTED"),
          Map.entry(16431, "SIGNATURE_HASH_ALGORITHMS"));

  private Ikev2Names() {}

  public static String exchange(int code) {
    return EXCHANGES.getOrDefault(code, "UNKNOWN(" + code + ")");
  }

  public static String payload(int code) {
    return PAYLOADS.getOrDefault(code, "UNKNOWN(" + code + ")");
  }

  public static String notify(int code) {
    return NOTIFIES.getOrDefault(code, "UNKNOWN(" + code + ")");
  }
}
