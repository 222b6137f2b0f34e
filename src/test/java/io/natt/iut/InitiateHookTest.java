package io.natt.iut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.natt.sys.SetupException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.testng.annotations.Test;

/**
 * A remote device's {@code initiate} hook: it runs in the background when the harness as responder
 * asks the device to initiate, with the harness's address, its inner network and the exchange set,
 * and its outcome goes into the device's log. Without the hook, asking is a set-up error that names
 * the key.
 */
public class InitiateHookTest {
  private static TargetProfile profile(Path dir, String initiate) throws Exception {
    String template =
        Files.readString(Path.of("testsuites/targets/remote-device.template.yaml"))
            .replace("psk-file: my-gateway.psk", "psk: \"lab only\"")
            .replace("  before-each: ssh admin@gw.example.org 'clear crypto isakmp sa'\n", "");
    if (initiate != null) {
      template =
          template.replace(
              "  version: VendorOS 9.1", "  initiate: " + initiate + "\n  version: VendorOS 9.1");
    }
    Path p = dir.resolve("gw.yaml");
    Files.writeString(p, template);
    return TargetLoader.load(p, new SecureRandom());
  }

  private static Initiation initiation(boolean aggressive) throws Exception {
    return new Initiation(
        (Inet4Address) InetAddress.getByName("198.51.100.1"),
        "harness.example.org",
        aggressive,
        "aes128-sha256-modp2048",
        "aes128-sha256",
        "10.0.2.0/24");
  }

  @Test
  public void theHookRunsWithTheHarnessAddressInnerNetAndExchange() throws Exception {
    Path dir = io.natt.testutil.TempDirs.create("initiate-hook");
    Path seen = dir.resolve("seen");
    TargetProfile t =
        profile(
            dir,
            "\"echo $NATT_HARNESS_ADDRESS $NATT_HARNESS_INNER_NET $NATT_EXCHANGE $NATT_TARGET > "
                + seen
                + "; echo initiated\"");
    RemoteDevice d = RemoteDevice.start(null, t);
    String how = d.initiate(initiation(true));
    assertTrue(how.contains("initiate hook"), how);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!d.log().contains("initiated") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(
        Files.readAllLines(seen), List.of("198.51.100.1 10.0.2.0/24 aggressive " + t.name()));
    assertTrue(d.log().contains("initiate hook finished"), d.log());
  }

  @Test
  public void aFailingHookShowsInTheLog() throws Exception {
    Path dir = io.natt.testutil.TempDirs.create("initiate-hook-fails");
    RemoteDevice d = RemoteDevice.start(null, profile(dir, "\"echo no route; exit 3\""));
    d.initiate(initiation(false));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!d.log().contains("exit 3") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(d.log().contains("the initiate hook of target"), d.log());
    assertTrue(d.log().contains("no route"), d.log());
  }

  @Test
  public void withoutTheHookAskingIsASetUpErrorNamingTheKey() throws Exception {
    Path dir = io.natt.testutil.TempDirs.create("initiate-hook-none");
    RemoteDevice d = RemoteDevice.start(null, profile(dir, null));
    SetupException e = expectThrows(SetupException.class, () -> d.initiate(initiation(false)));
    assertTrue(e.getMessage().contains("remote.initiate"), e.getMessage());
  }
}
