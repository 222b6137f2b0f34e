package io.natt.iut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.natt.sys.SetupException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Set;
import org.testng.annotations.Test;

/** The IUT a target profile's launch asks for. */
public class IutsTest {
  static TargetProfile target(String launch) throws Exception {
    return TargetProfile.of(
        "gw",
        launch,
        (Inet4Address) InetAddress.getByName("198.51.100.2"),
        "harness.example.org",
        "iut.example.org",
        new byte[] {1, 2, 3},
        "10.9.0.0/24",
        (Inet4Address) InetAddress.getByName("10.9.0.1"),
        Set.of("ikev1"));
  }

  @Test
  public void strongswanIsStartedByTheProject() throws Exception {
    assertNotNull(Iuts.launcher(target("strongswan")));
  }

  static TargetProfile remote(String beforeEach) throws Exception {
    RemoteSettings d = RemoteSettings.bindingTo((Inet4Address) InetAddress.getByName("127.0.0.1"));
    return target("")
        .withRemote(
            new RemoteSettings(
                d.bind(),
                d.natPortMin(),
                d.natPortMax(),
                d.retransmitInterval(),
                d.retransmits(),
                d.responseTimeout(),
                beforeEach,
                "",
                ""));
  }

  @Test
  public void aRemoteDeviceIsNotStartedButItsStateIsNotKnown() throws Exception {
    try (Iut iut = Iuts.launcher(remote("")).start(null, remote(""))) {
      assertEquals(iut.status(), "not known to the harness (remote device gw at 198.51.100.2)");
      assertTrue(iut.log().startsWith("The log of the remote device gw is not known"), iut.log());
      assertEquals(iut.version(), "not known");
    }
    assertEquals(Iuts.version(remote("")), "remote device, version not known");
  }

  @Test
  public void aRemoteDeviceWithoutRemoteSettingsIsAClearError() throws Exception {
    for (String none : new String[] {null, ""}) {
      SetupException e =
          expectThrows(
              SetupException.class, () -> Iuts.launcher(target(none)).start(null, target(none)));
      assertEquals(
          e.getMessage(),
          "target gw is a remote device without remote settings (remote: { bind: ADDRESS })");
    }
  }

  static TargetProfile commandTarget(LaunchCommand c) throws Exception {
    return target(null).withCommand(c);
  }

  @Test
  public void aCommandIsStartedByTheProjectAndSaysItsVersionWhenAsked() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(".").toAbsolutePath();
    LaunchCommand with =
        new LaunchCommand(
            "exec true",
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.Optional.of("echo my-ike 1.2.3; echo \"in $(pwd)\" >&2"),
            java.time.Duration.ofSeconds(1),
            dir);
    assertNotNull(Iuts.launcher(commandTarget(with)));
    assertEquals(Iuts.version(commandTarget(with)), "my-ike 1.2.3\nin " + dir.normalize());
    LaunchCommand without =
        new LaunchCommand(
            "exec true",
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.time.Duration.ofSeconds(1),
            dir);
    assertEquals(
        Iuts.version(commandTarget(without)),
        "not known (the target profile gives no launch: version command)");
  }

  @Test
  public void theBeforeEachHookRunsWithTheTargetInItsEnvironment() throws Exception {
    TargetProfile t =
        remote("echo \"$NATT_TARGET $NATT_TARGET_ADDRESS $NATT_BIND_ADDRESS\"; echo cleared >&2");
    try (Iut iut = Iuts.launcher(t).start(null, t)) {
      assertTrue(iut.log().contains("gw 198.51.100.2 127.0.0.1\ncleared"), iut.log());
    }
  }

  @Test
  public void aFailingBeforeEachHookIsASetUpErrorNamingItAndItsOutput() throws Exception {
    TargetProfile t = remote("echo 'ssh: connect to host gw: Connection refused'; exit 255");
    SetupException e = expectThrows(SetupException.class, () -> Iuts.launcher(t).start(null, t));
    assertEquals(
        e.getMessage(),
        "the before-each hook of target gw failed (exit 255): echo 'ssh: connect to host gw:"
            + " Connection refused'; exit 255\nssh: connect to host gw: Connection refused");
  }

  @Test
  public void anUnknownLaunchIsRefused() throws Exception {
    SetupException e = expectThrows(SetupException.class, () -> Iuts.launcher(target("racoon")));
    assertEquals(e.getMessage(), "target gw: launch: racoon is not supported");
  }
}
