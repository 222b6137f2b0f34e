package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.iut.TargetLoader;
import io.natt.iut.TargetProfile;
import io.natt.nat.EmulatedTestbed;
import io.natt.nat.KernelTestbed;
import io.natt.scenario.Integration;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.trace.Direction;
import io.natt.trace.TraceEntry;
import io.natt.wire.PacketView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.testng.annotations.Test;

/**
 * Further clients and fragment-dropping NATs against the bundled strongSwan, on both NAT backends
 * (root, namespaces): two clients behind a port-preserving NAT each get a tunnel of their own from
 * a public port of their own; and a fragment-dropping NAT stalls phase 1 when Main Mode message 5
 * exceeds the MTU and the harness does not use IKE fragmentation.
 */
public class TwoClientsIntegrationTest {
  static final Path PRESERVING = Path.of("testsuites/rfc3947/two-clients-port-preserving-nat.yaml");

  static Runner.Outcome run(Path file, String backend) throws Exception {
    TargetProfile target =
        TargetLoader.load(
            Path.of("testsuites/targets/bundled-strongswan.yaml"), new SecureRandom());
    Scenario s = ScenarioLoader.load(file, MutantTest.CATALOG.ids());
    Path out = io.natt.testutil.TempDirs.create("natt-clients-");
    return Runner.run(s, target, new Runner.IutLaunch.Bundled(), backend, out, l -> {});
  }

  /** The public source ports of IKE messages the NAT's public side saw leave, from 10.0.1.x. */
  static Set<Integer> ikeSourcePorts(Runner.Outcome o, String clientPoint) {
    Set<Integer> out = new TreeSet<>();
    for (TraceEntry e : o.trace().at(clientPoint)) {
      if (e.direction() == Direction.RECEIVED && e.view() instanceof PacketView.Ike) {
        out.add(e.to().getPort());
      }
    }
    return out;
  }

  @Test
  public void twoClientsBehindAPortPreservingNatEachGetTheirOwnTunnel() throws Exception {
    Integration.require();
    for (String backend : List.of(KernelTestbed.NAME, EmulatedTestbed.NAME)) {
      Runner.Outcome o = run(PRESERVING, backend);
      assertEquals(o.error(), Optional.empty(), backend);
      for (Runner.StepResult r : o.steps()) {
        assertEquals(r.status(), Runner.Status.OK, backend + ": " + r);
      }
      assertTrue(o.trace().context().points().contains("client-2"), backend);
      List<TraceEntry> c2 = o.trace().at("client-2");
      assertTrue(
          c2.stream()
              .anyMatch(
                  e ->
                      e.direction() == Direction.RECEIVED
                          && e.view() instanceof PacketView.Esp esp
                          && esp.inner().isPresent()),
          backend + ": client 2 decrypted ESP of its own");
      // on the NAT's public side: the harness kept 500, client 2 could not
      Set<Integer> publicIkePorts = new TreeSet<>();
      for (TraceEntry e : o.trace().at("nat-public")) {
        if (e.direction() == Direction.OBSERVED
            && e.view() instanceof PacketView.Ike
            && e.to().getPort() == 500
            && e.from().getAddress().getHostAddress().equals("198.51.100.1")) {
          publicIkePorts.add(e.from().getPort());
        }
      }
      assertEquals(publicIkePorts.size(), 2, backend + ": " + publicIkePorts);
      assertTrue(publicIkePorts.contains(500), backend + ": " + publicIkePorts);
      // each client's own sockets: 500 and 4500 on its own private address
      assertEquals(ikeSourcePorts(o, "client-2"), Set.of(500, 4500), backend);
    }
  }

  /**
   * Two clients with 10.0.1.2 behind NATs of their own (RFC 3948 5.1): client 2's IKE reaches the
   * IUT from its own NAT's public address on both backends, both tunnels come up with the same
   * inner address, and the bundled strongSwan's known result (the first client's replies through
   * the newest CHILD_SA, to client 2) is what the check says.
   */
  @Test
  public void twoClientsWithOneAddressBehindTwoNats() throws Exception {
    Integration.require();
    Path file = Path.of("testsuites/rfc3948/two-clients-same-address.yaml");
    String id = "3948-5.1-overlapping-inner-address";
    for (String backend : List.of(KernelTestbed.NAME, EmulatedTestbed.NAME)) {
      Runner.Outcome o = run(file, backend);
      assertEquals(o.error(), Optional.empty(), backend);
      String point = backend.equals(KernelTestbed.NAME) ? "nat-2-public" : "nat-public";
      String natB = backend.equals(KernelTestbed.NAME) ? "203.0.113.12" : "198.51.100.12";
      assertTrue(
          o.trace().at(point).stream()
              .anyMatch(
                  e ->
                      e.view() instanceof PacketView.Ike
                          && e.from().getAddress().getHostAddress().equals(natB)),
          backend + ": client 2's IKE from its own NAT " + natB);
      for (String p : List.of(io.natt.trace.Trace.PEER, "client-2")) {
        assertTrue(
            o.trace().at(p).stream()
                .anyMatch(
                    e ->
                        e.direction() == Direction.SENT
                            && e.view() instanceof PacketView.Esp esp
                            && esp.inner().isPresent()
                            && esp.inner().get()[12] == 10
                            && esp.inner().get()[15] == 2),
            backend + ": " + p + " sends from 10.0.1.2 inside the tunnel");
      }
      io.natt.verdict.Judgement j =
          io.natt.verdict.Judge.judge(o.trace(), MutantTest.CATALOG, List.of(id)).stream()
              .filter(x -> x.id().equals(id))
              .findFirst()
              .orElseThrow();
      assertEquals(
          j.verdict().name(),
          TargetLoader.load(
                  Path.of("testsuites/targets/bundled-strongswan.yaml"), new SecureRandom())
              .knownResults()
              .get(id),
          backend + ": " + j);
    }
  }

  @Test
  public void twoNatsInARowOnBothBackends() throws Exception {
    Integration.require();
    for (String backend : List.of(KernelTestbed.NAME, EmulatedTestbed.NAME)) {
      Runner.Outcome o = run(Path.of("testsuites/rfc3947/two-nats-in-a-row.yaml"), backend);
      assertEquals(o.error(), Optional.empty(), backend);
      for (Runner.StepResult r : o.steps()) {
        assertEquals(r.status(), Runner.Status.OK, backend + ": " + r);
      }
      assertEquals(
          o.trace().context().points(), List.of("harness", "home-public", "nat-public"), backend);
      // between the NATs the harness is 172.16.0.2; on the carrier's public side 198.51.100.1
      assertTrue(
          o.trace().at("home-public").stream()
              .anyMatch(e -> e.from().getAddress().getHostAddress().equals("172.16.0.2")),
          backend);
      assertTrue(
          o.trace().at("nat-public").stream()
              .anyMatch(e -> e.from().getAddress().getHostAddress().equals("198.51.100.1")),
          backend);
      assertTrue(
          o.trace().at("nat-public").stream()
              .noneMatch(e -> e.from().getAddress().getHostAddress().startsWith("172.16.")),
          backend);
    }
  }

  @Test
  public void aFragmentDroppingNatStallsAnOversizedMessage5WithoutIkeFragmentation()
      throws Exception {
    Integration.require();
    String yaml =
        Files.readString(Path.of("testsuites/rfc3948/large-ike-fragments-dropped.yaml"))
            .replace("ike-fragmentation: true", "ike-fragmentation: false");
    Path file = io.natt.testutil.TempDirs.create("natt-frag-").resolve("no-ike-fragments.yaml");
    Files.writeString(file, yaml);
    for (String backend : List.of(KernelTestbed.NAME, EmulatedTestbed.NAME)) {
      Runner.Outcome o = run(file, backend);
      assertEquals(o.error(), Optional.empty(), backend);
      assertEquals(o.steps().get(0).status(), Runner.Status.FAILED, backend + ": " + o.steps());
      // message 5 left the harness whole but never reached the IUT's side of the NAT
      assertTrue(
          o.trace().at("nat-public").stream()
              .noneMatch(e -> e.view() instanceof PacketView.Ike i && i.header().encrypted()),
          backend + ": nothing encrypted passed the NAT");
    }
  }
}
