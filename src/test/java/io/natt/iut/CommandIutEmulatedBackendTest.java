package io.natt.iut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.nat.EmulatedTestbed;
import io.natt.nat.Testbed;
import io.natt.scenario.Integration;
import io.natt.sys.ProcessGroup;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.testng.annotations.Test;

/**
 * A launch command on the emulated NAT backend: it too makes the IUT's namespace with the IUT's
 * address and the protected host, and the command runs there (a class of its own: a JVM has one
 * testbed at a time).
 */
public class CommandIutEmulatedBackendTest {
  /** The emulated backend makes the IUT's namespace too: the command runs there the same way. */
  @Test
  public void theEmulatedBackendGivesTheCommandItsNamespace() throws Exception {
    Integration.require();
    try (Testbed emulated =
        EmulatedTestbed.BACKEND.build(
            new Testbed.Request(
                new Testbed.Layout(List.of(), List.of()), ip("198.51.100.2"), ip("10.9.0.1")))) {
      String command =
          "echo \"addr=$(ip -4 -o addr show dev \"$NATT_IUT_DEV\" | awk '{print $4}')"
              + " lo=$(ip -4 -o addr show dev lo | awk '{print $4}' | tr '\\n' ' ')\" >>"
              + " \"$NATT_LOG\"; "
              + CommandIutContractTest.LISTEN;
      CommandIut iut =
          CommandIut.start(
              emulated,
              TargetProfile.of(
                      "contract",
                      LaunchCommand.LAUNCH,
                      ip("198.51.100.2"),
                      "harness.example.org",
                      "iut.example.org",
                      new byte[] {1, 2, 3},
                      "10.9.0.0/24",
                      ip("10.9.0.1"),
                      Set.of("ikev1"))
                  .withCommand(
                      new LaunchCommand(
                          command,
                          Optional.empty(),
                          Optional.empty(),
                          Optional.empty(),
                          Optional.empty(),
                          Duration.ofSeconds(20),
                          Path.of(".").toAbsolutePath())));
      try {
        String text = CommandIutContractTest.awaitLog(iut, "addr=");
        assertTrue(text.contains("addr=198.51.100.2/24 lo=127.0.0.1/8 10.9.0.1/32 \n"), text);
        assertTrue(CommandIut.inNamespace(iut.processGroup(), emulated.iut().namespace()));
      } finally {
        iut.close();
      }
      assertEquals(ProcessGroup.members(iut.processGroup()), List.of());
    }
  }

  static Inet4Address ip(String s) throws Exception {
    return (Inet4Address) InetAddress.getByName(s);
  }
}
