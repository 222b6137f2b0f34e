package io.natt.nat;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.natt.net.DatagramPort;
import io.natt.net.Interlock;
import io.natt.sys.SetupException;
import io.natt.wire.Datagram;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.testng.annotations.Test;

/**
 * The emulated testbed for a remote device: no namespace, the JVM's own network with the profile's
 * bind address, mapped ports from the configured range, nothing opened on the IUT's side, and the
 * interlock on the NAT's sockets. On loopback only (the "device" is a socket on 127.0.0.1).
 */
public class RemoteTestbedTest {
  private static final Inet4Address LO = KernelTestbed.ip("127.0.0.1");

  private static Testbed build(List<Testbed.Nat> nats, Inet4Address bind) {
    return EmulatedTestbed.BACKEND.build(
        new Testbed.Request(
            new Testbed.Layout(nats, List.of()),
            LO,
            KernelTestbed.ip("10.9.0.1"),
            new Testbed.Remote(bind, 40100, 40115)));
  }

  @Test
  public void behindANatTheDeviceSeesTheBindAddressAndAMappedPortFromTheRange() throws Exception {
    try (Testbed t = build(List.of(new Testbed.Nat("home", NatBehaviour.randomising())), LO);
        DatagramSocket device = new DatagramSocket(new InetSocketAddress(LO, 0))) {
      assertEquals(((EmulatedTestbed) t).namespaces(), List.of(), "no namespace made");
      assertEquals(t.harness().namespace(), "", "the JVM's own network");
      assertEquals(t.harnessPublicAddress(), LO);
      assertEquals(t.harness().address(), KernelTestbed.ip("10.0.1.2"), "the peer's private view");
      Path dir = io.natt.testutil.TempDirs.create("natt-remote-tb");
      t.startCaptures(dir);
      device.setSoTimeout(2000);
      try (DatagramPort harness = t.openHarnessPort(List.of(500, 4500))) {
        InetSocketAddress deviceAddr = (InetSocketAddress) device.getLocalSocketAddress();
        harness.send(500, deviceAddr, new byte[] {1, 2});
        DatagramPacket p = new DatagramPacket(new byte[100], 100);
        device.receive(p);
        assertEquals(p.getAddress(), LO);
        assertTrue(p.getPort() >= 40100 && p.getPort() <= 40115, "from the configured range: " + p);
        device.send(new DatagramPacket(new byte[] {3}, 1, p.getSocketAddress()));
        Datagram back = harness.receive(Duration.ofSeconds(2)).orElseThrow();
        assertEquals(back.from(), deviceAddr);
        assertEquals(back.to(), new InetSocketAddress(KernelTestbed.ip("10.0.1.2"), 500));
        // the NAT's own sockets are interlocked too
        Interlock.Refused e =
            expectThrows(
                Interlock.Refused.class,
                () ->
                    harness.send(
                        500,
                        new InetSocketAddress(KernelTestbed.ip("127.0.0.2"), deviceAddr.getPort()),
                        new byte[] {9}));
        assertTrue(e.getMessage().contains("127.0.0.2"), e.getMessage());
      }
      SetupException refused =
          expectThrows(SetupException.class, () -> t.openIutPort(List.of(500)));
      assertEquals(
          refused.getMessage(),
          "the IUT at 127.0.0.1 is a remote device: the harness opens no port on its address");
      t.close();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  public void aBindAddressThisMachineDoesNotHaveIsAClearErrorForADirectScenario() {
    // 198.51.100.0/24 is never on the machine's own interfaces (only inside namespaces)
    Inet4Address notHere = KernelTestbed.ip("198.51.100.77");
    SetupException e =
        expectThrows(
            SetupException.class,
            () ->
                EmulatedTestbed.BACKEND.notApplicable(
                    new Testbed.Request(
                        new Testbed.Layout(List.of(), List.of()),
                        LO,
                        KernelTestbed.ip("10.9.0.1"),
                        new Testbed.Remote(notHere, 40100, 40115))));
    assertEquals(
        e.getMessage(),
        "cannot bind UDP 198.51.100.77:500: 198.51.100.77 is not an address of this machine"
            + " (remote: bind: in the target profile)");
  }

  @Test
  public void behindANatNoPrivilegedPortIsNeeded() {
    assertTrue(
        EmulatedTestbed.BACKEND
            .notApplicable(
                new Testbed.Request(
                    new Testbed.Layout(
                        List.of(new Testbed.Nat("home", NatBehaviour.randomising())), List.of()),
                    LO,
                    KernelTestbed.ip("10.9.0.1"),
                    new Testbed.Remote(LO, 40100, 40115)))
            .isEmpty());
  }

  @Test
  public void theKernelBackendRefusesARemoteDeviceBeforeBuildingAnything() {
    SetupException e =
        expectThrows(
            SetupException.class,
            () ->
                KernelTestbed.BACKEND.build(
                    new Testbed.Request(
                        new Testbed.Layout(List.of(), List.of()),
                        LO,
                        KernelTestbed.ip("10.9.0.1"),
                        new Testbed.Remote(LO, 40100, 40115))));
    assertTrue(e.getMessage().startsWith("a remote device is reached through the emulated NAT"));
  }

  @Test
  public void behindTwoNatsInARowTheOuterOneMapsToTheRange() throws Exception {
    try (Testbed t =
            build(
                List.of(
                    new Testbed.Nat("home", NatBehaviour.randomising()),
                    new Testbed.Nat("cgn", NatBehaviour.randomising())),
                LO);
        DatagramSocket device = new DatagramSocket(new InetSocketAddress(LO, 0));
        DatagramPort harness = t.openHarnessPort(List.of(500, 4500))) {
      assertEquals(t.observationPoints(), List.of("harness", "home-public", "nat-public"));
      device.setSoTimeout(2000);
      InetSocketAddress deviceAddr = (InetSocketAddress) device.getLocalSocketAddress();
      harness.send(4500, deviceAddr, new byte[] {1});
      DatagramPacket p = new DatagramPacket(new byte[10], 10);
      device.receive(p);
      assertEquals(p.getAddress(), LO);
      assertTrue(p.getPort() >= 40100 && p.getPort() <= 40115, "the outer NAT's range: " + p);
      device.send(new DatagramPacket(new byte[] {2}, 1, p.getSocketAddress()));
      Datagram back = harness.receive(Duration.ofSeconds(2)).orElseThrow();
      assertEquals(back.to(), new InetSocketAddress(KernelTestbed.ip("10.0.1.2"), 4500));
      assertEquals(back.from(), deviceAddr);
    }
  }

  @Test
  public void theDeviceInitiatesToTheBindAddressWhereTheNatForwards500And4500() throws Exception {
    // a loopback address of its own, so that UDP 500 is free whatever else runs here
    Inet4Address bind = KernelTestbed.ip("127.0.0.5");
    Testbed.Request r =
        new Testbed.Request(
            new Testbed.Layout(
                List.of(new Testbed.Nat("office", NatBehaviour.randomising())),
                List.of(),
                List.of(),
                1,
                List.of(500, 4500)),
            LO,
            KernelTestbed.ip("10.9.0.1"),
            new Testbed.Remote(bind, 40100, 40115));
    java.util.Optional<String> cannot = EmulatedTestbed.BACKEND.notApplicable(r);
    if (cannot.isPresent()) {
      // without the privilege to bind UDP 500 the scenario is NOT_APPLICABLE, saying why
      assertTrue(cannot.get().startsWith("NAT office forwards UDP 500 and 4500"), cannot.get());
      return;
    }
    try (Testbed t = EmulatedTestbed.BACKEND.build(r);
        DatagramSocket device = new DatagramSocket(new InetSocketAddress(LO, 0));
        DatagramPort harness = t.openHarnessPort(List.of(500, 4500))) {
      // what the device's initiate hook gets: the NAT's public side, the harness's private net
      assertEquals(t.harnessPublicAddress(), bind);
      assertEquals(t.harnessInnerNet(), "10.0.1.0/24");
      device.setSoTimeout(2000);
      device.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress(bind, 500)));
      Datagram in = harness.receive(Duration.ofSeconds(2)).orElseThrow();
      assertEquals(in.to(), new InetSocketAddress(KernelTestbed.ip("10.0.1.2"), 500));
      harness.send(500, in.from(), new byte[] {2});
      DatagramPacket p = new DatagramPacket(new byte[10], 10);
      device.receive(p);
      assertEquals(p.getSocketAddress(), new InetSocketAddress(bind, 500), "answered from 500");
    }
  }
}
