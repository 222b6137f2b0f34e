package io.natt.iut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.expectThrows;

import io.natt.sys.SetupException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Set;
import org.testng.annotations.Test;

/** The IUT a target profile's launch asks for. */
public class IutsTest {
  static TargetProfile target(String launch) throws Exception {
    return new TargetProfile(
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

  @Test
  public void aRemoteDeviceIsRefusedWithTheReason() throws Exception {
    for (String none : new String[] {null, ""}) {
      SetupException e = expectThrows(SetupException.class, () -> Iuts.launcher(target(none)));
      assertEquals(
          e.getMessage(),
          "target gw is not launched by the project; remote devices need the emulated NAT"
              + " backend, which is not built yet");
      assertEquals(Iuts.version(target(none)), "remote device (version not known to the harness)");
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
  public void anUnknownLaunchIsRefused() throws Exception {
    SetupException e = expectThrows(SetupException.class, () -> Iuts.launcher(target("racoon")));
    assertEquals(e.getMessage(), "target gw: launch: racoon is not supported");
  }
}
