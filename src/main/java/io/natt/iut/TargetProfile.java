package io.natt.iut;

import java.net.Inet4Address;
import java.util.List;
import java.util.Set;

/**
 * How to reach the implementation under test (PIXIT) and what it claims to support (PICS).
 *
 * @param name a short name for reports
 * @param launch "strongswan" when the project starts the IUT itself, empty for a remote device
 * @param address the IUT's public address
 * @param localId the identity the harness uses (FQDN)
 * @param remoteId the identity the IUT uses (FQDN)
 * @param psk the pre-shared key; for the bundled IUT generated fresh for every run
 * @param protectedNet the network behind the IUT, as a.b.c.d/len
 * @param protectedHost an address inside protectedNet that answers ICMP echo
 * @param claims PICS items, e.g. ikev1, nat-t-rfc3947, forces-encapsulation
 * @param knownResults verdicts this implementation is known to get, by requirement id, where they
 *     are not what a compliant IUT gets (kept per reference implementation, like TLS-Anvil's
 *     expected results): the suite reports them as they are but does not count them as news
 * @param phase1Proposals the phase-1 proposals the device accepts (cipher-hash-group, as in
 *     scenarios), in the profile's order; empty: not listed, any may be tried
 * @param espProposals the ESP proposals the device accepts (cipher-hash); empty: not listed
 * @param command how to start any IKE daemon as the IUT ({@code launch: { command: ... }}, launch
 *     is then {@value LaunchCommand#LAUNCH}); null otherwise
 * @param remote how the harness reaches a remote device (bind address, ports, timeouts, hooks);
 *     null for a target the project launches
 * @param keepaliveInterval the NAT-keepalive interval configured on the IUT (RFC 3948 section 4's
 *     M), as the profile states it ({@code keepalive-interval}); null when the profile does not
 *     say. The bundled strongSwan is configured with this value, so the two cannot disagree
 */
public record TargetProfile(
    String name,
    String launch,
    Inet4Address address,
    String localId,
    String remoteId,
    byte[] psk,
    String protectedNet,
    Inet4Address protectedHost,
    Set<String> claims,
    java.util.Map<String, String> knownResults,
    List<String> phase1Proposals,
    List<String> espProposals,
    LaunchCommand command,
    RemoteSettings remote,
    java.time.Duration keepaliveInterval) {

  /**
   * A profile with only what every target has: no known results, no proposal lists, no launch
   * command, no remote settings, no keepalive interval. The rest is set through {@link #toBuilder}.
   */
  public static TargetProfile of(
      String name,
      String launch,
      Inet4Address address,
      String localId,
      String remoteId,
      byte[] psk,
      String protectedNet,
      Inet4Address protectedHost,
      Set<String> claims) {
    return new TargetProfile(
        name,
        launch,
        address,
        localId,
        remoteId,
        psk,
        protectedNet,
        protectedHost,
        claims,
        java.util.Map.of(),
        List.of(),
        List.of(),
        null,
        null,
        null);
  }

  public boolean launchesStrongSwan() {
    return "strongswan".equals(launch);
  }

  /** The same profile, started through this command ({@code launch: { command: ... }}). */
  public TargetProfile withCommand(LaunchCommand c) {
    Builder b = toBuilder();
    b.launch = LaunchCommand.LAUNCH;
    b.command = c;
    b.remote = null;
    return b.build();
  }

  /** True when the project starts the IUT through {@code launch: { command: ... }}. */
  public boolean launchesCommand() {
    return command != null;
  }

  /** A device the project does not start (no {@code launch}): reached over the network. */
  public boolean isRemote() {
    return launch == null || launch.isEmpty();
  }

  /** The same profile with these remote settings. */
  public TargetProfile withRemote(RemoteSettings r) {
    Builder b = toBuilder();
    b.remote = r;
    return b.build();
  }

  /** The same profile, stating the IUT's configured NAT-keepalive interval (null: not stated). */
  public TargetProfile withKeepaliveInterval(java.time.Duration d) {
    Builder b = toBuilder();
    b.keepaliveInterval = d;
    return b.build();
  }

  /** The NAT-keepalive interval configured on the IUT, when the profile states it. */
  public java.util.Optional<java.time.Duration> configuredKeepalive() {
    return java.util.Optional.ofNullable(keepaliveInterval);
  }

  public boolean claims(String item) {
    return claims.contains(item);
  }

  @Override
  public String toString() {
    // never the PSK
    return name + " (" + address.getHostAddress() + ", claims " + claims + ")";
  }

  /** A copy of this profile to change a few components of ({@link Builder#build}). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.launch = launch;
    b.address = address;
    b.localId = localId;
    b.remoteId = remoteId;
    b.psk = psk;
    b.protectedNet = protectedNet;
    b.protectedHost = protectedHost;
    b.claims = claims;
    b.knownResults = knownResults;
    b.phase1Proposals = phase1Proposals;
    b.espProposals = espProposals;
    b.command = command;
    b.remote = remote;
    b.keepaliveInterval = keepaliveInterval;
    return b;
  }

  /** The components of a profile, each changeable, for {@link #toBuilder}. */
  public static final class Builder {
    public String name;
    public String launch;
    public Inet4Address address;
    public String localId;
    public String remoteId;
    public byte[] psk;
    public String protectedNet;
    public Inet4Address protectedHost;
    public Set<String> claims;
    public java.util.Map<String, String> knownResults;
    public List<String> phase1Proposals;
    public List<String> espProposals;
    public LaunchCommand command;
    public RemoteSettings remote;
    public java.time.Duration keepaliveInterval;

    private Builder() {}

    public TargetProfile build() {
      return new TargetProfile(
          name,
          launch,
          address,
          localId,
          remoteId,
          psk,
          protectedNet,
          protectedHost,
          claims,
          knownResults,
          phase1Proposals,
          espProposals,
          command,
          remote,
          keepaliveInterval);
    }
  }
}
