package io.natt.iut;

import io.natt.nat.Host;

/**
 * The connection the bundled charon initiates with when the harness is the responder: the same
 * identities and key as the responder connections, its remote address the harness as charon sees
 * it, and only the scenario's proposals (charon offers them in Main Mode message 1 or Aggressive
 * Mode message 1, and in Quick Mode message 1).
 */
final class StrongSwanInitiation {
  /** The IKE connection's name. */
  static final String IKE = "harness-init";

  /** Its CHILD_SA's name. */
  static final String CHILD = "net-init";

  private StrongSwanInitiation() {}

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
    return """
          %s {
            version = 1%s
            local_addrs = %s
            remote_addrs = %s
            proposals = %s
            local {
              auth = psk
              id = %s
            }
            remote {
              auth = psk
              id = %s
            }
            children {
              %s {
                local_ts = %s
                remote_ts = %s
                esp_proposals = %s
                mode = tunnel
              }
            }
          }
        """
        .formatted(
            IKE,
            i.aggressive() ? "\n    aggressive = yes" : "",
            iut.address().getHostAddress(),
            i.harnessAddress().getHostAddress(),
            i.phase1Proposal(),
            t.remoteId(),
            i.harnessId(),
            CHILD,
            t.protectedNet(),
            i.harnessInnerNet(),
            i.espProposal());
  }
}
