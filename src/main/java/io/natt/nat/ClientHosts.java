package io.natt.nat;

import java.net.Inet4Address;
import java.util.Optional;

/**
 * Further client hosts behind the harness's NAT ({@code topology.harness.clients}): where they sit
 * and what a backend can realise. Client 1 is the harness itself at 10.0.1.2; client {@code n} is
 * 10.0.1.(n+1) on the same private LAN, behind the same NAT, and that is also its address inside
 * the tunnel (the road-warrior case, as for the harness).
 */
public final class ClientHosts {
  /** The most client hosts a layout may ask for. */
  public static final int MAX = 4;

  private ClientHosts() {}

  /** Client {@code n}'s private address (n from 1; 1 is the harness's 10.0.1.2). */
  public static Inet4Address address(int n) {
    if (n < 1 || n > MAX) {
      throw new IllegalArgumentException("client " + n + " (1 to " + MAX + ")");
    }
    return KernelTestbed.ip("10.0.1." + (n + 1));
  }

  /**
   * Client {@code n}'s IKE identity: the harness's own for client 1, else {@code client-N.} before
   * it (client-2.harness.example.org), so that the IUT can tell the clients apart by ID, as RFC
   * 3947 section 6 asks of INITIAL-CONTACT.
   */
  public static String identity(int n, String harnessId) {
    return n == 1 ? harnessId : "client-" + n + "." + harnessId;
  }

  /** A strongSwan identity pattern for the identities of clients 2 and up. */
  public static String identityPattern(String harnessId) {
    return "*." + harnessId;
  }

  /**
   * Why a backend ({@code who}) cannot place the layout's clients, if it cannot: they need the
   * harness behind one NAT (they share its private LAN), and the IUT on the public side.
   */
  public static Optional<String> refusal(Testbed.Layout layout, String who) {
    int n = layout.clients();
    if (n == 1) {
      return Optional.empty();
    }
    if (n > MAX) {
      return Optional.of("clients: " + n + " is more than the " + MAX + " the testbed places");
    }
    if (layout.harnessBehind().isEmpty()) {
      return Optional.of(
          "clients: "
              + n
              + " needs the harness behind a NAT (the clients share its private LAN and the"
              + " NAT's public address; add 'behind: NAT-NAME')");
    }
    if (layout.harnessBehind().size() > 1) {
      return Optional.of(
          "clients: " + n + " behind two NATs in a row are not supported by the " + who + " yet");
    }
    if (!layout.iutBehind().isEmpty()) {
      return Optional.of(
          "clients: " + n + " with the IUT behind a NAT are not supported by the " + who + " yet");
    }
    return Optional.empty();
  }
}
