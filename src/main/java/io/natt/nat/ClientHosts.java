package io.natt.nat;

import java.net.Inet4Address;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   * Client {@code n}'s private address in a layout: the harness's with {@link
   * Testbed.Layout#sameAddress()} (each client behind a NAT of its own), else {@link
   * #address(int)}.
   */
  public static Inet4Address address(Testbed.Layout layout, int n) {
    return layout.sameAddress() ? address(1) : address(n);
  }

  /**
   * The NAT client {@code n} (from 2) sits behind when it is not the harness's own: a NAT of its
   * own, in front of a private LAN of its own (10.0.1.0/24 too, like every home router's).
   */
  public static Optional<Testbed.Nat> ownNat(Testbed.Layout layout, int n) {
    if (n < 2 || layout.clientNats().isEmpty() || layout.harnessBehind().isEmpty()) {
      return Optional.empty();
    }
    Testbed.Nat nat = layout.clientNats().get(n - 1);
    return nat.name().equals(layout.harnessBehind().get(0).name())
        ? Optional.empty()
        : Optional.of(nat);
  }

  /** Whether some client sits behind a NAT of its own (not the harness's). */
  public static boolean anyOwnNat(Testbed.Layout layout) {
    for (int n = 2; n <= layout.clients(); n++) {
      if (ownNat(layout, n).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why the clients' NATs cannot be placed, if they cannot: client 1 is behind the harness's NAT, a
   * further NAT holds one client, and clients with the same address are each behind a NAT of their
   * own (one LAN cannot hold two hosts with one address).
   */
  static Optional<String> natRefusal(Testbed.Layout layout) {
    List<Testbed.Nat> nats = layout.clientNats();
    if (nats.isEmpty()) {
      return layout.sameAddress() && layout.clients() > 1
          ? Optional.of("clients with the same address need each a NAT of its own (clients.behind)")
          : Optional.empty();
    }
    if (layout.harnessBehind().size() != 1
        || !nats.get(0).name().equals(layout.harnessBehind().get(0).name())) {
      return Optional.of(
          "clients.behind starts with the harness's own NAT (client 1 is the harness), which must"
              + " be its only one");
    }
    Set<String> seen = new HashSet<>();
    for (int n = 1; n <= nats.size(); n++) {
      String name = nats.get(n - 1).name();
      boolean harnessNat = name.equals(nats.get(0).name());
      if (!seen.add(name) && (!harnessNat || layout.sameAddress())) {
        return Optional.of(
            layout.sameAddress()
                ? "clients with the same address cannot share NAT " + name + " (one LAN)"
                : "NAT " + name + " holds one client only (the harness's NAT holds several)");
      }
    }
    return Optional.empty();
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
    Optional<String> nats = natRefusal(layout);
    if (nats.isPresent()) {
      return nats;
    }
    return Optional.empty();
  }
}
