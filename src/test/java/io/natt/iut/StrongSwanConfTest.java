package io.natt.iut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.nat.Host;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.testng.annotations.Test;

/** The bundled charon's configuration follows the target's ikev1-aggressive claim. */
public class StrongSwanConfTest {

  private static TargetProfile bundled(Set<String> claims) {
    return io.natt.testutil.BundledTarget.withClaims(claims);
  }

  private static Host iut() throws Exception {
    return new Host(
        "iut", "natt-test", "e0", (Inet4Address) InetAddress.getByName("198.51.100.2"), 24);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  public void aggressiveClaimAddsAnAggressiveConnectionBesideTheMainModeOne() throws Exception {
    TargetProfile t = bundled(Set.of("ikev1", "ikev1-main", "ikev1-aggressive"));
    String swanctl = StrongSwan.swanctlConf(iut(), t, "10.0.1.2/32");
    // harness, clients (the further clients' identities), harness-am and clients-am
    assertEquals(count(swanctl, "version = 1"), 4, swanctl);
    assertEquals(count(swanctl, "aggressive = yes"), 2, swanctl);
    assertTrue(
        swanctl.contains("  clients-am {\n    version = 1\n    aggressive = yes\n"), swanctl);
    assertTrue(swanctl.contains("  harness {\n    version = 1\n    local_addrs"), swanctl);
    assertTrue(
        swanctl.contains("  harness-am {\n    version = 1\n    aggressive = yes\n"), swanctl);
    assertEquals(count(swanctl, "remote_ts = 10.0.1.2/32"), 4, swanctl);
    assertTrue(swanctl.contains("  clients {\n"), swanctl);
    assertTrue(swanctl.contains("id = *.harness.example.org\n"), swanctl);
    assertEquals(count(swanctl, "secret = 0x"), 1, swanctl);
    String conf = StrongSwan.strongswanConf(Path.of("/tmp/x"), true);
    assertTrue(
        conf.contains(
            "charon {\n  load_modular = no\n"
                + "  i_dont_care_about_security_and_use_aggressive_mode_psk = yes\n"),
        conf);
  }

  @Test
  public void shortDpdOnlyWhereAsked() throws Exception {
    TargetProfile t = bundled(Set.of("ikev1", "ikev1-main", "ikev1-aggressive"));
    String plain = StrongSwan.swanctlConf(iut(), t, "10.0.1.2/32");
    assertFalse(plain.contains("dpd_"), plain);
    String dpd = StrongSwan.swanctlConf(iut(), t, "10.0.1.2/32", StrongSwan.SHORT_DPD);
    // every connection (harness, clients and their Aggressive Mode twins) and its tunnel child
    assertEquals(count(dpd, "dpd_delay = 1s"), 4, dpd);
    assertEquals(count(dpd, "dpd_timeout = 4s"), 4, dpd);
    assertEquals(count(dpd, "dpd_action = clear"), 4, dpd);
    assertEquals(count(dpd, "aggressive = yes"), 2, dpd);
  }

  @Test
  public void withoutTheClaimOnlyMainMode() throws Exception {
    Set<String> claims = new HashSet<>(Set.of("ikev1", "ikev1-main"));
    String swanctl = StrongSwan.swanctlConf(iut(), bundled(claims), "10.0.1.2/32");
    assertEquals(count(swanctl, "version = 1"), 2, swanctl);
    assertFalse(swanctl.contains("aggressive"), swanctl);
    assertFalse(StrongSwan.strongswanConf(Path.of("/tmp/x")).contains("aggressive"));
  }

  @Test
  public void theInitiatingConnectionNamesTheHarnessAndOffersOnlyTheScenariosProposals()
      throws Exception {
    TargetProfile t = bundled(Set.of("ikev1", "ikev1-main", "ikev1-aggressive"));
    String base = StrongSwan.swanctlConf(iut(), t, "10.0.2.0/24");
    Initiation mm =
        new Initiation(
            (Inet4Address) InetAddress.getByName("203.0.113.3"),
            "harness.example.org",
            false,
            "aes256-sha1-modp2048",
            "3des-sha1",
            "10.0.2.0/24");
    String conf = StrongSwanInitiation.conf(base, iut(), t, mm);
    int k = base.indexOf("connections {\n") + "connections {\n".length();
    assertTrue(conf.startsWith(base.substring(0, k)), conf);
    assertTrue(conf.endsWith(base.substring(k)), "the responder connections stay as they were");
    String added = conf.substring(k, k + conf.length() - base.length());
    assertTrue(
        conf.contains(
            "  harness-init {\n    version = 1\n    remote_addrs = 203.0.113.3\n    local_addrs"),
        conf);
    assertTrue(added.contains("proposals = aes256-sha1-modp2048\n"), added);
    assertTrue(added.contains("esp_proposals = 3des-sha1\n"), added);
    assertFalse(added.contains("aggressive = yes"), added);
    // harness, clients, harness-am, clients-am, and harness-init
    assertEquals(count(conf, "version = 1"), 5, conf);
    Initiation am =
        new Initiation(
            mm.harnessAddress(),
            mm.harnessId(),
            true,
            "aes128-sha256-modp2048",
            "aes128-sha256",
            mm.harnessInnerNet());
    String withAm = StrongSwanInitiation.conf(base, iut(), t, am);
    assertTrue(
        withAm.contains(
            "  harness-init {\n    version = 1\n    remote_addrs = 203.0.113.3\n"
                + "    aggressive = yes\n"),
        withAm);
  }

  @Test
  public void aTransportInitiationAsksForTheTransportChildOfTheInitiatingConnection()
      throws Exception {
    TargetProfile t = bundled(Set.of("ikev1", "ikev1-main"));
    Initiation tunnel =
        new Initiation(
            (Inet4Address) InetAddress.getByName("203.0.113.3"),
            "harness.example.org",
            false,
            "aes128-sha256-modp2048",
            "aes128-sha256",
            "10.0.2.0/24");
    Initiation transport =
        new Initiation(
            tunnel.harnessAddress(),
            tunnel.harnessId(),
            false,
            tunnel.phase1Proposal(),
            tunnel.espProposal(),
            tunnel.harnessInnerNet(),
            true);
    assertEquals(StrongSwanInitiation.child(tunnel), "net");
    assertEquals(StrongSwanInitiation.child(transport), "host");
    // the child swanctl --initiate names is in harness-init, in transport mode between the hosts
    String added = StrongSwanInitiation.connection(iut(), t, transport);
    int host = added.indexOf("      host {\n");
    assertTrue(host > 0, added);
    String child = added.substring(host, added.indexOf("      }\n", host));
    assertTrue(child.contains("mode = transport\n"), child);
    assertTrue(child.contains("local_ts = dynamic\n"), child);
    assertTrue(child.contains("remote_ts = dynamic\n"), child);
    assertTrue(child.contains("esp_proposals = aes128-sha256\n"), child);
  }

  @Test
  public void keepAliveIsTheProfilesKeepaliveInterval() throws Exception {
    TargetProfile t =
        TargetLoader.load(
            Path.of("testsuites/targets/bundled-strongswan.yaml"), new SecureRandom());
    assertEquals(t.configuredKeepalive().orElseThrow(), java.time.Duration.ofSeconds(2));
    String conf = StrongSwan.strongswanConf(Path.of("/tmp/x"), false, StrongSwan.keepAlive(t));
    assertEquals(count(conf, "keep_alive = "), 1, conf);
    assertTrue(conf.contains("  keep_alive = 2s\n"), conf);
    TargetProfile slower = t.withKeepaliveInterval(java.time.Duration.ofSeconds(25));
    assertTrue(
        StrongSwan.strongswanConf(Path.of("/tmp/x"), false, StrongSwan.keepAlive(slower))
            .contains("  keep_alive = 25s\n"));
    // a profile that states none: charon keeps the suite's short default
    assertEquals(
        StrongSwan.keepAlive(t.withKeepaliveInterval(null)), StrongSwan.DEFAULT_KEEP_ALIVE);
  }
}
