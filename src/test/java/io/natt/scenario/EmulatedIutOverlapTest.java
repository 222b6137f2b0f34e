package io.natt.scenario;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.wire.IdPayload;
import org.testng.annotations.Test;

/** Which Quick Mode identities the emulated IUT's opt-in overlap refusal counts as overlapping. */
public class EmulatedIutOverlapTest {
  static IdPayload addr(int a, int b, int c, int d) {
    return IdPayload.ipv4(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
  }

  static IdPayload subnet(int a, int b, int c, int d, int prefix) {
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return IdPayload.ipv4Subnet(
        new byte[] {(byte) a, (byte) b, (byte) c, (byte) d},
        new byte[] {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask});
  }

  @Test
  public void addressesOverlapOnlyWhenEqual() {
    assertTrue(EmulatedIut.overlaps(addr(10, 0, 1, 2), addr(10, 0, 1, 2)));
    assertFalse(EmulatedIut.overlaps(addr(10, 0, 1, 2), addr(10, 0, 1, 3)));
  }

  @Test
  public void subnetsOverlapWhenTheyShareAnAddress() {
    assertTrue(EmulatedIut.overlaps(subnet(10, 0, 1, 0, 24), addr(10, 0, 1, 2)));
    assertTrue(EmulatedIut.overlaps(addr(10, 0, 1, 2), subnet(10, 0, 0, 0, 16)));
    assertTrue(EmulatedIut.overlaps(subnet(10, 0, 1, 0, 24), subnet(10, 0, 0, 0, 16)));
    assertFalse(EmulatedIut.overlaps(subnet(10, 0, 1, 0, 24), subnet(10, 0, 2, 0, 24)));
    assertFalse(EmulatedIut.overlaps(subnet(10, 0, 1, 0, 24), addr(10, 0, 2, 2)));
  }

  @Test
  public void otherIdentityTypesNeverCountAsOverlapping() {
    IdPayload fqdn = IdPayload.fqdn("client.example");
    assertFalse(EmulatedIut.overlaps(fqdn, addr(10, 0, 1, 2)));
    assertFalse(EmulatedIut.overlaps(fqdn, fqdn));
  }
}
