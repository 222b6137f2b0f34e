package io.natt.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Well-known vendor IDs. Values were checked by computing MD5 of the defining string where that is
 * the definition (RFC 3947: MD5("RFC 3947"); NAT-T drafts: MD5 of the draft name; XAuth: first 8
 * bytes of MD5("draft-ietf-ipsra-isakmp-xauth-06.txt"); Cisco Unity: first 14 bytes of
 * MD5("CISCO-UNITY") + version 1.0; strongSwan: MD5("strongSwan")). DPD is the literal value of RFC
 * 3706 section 3 (version 1.0). Do not modify the arrays.
 */
public final class VendorIds {
  private VendorIds() {}

  /** A named vendor ID. */
  public record Known(String name, byte[] value) {
    public Known {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Known k && k.name.equals(name) && Arrays.equals(k.value, value);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return name + " (" + Hex.hex(value) + ")";
    }
  }

  private static final List<Known> KNOWN = new ArrayList<>();

  public static final byte[] RFC_3947 = define("RFC 3947", "4a131c81070358455c5728f20e95452f");
  public static final byte[] DRAFT_NAT_T_00 =
      define("draft-ietf-ipsec-nat-t-ike-00", "4485152d18b6bbcd0be8a8469579ddcc");
  public static final byte[] DRAFT_NAT_T_01 =
      define("draft-ietf-ipsec-nat-t-ike-01", "16f6ca16e4a4066d83821a0f0aeaa862");
  public static final byte[] DRAFT_NAT_T_02 =
      define("draft-ietf-ipsec-nat-t-ike-02", "cd60464335df21f87cfdb2fc68b6a448");
  public static final byte[] DRAFT_NAT_T_02_N =
      define("draft-ietf-ipsec-nat-t-ike-02\\n", "90cb80913ebb696e086381b5ec427b1f");
  public static final byte[] DRAFT_NAT_T_03 =
      define("draft-ietf-ipsec-nat-t-ike-03", "7d9419a65310ca6f2c179d9215529d56");
  public static final byte[] XAUTH = define("XAUTH", "09002689dfd6b712");
  public static final byte[] DPD = define("DPD (RFC 3706)", "afcad71368a1f1c96b8696fc77570100");
  public static final byte[] CISCO_UNITY =
      define("Cisco Unity 1.0", "12f5f28c457168a9702d9fe274cc0100");

  /**
   * IKEv1 fragmentation (strongSwan, Cisco, Microsoft; strongSwan and Cisco send it with a 4-byte
   * suffix of capability bits).
   */
  public static final byte[] FRAGMENTATION =
      define("FRAGMENTATION", "4048b7d56ebce88525e7de7f00d6c2d3");

  public static final byte[] STRONGSWAN = define("strongSwan", "882fe56d6fd20dbc2251613b2ebe5beb");
  // Microsoft: MD5("MS NT5 ISAKMPOAKLEY") then a 4-byte version (4: Windows XP SP2 and Server
  // 2003); Windows announces FRAGMENTATION (above) alongside
  public static final byte[] MS_NT5_ISAKMPOAKLEY_V4 =
      define("MS NT5 ISAKMPOAKLEY v4", "1e2b516905991c7d7c96fcbfb587e46100000004");
  // The later drafts (04 to 08) and the unnumbered first one, MD5 of their names as for 00 to 03;
  // strongSwan's IKEv1 vendor-ID table lists the same values (and answers none of them).
  public static final byte[] DRAFT_NAT_T_04 =
      define("draft-ietf-ipsec-nat-t-ike-04", "9909b64eed937c6573de52ace952fa6b");
  public static final byte[] DRAFT_NAT_T_05 =
      define("draft-ietf-ipsec-nat-t-ike-05", "80d0bb3def54565ee84645d4c85ce3ee");
  public static final byte[] DRAFT_NAT_T_06 =
      define("draft-ietf-ipsec-nat-t-ike-06", "4d1e0e136deafa34c4f3ea9f02ec7285");
  public static final byte[] DRAFT_NAT_T_07 =
      define("draft-ietf-ipsec-nat-t-ike-07", "439b59f8ba676c4c7737ae22eab8f582");
  public static final byte[] DRAFT_NAT_T_08 =
      define("draft-ietf-ipsec-nat-t-ike-08", "8f8d83826d246b6fc7a8a6a428c11de8");
  public static final byte[] DRAFT_NAT_T_UNNUMBERED =
      define("draft-ietf-ipsec-nat-t-ike", "4df37928e9fc4fd1b3262170d515c662");

  // Aliases spelled after the defining strings (used by the IKE engine).
  public static final byte[] RFC3947 = RFC_3947;
  public static final byte[] DRAFT_IETF_IPSEC_NAT_T_IKE_00 = DRAFT_NAT_T_00;
  public static final byte[] DRAFT_IETF_IPSEC_NAT_T_IKE_01 = DRAFT_NAT_T_01;
  public static final byte[] DRAFT_IETF_IPSEC_NAT_T_IKE_02 = DRAFT_NAT_T_02;
  public static final byte[] DRAFT_IETF_IPSEC_NAT_T_IKE_02N = DRAFT_NAT_T_02_N;
  public static final byte[] DRAFT_IETF_IPSEC_NAT_T_IKE_03 = DRAFT_NAT_T_03;

  private static byte[] define(String name, String hex) {
    byte[] v = Hex.parse(hex);
    KNOWN.add(new Known(name, v));
    return v.clone();
  }

  public static List<Known> known() {
    return Collections.unmodifiableList(KNOWN);
  }

  /**
   * A readable name: the known name on an exact match, "name + hex-suffix" when a known value is a
   * prefix (e.g. XAuth), otherwise the hex of {@code vid}.
   */
  public static String name(byte[] vid) {
    for (Known k : KNOWN) {
      if (Arrays.equals(k.value, vid)) {
        return k.name;
      }
    }
    for (Known k : KNOWN) {
      if (vid.length > k.value.length
          && Arrays.equals(vid, 0, k.value.length, k.value, 0, k.value.length)) {
        return k.name + "+" + Hex.hex(vid, k.value.length, vid.length - k.value.length);
      }
    }
    return Hex.hex(vid);
  }

  /** True for the RFC 3947 vendor ID. */
  public static boolean isRfc3947(byte[] vid) {
    return Arrays.equals(vid, KNOWN.get(0).value);
  }

  /** True for the vendor ID of one of the NAT-T drafts of the registry {@link NatTVariant}. */
  public static boolean isNatTDraft(byte[] vid) {
    return NatTVariant.byVendorId(vid).filter(v -> !v.isRfc()).isPresent();
  }
}
