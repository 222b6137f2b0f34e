package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.nat.EmulatedTestbed;
import io.natt.nat.KernelTestbed;
import io.natt.scenario.Integration;
import io.natt.scenario.Runner;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import io.natt.wire.PacketView;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

/**
 * The harness as responder behind a NAT that forwards UDP 500 and 4500 to it, against the bundled
 * strongSwan on both NAT backends (root, namespaces): charon initiates to the NAT's public address,
 * the harness gets it at its private address, charon finds its peer behind a NAT from the harness's
 * NAT-D and floats; every judged requirement passes.
 */
public class HarnessBehindForwardingNatTest {
  static final Path SCENARIO =
      Path.of("testsuites/rfc3947/iut-initiates-to-harness-behind-nat.yaml");

  @Test
  public void charonInitiatesToTheNatsPublicAddressAndFloatsOnBothBackends() throws Exception {
    Integration.require();
    for (String backend : List.of(KernelTestbed.NAME, EmulatedTestbed.NAME)) {
      Runner.Outcome o = TwoClientsIntegrationTest.run(SCENARIO, backend);
      assertEquals(o.error(), Optional.empty(), backend);
      o.steps().forEach(r -> assertEquals(r.status(), Runner.Status.OK, backend + ": " + r));
      assertTrue(o.iutLog().contains("remote host is behind NAT"), backend + ": " + o.iutLog());
      TraceEntry first = firstIke(o, "nat-public");
      assertEquals(first.direction(), Direction.OBSERVED, backend);
      assertEquals(first.from().getAddress().getHostAddress(), "198.51.100.2", backend);
      assertEquals(first.to().getAddress().getHostAddress(), "198.51.100.1", backend);
      assertEquals(first.to().getPort(), 500, backend);
      TraceEntry atPeer = firstIke(o, Trace.PEER);
      assertEquals(atPeer.direction(), Direction.RECEIVED, backend);
      assertEquals(atPeer.to().getAddress().getHostAddress(), "10.0.1.2", backend);
      // the harness's answers leave the NAT from the forwarded ports
      assertTrue(
          o.trace().at("nat-public").stream()
              .filter(e -> e.from().getAddress().getHostAddress().equals("198.51.100.1"))
              .allMatch(e -> e.from().getPort() == 500 || e.from().getPort() == 4500),
          backend);
      List<Judgement> all = Judge.judge(o.trace(), MutantTest.CATALOG, o.scenario().judges());
      for (String id : o.scenario().judges()) {
        Judgement j = all.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        assertEquals(j.verdict(), Verdict.PASS, backend + ": " + id + ": " + j.reason());
      }
    }
  }

  private static TraceEntry firstIke(Runner.Outcome o, String point) {
    return o.trace().at(point).stream()
        .filter(e -> e.view() instanceof PacketView.Ike)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no IKE at " + point));
  }
}
