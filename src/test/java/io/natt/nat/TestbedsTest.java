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
  public void kernelIsTheDefaultAndTheOnlyBackendSoFar() {
    assertEquals(Testbeds.DEFAULT, "kernel");
    assertEquals(Testbeds.names(), List.of("kernel"));
    assertSame(Testbeds.backend("kernel"), KernelTestbed.BACKEND);
  }

  @Test
  public void anUnknownBackendNamesTheChoices() {
    SetupException e = expectThrows(SetupException.class, () -> Testbeds.backend("netem"));
    assertEquals(e.getMessage(), "unknown NAT backend 'netem': choose one of kernel");
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
  public void kernelRefusesOtherFilteringWithTheNatsName() {
    for (Dependency f : List.of(Dependency.ENDPOINT_INDEPENDENT, Dependency.ADDRESS_DEPENDENT)) {
      Testbed.Layout l =
          new Testbed.Layout(List.of(nat("cgn", Dependency.ENDPOINT_INDEPENDENT, f)), List.of());
      assertEquals(
          KernelTestbed.BACKEND.refusal(l).orElseThrow(),
          "NAT cgn: the kernel backend filters by address and port (netfilter conntrack);"
              + " filtering: "
              + f.fileName()
              + " is not supported by it");
    }
  }

  @Test
  public void kernelRefusesAnIutBehindANatAndTwoNatsInARow() {
    assertEquals(
        KernelTestbed.BACKEND
            .refusal(new Testbed.Layout(List.of(), List.of(HOME), List.of(500, 4500)))
            .orElseThrow(),
        "an IUT behind a NAT is not supported by the kernel NAT backend yet");
    assertEquals(
        KernelTestbed.BACKEND
            .refusal(
                new Testbed.Layout(
                    List.of(
                        HOME,
                        nat(
                            "cgn",
                            Dependency.ADDRESS_AND_PORT_DEPENDENT,
                            Dependency.ADDRESS_AND_PORT_DEPENDENT)),
                    List.of()))
            .orElseThrow(),
        "two NATs in a row are not supported by the kernel backend yet");
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
    assertTrue(e.getMessage().contains("IUT behind a NAT"), e.getMessage());
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
