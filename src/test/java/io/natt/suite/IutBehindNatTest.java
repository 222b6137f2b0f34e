package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.natt.ike.Knobs;
import io.natt.nat.EmulatedTestbed;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.verdict.Judge;
import io.natt.verdict.Judgement;
import io.natt.verdict.Verdict;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.testng.annotations.Test;

/**
 * The IUT behind a NAT that forwards its ports, in a whole run (in memory, no root, the emulated
 * IUT): the harness's peer talks only to the NAT's public address, its NAT-D for the IUT hashes
 * that address, the emulated IUT therefore finds itself behind a NAT, and the trace knows both the
 * public view and the IUT's own address.
 */
public class IutBehindNatTest {
  static final InetAddress PUBLIC = ip("203.0.113.1");
  static final InetAddress OWN = ip("198.51.100.2");

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Runner.Outcome run(String file, Path out) {
    Scenario s = ScenarioLoader.load(Path.of(file), MutantTest.CATALOG.ids());
    return Runner.run(
        s,
        MutantTest.target(),
        new Runner.IutLaunch.Emulated(Knobs.rfc3947()),
        EmulatedTestbed.IN_MEMORY,
        out,
        l -> {});
  }

  @Test
  public void thePeerTalksOnlyToTheNatsPublicAddressAndTheChecksPass() throws Exception {
    for (String file :
        List.of(
            "testsuites/rfc3947/iut-behind-nat-forwarded.yaml",
            "testsuites/rfc3947/both-behind-nats.yaml")) {
      Path dir = io.natt.testutil.TempDirs.create("natt-iut-behind-");
      Runner.Outcome o = run(file, dir);
      assertEquals(o.error(), java.util.Optional.empty(), file);
      assertEquals(o.trace().context().iutAddress(), PUBLIC);
      assertEquals(o.trace().context().iutOwnAddress(), OWN);
      assertTrue(o.trace().context().iutBehindNat());
      List<TraceEntry> peer = o.trace().at(Trace.PEER);
      assertTrue(peer.size() > 10, file + ": " + peer.size());
      for (TraceEntry e : peer) {
        InetAddress other =
            e.direction() == Direction.SENT ? e.to().getAddress() : e.from().getAddress();
        assertEquals(other, PUBLIC, file + ": " + e.ref());
      }
      // no observation point shows the IUT's own address
      for (String point : o.trace().context().points()) {
        for (TraceEntry e : o.trace().at(point)) {
          assertTrue(
              !e.from().getAddress().equals(OWN) && !e.to().getAddress().equals(OWN),
              file + " " + point + ": " + e.ref());
        }
      }
      // the emulated IUT found itself behind the NAT from the harness's NAT-D
      assertTrue(o.iutStatus().contains("localBehindNat=true"), o.iutStatus());
      Scenario s = ScenarioLoader.load(Path.of(file), MutantTest.CATALOG.ids());
      for (Judgement j : Judge.judge(o.trace(), MutantTest.CATALOG, s.judges())) {
        if (s.judges().contains(j.id())) {
          assertEquals(j.verdict(), Verdict.PASS, file + " " + j.id() + ": " + j.reason());
        } else {
          assertTrue(
              j.verdict() == Verdict.PASS || j.verdict() == Verdict.NOT_APPLICABLE,
              file + " " + j.id() + ": " + j.verdict() + " " + j.reason());
        }
      }
    }
  }
}
