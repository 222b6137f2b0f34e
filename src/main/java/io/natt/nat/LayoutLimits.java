package io.natt.nat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What both NAT backends can build of a scenario's layout, and in words why not: the same limits
 * for the kernel and the emulated backend, each naming itself ({@code who}) in the reason.
 */
final class LayoutLimits {
  /** The ports a NAT that forwards to the IUT or to the harness must forward, and the only ones. */
  private static final List<Integer> IKE_PORTS = List.of(500, 4500);

  private LayoutLimits() {}

  /**
   * Why a backend ({@code who}, e.g. "kernel NAT backend") cannot build the layout, if it cannot:
   * the clients' placement first, then the IUT's, then the harness's NATs.
   */
  static Optional<String> refusal(Testbed.Layout layout, String who) {
    return ClientHosts.refusal(layout, who)
        .or(() -> iutPlacementRefusal(layout, who))
        .or(() -> harnessForwardRefusal(layout, who))
        .or(() -> carrierRefusal(layout, who));
  }

  /** Whether {@code ports} are exactly UDP 500 and 4500, in any order. */
  private static boolean forwardsIkePorts(List<Integer> ports) {
    return Set.copyOf(ports).equals(Set.copyOf(IKE_PORTS));
  }

  /**
   * Why a backend ({@code who}) cannot put the harness behind a NAT that forwards ports to it (the
   * harness as responder, the IUT initiating to the NAT's public address): both backends realise
   * one such NAT, forwarding exactly UDP 500 and 4500, with the IUT on the public side and no
   * further clients.
   */
  private static Optional<String> harnessForwardRefusal(Testbed.Layout layout, String who) {
    if (layout.harnessForward().isEmpty()) {
      return Optional.empty();
    }
    if (layout.harnessBehind().size() != 1) {
      return Optional.of(
          "a NAT forwarding ports to the harness needs the harness behind exactly one NAT on the "
              + who
              + " (it has "
              + layout.harnessBehind().size()
              + ")");
    }
    String name = layout.harnessBehind().get(0).name();
    if (!layout.iutBehind().isEmpty() || layout.clients() > 1) {
      return Optional.of(
          "NAT "
              + name
              + " forwarding ports to the harness with "
              + (layout.clients() > 1 ? "further clients" : "the IUT behind a NAT as well")
              + " is not supported by the "
              + who
              + " yet");
    }
    if (!forwardsIkePorts(layout.harnessForward())) {
      return Optional.of(
          "the harness behind NAT "
              + name
              + " answers the IUT on UDP 500 and 4500: the "
              + who
              + " needs exactly 'forward: [500, 4500]' (it has "
              + layout.harnessForward()
              + ")");
    }
    return Optional.empty();
  }

  /**
   * Why a backend ({@code who}) cannot put two NATs in a row in front of the harness as the layout
   * says: both backends realise at most two, with the IUT on the public side.
   */
  private static Optional<String> carrierRefusal(Testbed.Layout layout, String who) {
    if (layout.harnessBehind().size() > 2) {
      return Optional.of("more than two NATs in a row are not supported by the " + who + " yet");
    }
    if (layout.harnessBehind().size() == 2 && !layout.iutBehind().isEmpty()) {
      return Optional.of(
          "two NATs in a row in front of the harness with the IUT behind a NAT as well are not"
              + " supported by the "
              + who
              + " yet");
    }
    return Optional.empty();
  }

  /**
   * Why a backend ({@code who}, e.g. "kernel NAT backend") cannot place the IUT as the layout says:
   * both backends realise one NAT in front of the IUT forwarding exactly UDP 500 and 4500.
   */
  private static Optional<String> iutPlacementRefusal(Testbed.Layout layout, String who) {
    if (layout.iutBehind().size() > 1) {
      return Optional.of(
          "two NATs in a row in front of the IUT are not supported by the " + who + " yet");
    }
    if (!layout.iutBehind().isEmpty()) {
      String name = layout.iutBehind().get(0).name();
      if (layout.harnessBehind().stream().anyMatch(n -> n.name().equals(name))) {
        return Optional.of(
            "NAT "
                + name
                + " cannot be in front of both the harness and the IUT (give each side a NAT of"
                + " its own)");
      }
      if (!forwardsIkePorts(layout.iutForward())) {
        return Optional.of(
            "the IUT behind NAT "
                + name
                + " is reached only through the ports that NAT forwards, and the harness"
                + " initiates on UDP 500 and 4500: the "
                + who
                + " needs exactly 'forward: [500, 4500]' (it has "
                + layout.iutForward()
                + ")");
      }
    }
    return Optional.empty();
  }
}
