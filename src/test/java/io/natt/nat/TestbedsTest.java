package io.natt.nat;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.natt.nat.NatBehaviour.Dependency;
import io.natt.nat.NatBehaviour.PortAllocation;
import io.natt.sys.SetupException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/** The backend registry and what the kernel backend can realise (no root needed: asked first). */
public class TestbedsTest {
  private static Testbed.Nat nat(String name, Dependency mapping, Dependency filtering) {
    return new Testbed.Nat(
        name, new NatBehaviour(mapping, filtering, PortAllocation.RANDOM, Duration.ofSeconds(30)));
  }

  private static final Testbed.Nat HOME =
      nat("home", Dependency.ENDPOINT_INDEPENDENT, Dependency.ADDRESS_AND_PORT_DEPENDENT);

  @Test
  public void kernelAndEmulatedByNameKernelTheDefaultForALaunchedIut() {
    assertEquals(Testbeds.DEFAULT, "kernel");
    assertEquals(Testbeds.names(), List.of("kernel", "emulated"));
    assertSame(Testbeds.backend("kernel"), KernelTestbed.BACKEND);
    assertSame(Testbeds.backend("emulated"), EmulatedTestbed.BACKEND);
    assertEquals(Testbeds.defaultFor(true), "kernel");
    assertEquals(Testbeds.defaultFor(false), "emulated");
  }

  @Test
  public void emulatedRealisesEveryFilteringAndAnIutBehindAForwardingNat() {
    for (Dependency f : Dependency.values()) {
      for (Dependency m : Dependency.values()) {
        assertEquals(
            EmulatedTestbed.BACKEND.refusal(
                new Testbed.Layout(List.of(nat("home", m, f)), List.of())),
            Optional.empty(),
            m + "/" + f);
      }
    }
    Testbed.Nat gw = nat("gw", Dependency.ENDPOINT_INDEPENDENT, Dependency.ENDPOINT_INDEPENDENT);
    assertEquals(
        EmulatedTestbed.BACKEND.refusal(
            new Testbed.Layout(List.of(), List.of(gw), List.of(4500, 500))),
        Optional.empty());
    assertEquals(
        EmulatedTestbed.BACKEND.refusal(
            new Testbed.Layout(List.of(HOME), List.of(gw), List.of(500, 4500))),
        Optional.empty(),
        "both behind NATs");
    assertTrue(
        EmulatedTestbed.BACKEND
            .refusal(new Testbed.Layout(List.of(), List.of(gw), List.of(500)))
            .orElseThrow()
            .contains("needs exactly 'forward: [500, 4500]' (it has [500])"));
    assertTrue(
        EmulatedTestbed.BACKEND
            .refusal(new Testbed.Layout(List.of(HOME), List.of(HOME), List.of(500, 4500)))
            .orElseThrow()
            .contains("NAT home cannot be in front of both"));
    assertTrue(
        EmulatedTestbed.BACKEND
            .refusal(new Testbed.Layout(List.of(), List.of(gw, HOME), List.of(500, 4500)))
            .orElseThrow()
            .startsWith("two NATs in a row in front of the IUT"));
    // two NATs in a row in front of the harness: built, as on the kernel backend; not three, nor
    // with the IUT behind a NAT too, nor with further clients
    Testbed.Nat cgn = nat("cgn", Dependency.ENDPOINT_INDEPENDENT, Dependency.ENDPOINT_INDEPENDENT);
    assertEquals(
        EmulatedTestbed.IN_MEMORY.refusal(new Testbed.Layout(List.of(HOME, cgn), List.of())),
        Optional.empty());
    assertEquals(
        EmulatedTestbed.IN_MEMORY.refusal(new Testbed.Layout(List.of(HOME, cgn, gw), List.of())),
        Optional.of(
            "more than two NATs in a row are not supported by the emulated NAT backend yet"));
    assertTrue(
        EmulatedTestbed.BACKEND
            .refusal(new Testbed.Layout(List.of(HOME, cgn), List.of(gw), List.of(500, 4500)))
            .orElseThrow()
            .startsWith("two NATs in a row in front of the harness with the IUT behind a NAT"));
    assertTrue(
        EmulatedTestbed.BACKEND
            .refusal(new Testbed.Layout(List.of(HOME, cgn), List.of(), List.of(), 2))
            .orElseThrow()
            .contains("behind two NATs in a row"));
  }

  @Test
  public void bothBackendsPutTheHarnessBehindANatForwarding500And4500() {
    Testbed.Nat gw = nat("gw", Dependency.ENDPOINT_INDEPENDENT, Dependency.ENDPOINT_INDEPENDENT);
    Testbed.Layout ok =
        new Testbed.Layout(List.of(HOME), List.of(), List.of(), 1, List.of(4500, 500));
    for (Testbed.Backend b : List.of(KernelTestbed.BACKEND, EmulatedTestbed.BACKEND)) {
      assertEquals(b.refusal(ok), Optional.empty(), b.name());
      Testbed.Addressing a =
          b.addressing(
              new Testbed.Request(
                  ok, KernelTestbed.ip("198.51.100.2"), KernelTestbed.ip("10.9.0.1")));
      assertEquals(a.harnessSeenAs(), KernelTestbed.ip("198.51.100.1"), b.name());
      assertEquals(a.harnessOwn(), KernelTestbed.ip("10.0.1.2"), b.name());
      assertTrue(a.portMapping().contains("forwarded statically to 10.0.1.2"), a.portMapping());
      assertTrue(
          b.refusal(new Testbed.Layout(List.of(HOME), List.of(), List.of(), 1, List.of(500)))
              .orElseThrow()
              .contains("needs exactly 'forward: [500, 4500]' (it has [500])"),
          b.name());
      assertTrue(
          b.refusal(
                  new Testbed.Layout(
                      List.of(HOME), List.of(gw), List.of(500, 4500), 1, List.of(500, 4500)))
              .orElseThrow()
              .contains("with the IUT behind a NAT as well is not supported"),
          b.name());
      assertTrue(
          b.refusal(
                  new Testbed.Layout(
                      List.of(HOME, gw), List.of(), List.of(), 1, List.of(500, 4500)))
              .orElseThrow()
              .contains("behind exactly one NAT"),
          b.name());
      assertTrue(
          b.refusal(new Testbed.Layout(List.of(HOME), List.of(), List.of(), 2, List.of(500, 4500)))
              .orElseThrow()
              .contains("further clients"),
          b.name());
    }
  }

  @Test
  public void inMemoryTestbedNeedsNoRootAndTellsItsObservationPoints() {
    try (Testbed t =
        EmulatedTestbed.IN_MEMORY.build(
            new Testbed.Request(
                new Testbed.Layout(List.of(HOME), List.of()),
                KernelTestbed.ip("198.51.100.2"),
                KernelTestbed.ip("10.9.0.1")))) {
      assertEquals(t.backend(), "emulated");
      assertEquals(t.observationPoints(), List.of("harness", "nat-public"));
      assertEquals(t.iutSidePoint(), "nat-public");
      assertEquals(t.harness().address(), KernelTestbed.ip("10.0.1.2"));
      assertEquals(t.harnessPublicAddress(), KernelTestbed.ip("198.51.100.1"));
      assertEquals(t.harnessInnerNet(), "10.0.1.0/24");
      assertEquals(t.expiryWait(), Optional.of(Duration.ofSeconds(31)));
      assertTrue(t.rebind().contains("0 mapping(s) forgotten"), t.rebind());
    }
    try (Testbed t =
        EmulatedTestbed.IN_MEMORY.build(
            new Testbed.Request(
                new Testbed.Layout(List.of(), List.of()),
                KernelTestbed.ip("198.51.100.2"),
                KernelTestbed.ip("10.9.0.1")))) {
      assertEquals(t.observationPoints(), List.of("harness"));
      assertEquals(t.harness().address(), KernelTestbed.ip("198.51.100.3"));
      assertEquals(t.harnessInnerAddress(), KernelTestbed.ip("10.0.2.2"));
      assertEquals(t.expiryWait(), Optional.empty());
    }
  }

  @Test
  public void anIutBehindANatIsSeenAtTheNatsPublicAddressAndAnswersFromIt() throws Exception {
    Testbed.Nat gw = nat("gw", Dependency.ENDPOINT_INDEPENDENT, Dependency.ENDPOINT_INDEPENDENT);
    Testbed.Request r =
        new Testbed.Request(
            new Testbed.Layout(List.of(HOME), List.of(gw), List.of(500, 4500)),
            KernelTestbed.ip("198.51.100.2"),
            KernelTestbed.ip("10.9.0.1"));
    assertEquals(
        EmulatedTestbed.IN_MEMORY.addressing(r).iutSeenAs(), KernelTestbed.ip("203.0.113.1"));
    assertEquals(
        EmulatedTestbed.IN_MEMORY
            .addressing(
                new Testbed.Request(
                    new Testbed.Layout(List.of(HOME), List.of()),
                    KernelTestbed.ip("198.51.100.2"),
                    KernelTestbed.ip("10.9.0.1")))
            .iutSeenAs(),
        null);
    java.nio.file.Path dir = io.natt.testutil.TempDirs.create("iut-behind-nat");
    try (Testbed t = EmulatedTestbed.IN_MEMORY.build(r)) {
      assertEquals(t.iut().address(), KernelTestbed.ip("198.51.100.2"));
      assertEquals(t.iutSeenAs(), KernelTestbed.ip("203.0.113.1"));
      List<io.natt.net.Capture> caps = t.startCaptures(dir);
      try (io.natt.net.DatagramPort iut = t.openIutPort(List.of(500, 4500));
          io.natt.net.DatagramPort h = t.openHarnessPort(List.of(500, 4500))) {
        h.send(500, new java.net.InetSocketAddress(t.iutSeenAs(), 500), new byte[] {1, 2, 3});
        io.natt.wire.Datagram got = iut.receive(Duration.ofSeconds(2)).orElseThrow();
        // the IUT gets it on its own address, from the harness's NAT
        assertEquals(got.to().getAddress(), KernelTestbed.ip("198.51.100.2"));
        assertEquals(got.from().getAddress(), KernelTestbed.ip("198.51.100.1"));
        iut.send(500, got.from(), new byte[] {4});
        io.natt.wire.Datagram back = h.receive(Duration.ofSeconds(2)).orElseThrow();
        // the harness sees the answer come from the IUT's NAT, not from the IUT's own address
        assertEquals(back.from().getAddress(), KernelTestbed.ip("203.0.113.1"));
        assertEquals(back.from().getPort(), 500);
      }
      caps.forEach(io.natt.net.Capture::close);
      for (io.natt.net.Capture c : caps) {
        assertTrue(!c.frames().isEmpty(), c.point());
        for (io.natt.net.CapturedFrame f : c.frames()) {
          io.natt.wire.Ipv4Packet ip =
              io.natt.wire.Ipv4Packet.decode(
                  io.natt.wire.EthernetFrame.decode(f.bytes()).payload());
          // every observation point shows the public view of the IUT
          assertTrue(
              !java.util.Arrays.equals(ip.src(), KernelTestbed.ip("198.51.100.2").getAddress())
                  && !java.util.Arrays.equals(
                      ip.dst(), KernelTestbed.ip("198.51.100.2").getAddress()),
              c.point() + " shows the IUT's own address");
        }
      }
    }
  }

  @Test
  public void anUnknownBackendNamesTheChoices() {
    SetupException e = expectThrows(SetupException.class, () -> Testbeds.backend("netem"));
    assertEquals(e.getMessage(), "unknown NAT backend 'netem': choose one of kernel, emulated");
  }

  @Test
  public void kernelRealisesNoNatAndOneNatInFrontOfTheHarnessWithEveryMapping() {
    Testbed.Backend k = Testbeds.backend("kernel");
    assertEquals(k.refusal(new Testbed.Layout(List.of(), List.of())), Optional.empty());
    for (Dependency mapping : Dependency.values()) {
      Testbed.Layout l =
          new Testbed.Layout(
              List.of(nat("home", mapping, Dependency.ADDRESS_AND_PORT_DEPENDENT)), List.of());
      assertEquals(k.refusal(l), Optional.empty(), mapping.toString());
    }
  }

  @Test
  public void kernelRealisesOnlyAddressAndPortDependentFilteringTheEmulatedNatEvery() {
    for (Dependency f : List.of(Dependency.ENDPOINT_INDEPENDENT, Dependency.ADDRESS_DEPENDENT)) {
      Testbed.Layout l =
          new Testbed.Layout(List.of(nat("cgn", Dependency.ENDPOINT_INDEPENDENT, f)), List.of());
      // not a refusal: the scenario loads and is NOT_APPLICABLE on the kernel backend
      assertEquals(KernelTestbed.BACKEND.refusal(l), Optional.empty());
      assertTrue(!KernelTestbed.BACKEND.realisesFiltering(f), f.toString());
    }
    assertTrue(KernelTestbed.BACKEND.realisesFiltering(Dependency.ADDRESS_AND_PORT_DEPENDENT));
    for (Dependency f : Dependency.values()) {
      assertTrue(EmulatedTestbed.BACKEND.realisesFiltering(f), f.toString());
    }
  }

  @Test
  public void kernelPlacesAnIutBehindAForwardingNatButRefusesTwoNatsInARow() {
    assertEquals(
        KernelTestbed.BACKEND.refusal(
            new Testbed.Layout(List.of(), List.of(HOME), List.of(500, 4500))),
        Optional.empty());
    assertTrue(
        KernelTestbed.BACKEND
            .refusal(new Testbed.Layout(List.of(), List.of(HOME), List.of(4500)))
            .orElseThrow()
            .contains(
                "the kernel NAT backend needs exactly 'forward: [500, 4500]' (it has [4500])"));
    Testbed.Addressing a =
        KernelTestbed.BACKEND.addressing(
            new Testbed.Request(
                new Testbed.Layout(List.of(), List.of(HOME), List.of(500, 4500)),
                KernelTestbed.ip("198.51.100.2"),
                KernelTestbed.ip("10.9.0.1")));
    assertEquals(a.iutSeenAs(), KernelTestbed.ip("203.0.113.1"));
    assertEquals(a.harnessSeenAs(), KernelTestbed.ip("203.0.113.3"));
    Testbed.Nat cgn =
        nat("cgn", Dependency.ADDRESS_AND_PORT_DEPENDENT, Dependency.ADDRESS_AND_PORT_DEPENDENT);
    // two NATs in a row: the kernel backend builds them, not three, nor with further clients
    assertEquals(
        KernelTestbed.BACKEND.refusal(new Testbed.Layout(List.of(HOME, cgn), List.of())),
        Optional.empty());
    assertEquals(
        KernelTestbed.BACKEND
            .refusal(
                new Testbed.Layout(
                    List.of(
                        HOME,
                        cgn,
                        nat(
                            "isp",
                            Dependency.ADDRESS_AND_PORT_DEPENDENT,
                            Dependency.ADDRESS_AND_PORT_DEPENDENT)),
                    List.of()))
            .orElseThrow(),
        "more than two NATs in a row are not supported by the kernel NAT backend yet");
    assertTrue(
        KernelTestbed.BACKEND
            .refusal(new Testbed.Layout(List.of(HOME, cgn), List.of(), List.of(), 2))
            .orElseThrow()
            .contains("behind two NATs in a row"));
  }

  @Test
  public void buildRefusesBeforeTouchingTheSystem() {
    // refused before any root check or namespace: this runs as any user
    SetupException e =
        expectThrows(
            SetupException.class,
            () ->
                KernelTestbed.BACKEND.build(
                    new Testbed.Request(
                        new Testbed.Layout(List.of(), List.of(HOME)),
                        KernelTestbed.ip("198.51.100.2"),
                        KernelTestbed.ip("10.9.0.1"))));
    assertTrue(e.getMessage().contains("IUT behind NAT home is reached only"), e.getMessage());
  }

  @Test
  public void dependencyNamesAreThoseOfScenarioFiles() {
    for (Dependency d : Dependency.values()) {
      assertSame(Dependency.ofFileName(d.fileName()), d);
    }
    assertEquals(Dependency.ADDRESS_AND_PORT_DEPENDENT.fileName(), "address-and-port-dependent");
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> Dependency.ofFileName("full-cone"));
    assertTrue(e.getMessage().contains("full-cone"), e.getMessage());
  }
}
