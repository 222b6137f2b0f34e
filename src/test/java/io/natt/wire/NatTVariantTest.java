package io.natt.wire;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/** The registry of NAT-T variants against RFC 3947 sections 3.1, 3.2, 5.1 and 5.2. */
public class NatTVariantTest {

  @Test
  public void rfc3947UsesTheAssignedNumbers() {
    NatTVariant v = NatTVariant.RFC3947;
    assertTrue(v.isRfc());
    assertEquals(v.vendorId(), VendorIds.RFC_3947);
    assertEquals(v.natDType(), 20);
    assertEquals(v.natOaType(), 21);
    assertEquals(v.udpTunnelMode(), 3);
    assertEquals(v.udpTransportMode(), 4);
    assertEquals(v.displayName(), "RFC 3947");
  }

  @Test
  public void theDraftsUseThePrivateNumbers() {
    for (NatTVariant v :
        List.of(
            NatTVariant.DRAFT_00,
            NatTVariant.DRAFT_01,
            NatTVariant.DRAFT_02,
            NatTVariant.DRAFT_02N,
            NatTVariant.DRAFT_03)) {
      assertFalse(v.isRfc(), v.name());
      assertEquals(v.natDType(), 130, v.name());
      assertEquals(v.natOaType(), 131, v.name());
      assertEquals(v.udpModes(), List.of(61443, 61444), v.name());
    }
    assertEquals(NatTVariant.DRAFT_03.displayName(), "draft-ietf-ipsec-nat-t-ike-03");
  }

  @Test
  public void draftsFourToEightUseFifteenAndSixteenWithTheRfcModes() {
    for (NatTVariant v :
        List.of(
            NatTVariant.DRAFT_04,
            NatTVariant.DRAFT_05,
            NatTVariant.DRAFT_06,
            NatTVariant.DRAFT_07,
            NatTVariant.DRAFT_08)) {
      assertFalse(v.isRfc(), v.name());
      assertEquals(v.natDType(), 15, v.name());
      assertEquals(v.natOaType(), 16, v.name());
      assertEquals(v.udpModes(), List.of(3, 4), v.name());
      assertTrue(v.floats(), v.name());
    }
  }

  @Test
  public void onlyDraftsZeroAndOneStayOnPort500() {
    for (NatTVariant v : NatTVariant.values()) {
      boolean early = v == NatTVariant.DRAFT_00 || v == NatTVariant.DRAFT_01;
      assertEquals(v.floats(), !early, v.name());
    }
  }

  /** Each draft's vendor ID is MD5 of its name (the "02\\n" one of the name with a newline). */
  @Test
  public void everyDraftVendorIdIsTheMd5OfItsName() throws Exception {
    java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
    for (NatTVariant v : NatTVariant.values()) {
      if (v.isRfc()) {
        assertEquals(v.vendorId(), md5.digest("RFC 3947".getBytes(US_ASCII)));
        continue;
      }
      String name = v.displayName();
      String hashed = name.endsWith("\\n") ? name.substring(0, name.length() - 2) + "\n" : name;
      assertEquals(v.vendorId(), md5.digest(hashed.getBytes(US_ASCII)), name);
      assertTrue(VendorIds.isNatTDraft(v.vendorId()), name);
    }
    assertEquals(
        VendorIds.DRAFT_NAT_T_UNNUMBERED,
        md5.digest("draft-ietf-ipsec-nat-t-ike".getBytes(US_ASCII)));
    assertEquals(VendorIds.name(VendorIds.DRAFT_NAT_T_UNNUMBERED), "draft-ietf-ipsec-nat-t-ike");
    // known by name, but no variant: nothing defines its payload types
    assertEquals(NatTVariant.byVendorId(VendorIds.DRAFT_NAT_T_UNNUMBERED), Optional.empty());
    assertEquals(NatTVariant.values().length, 11);
  }

  @Test
  public void aVendorIdNamesItsVariantAndNothingElseDoes() {
    for (NatTVariant v : NatTVariant.values()) {
      assertEquals(NatTVariant.byVendorId(v.vendorId()), Optional.of(v));
      assertTrue(v.announcedBy(v.vendorId()));
    }
    assertEquals(NatTVariant.byVendorId(VendorIds.DPD), Optional.empty());
    assertEquals(NatTVariant.byVendorId(new byte[0]), Optional.empty());
    // the vendor IDs are distinct, so no variant is announced by another's ID
    assertFalse(NatTVariant.DRAFT_02.announcedBy(NatTVariant.DRAFT_02N.vendorId()));
  }

  @Test
  public void theVendorIdIsACopy() {
    byte[] vid = NatTVariant.RFC3947.vendorId();
    vid[0] ^= 1;
    assertEquals(NatTVariant.RFC3947.vendorId(), VendorIds.RFC_3947);
  }
}
