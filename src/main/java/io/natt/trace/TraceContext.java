package io.natt.trace;

import java.net.Inet4Address;
import java.util.List;
import java.util.Set;

/**
 * The facts about a run that checks need beside the packets.
 *
 * @param iutAddress the IUT's address
 * @param harnessAddress the address the harness's peer has (private when behind a NAT)
 * @param natsInFrontOfHarness how many NATs sit between the harness and the IUT on the harness's
 *     side
 * @param iutSidePoint the observation point nearest to the IUT (a NAT's public side, or the harness
 *     itself when no NAT is between)
 * @param claims the PICS items the target claims
 * @param points every observation point of the run
 */
public record TraceContext(
    Inet4Address iutAddress,
    Inet4Address harnessAddress,
    int natsInFrontOfHarness,
    String iutSidePoint,
    Set<String> claims,
    List<String> points) {
  public boolean harnessBehindNat() {
    return natsInFrontOfHarness > 0;
  }
}
