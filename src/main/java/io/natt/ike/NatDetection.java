package io.natt.ike;

/**
 * What the NAT-T vendor IDs and the NAT-D payloads revealed (Main Mode messages 1 to 4).
 *
 * @param natTVariant the NAT-T variant both sides announced ("RFC 3947", "draft-02", ...), or
 *     "none"
 * @param localBehindNat the IUT's hash of the harness's address did not match the harness's own
 * @param remoteBehindNat none of the IUT's hashes of its own address matched where the harness sent
 *     to (a real NAT in front of the IUT, or an IUT that forces encapsulation)
 */
public record NatDetection(String natTVariant, boolean localBehindNat, boolean remoteBehindNat) {
  /** Before, or without, any NAT-T agreement. */
  public static final NatDetection NONE = new NatDetection("none", false, false);

  public boolean natDetected() {
    return localBehindNat || remoteBehindNat;
  }
}
