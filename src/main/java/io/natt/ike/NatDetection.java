package io.natt.ike;

/**
 * What Main Mode messages 3 and 4 revealed.
 *
 * @param natTVariant the NAT-T variant both sides announced ("RFC 3947", "draft-02", ...), or
 *     "none"
 * @param localBehindNat the IUT's hash of the harness's address did not match the harness's own
 * @param remoteBehindNat none of the IUT's hashes of its own address matched where the harness sent
 *     to (a real NAT in front of the IUT, or an IUT that forces encapsulation)
 */
public record NatDetection(String natTVariant, boolean localBehindNat, boolean remoteBehindNat) {
  public boolean natDetected() {
    return localBehindNat || remoteBehindNat;
  }
}
