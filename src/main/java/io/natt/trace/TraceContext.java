package io.natt.trace;

import java.net.Inet4Address;
import java.util.List;
import java.util.Set;

/**
 * The facts about a run that checks need beside the packets.
 *
 * @param iutAddress the IUT's address as the harness sees it (the public address of a NAT in front
 *     of the IUT, else its own): the address its packets come from in the trace
 * @param harnessAddress the address the harness's peer has (private when behind a NAT)
 * @param natsInFrontOfHarness how many NATs sit between the harness and the IUT on the harness's
 *     side
 * @param iutSidePoint the observation point nearest to the IUT (a NAT's public side, or the harness
 *     itself when no NAT is between)
 * @param claims the PICS items the target claims
 * @param points every observation point of the run
 * @param iutOwnAddress the address the IUT has itself; differs from {@code iutAddress} when the IUT
 *     sits behind a NAT that forwards its ports
 * @param iutKeepalive the NAT-keepalive interval configured on the IUT, as its target profile
 *     states it (RFC 3948 section 4's M); null when the profile does not say
 */
public record TraceContext(
    Inet4Address iutAddress,
    Inet4Address harnessAddress,
    int natsInFrontOfHarness,
    String iutSidePoint,
    Set<String> claims,
    List<String> points,
    Inet4Address iutOwnAddress,
    java.time.Duration iutKeepalive) {
  /**
   * The IUT is where the harness sees it (no NAT in front of it); its keepalive interval unknown.
   */
  public TraceContext(
      Inet4Address iutAddress,
      Inet4Address harnessAddress,
      int natsInFrontOfHarness,
      String iutSidePoint,
      Set<String> claims,
      List<String> points) {
    this(
        iutAddress,
        harnessAddress,
        natsInFrontOfHarness,
        iutSidePoint,
        claims,
        points,
        iutAddress,
        null);
  }

  /** Whether a NAT in front of the IUT shows it at another address than its own. */
  public boolean iutBehindNat() {
    return !iutOwnAddress.equals(iutAddress);
  }

  public boolean harnessBehindNat() {
    return natsInFrontOfHarness > 0;
  }
}
