package io.natt.iut;

import java.net.Inet4Address;

/**
 * What an IUT is asked to start when the harness is the responder: Main Mode (or Aggressive Mode)
 * and then Quick Mode towards the harness.
 *
 * @param harnessAddress the harness's address as the IUT sees it (the address it must send to)
 * @param harnessId the harness's identity (the IUT's remote ID)
 * @param aggressive Aggressive Mode instead of Main Mode
 * @param phase1Proposal the phase-1 proposal to offer, as strongSwan writes it (e.g.
 *     aes128-sha256-modp2048)
 * @param espProposal the ESP proposal to offer in Quick Mode (e.g. aes128-sha256)
 * @param harnessInnerNet the harness's side of the tunnel, a.b.c.d/len (the IUT's remote traffic
 *     selector)
 * @param transport Quick Mode in transport mode (RFC 3947 section 5: the hosts' own addresses as
 *     selectors, UDP-Encapsulated-Transport with NAT-OA behind a NAT) instead of a tunnel
 */
public record Initiation(
    Inet4Address harnessAddress,
    String harnessId,
    boolean aggressive,
    String phase1Proposal,
    String espProposal,
    String harnessInnerNet,
    boolean transport) {

  /** A tunnel-mode initiation. */
  public Initiation(
      Inet4Address harnessAddress,
      String harnessId,
      boolean aggressive,
      String phase1Proposal,
      String espProposal,
      String harnessInnerNet) {
    this(
        harnessAddress, harnessId, aggressive, phase1Proposal, espProposal, harnessInnerNet, false);
  }

  /** "Main Mode" or "Aggressive Mode". */
  public String exchangeName() {
    return aggressive ? "Aggressive Mode" : "Main Mode";
  }

  /** "tunnel" or "transport": the Quick Mode the IUT is asked for. */
  public String mode() {
    return transport ? "transport" : "tunnel";
  }
}
