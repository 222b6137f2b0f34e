package io.natt.iut;

import io.natt.nat.Host;

/**
 * The connection the bundled charon initiates with when the harness is the responder: the same
 * identities and key as the responder connections, its remote address the harness as charon sees
 * it, and only the scenario's proposals (charon offers them in Main Mode message 1 or Aggressive
 * Mode message 1, and in Quick Mode message 1); its CHILD_SAs are {@code net} (tunnel) and {@code
 * host} (transport, {@code local_ts}/{@code remote_ts} dynamic: the two hosts' own addresses), as
 * theirs, and {@link #child} names the one the scenario's Quick Mode asks for.
 */
final class StrongSwanInitiation {
  /** The IKE connection's name. */
  static final String IKE = "harness-init";

  private StrongSwanInitiation() {}

  /**
   * The CHILD_SA charon initiates: {@code host} (mode = transport) for a transport-mode Quick Mode,
   * else {@code net}. Against a NAT charon offers UDP-Encapsulated-Transport with NAT-OA for it.
   */
  static String child(Initiation i) {
    return i.transport() ? "host" : "net";
  }

  /** The swanctl.conf {@code base} with the initiating connection added to its connections. */
  static String conf(String base, Host iut, TargetProfile t, Initiation i) {
    String marker = "connections {\n";
    int at = base.indexOf(marker);
    if (at < 0) {
      throw new IllegalStateException("no connections section in the charon configuration");
    }
    at += marker.length();
    return base.substring(0, at) + connection(iut, t, i) + base.substring(at);
  }

  static String connection(Host iut, TargetProfile t, Initiation i) {
    return StrongSwan.connection(
        IKE,
        "\n    remote_addrs = "
            + i.harnessAddress().getHostAddress()
            + (i.aggressive() ? "\n    aggressive = yes" : ""),
        iut,
        t,
        i.harnessInnerNet(),
        i.phase1Proposal(),
        i.espProposal());
  }
}
