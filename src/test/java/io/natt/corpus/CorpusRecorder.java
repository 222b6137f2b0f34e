package io.natt.corpus;

import io.natt.iut.TargetLoader;
import io.natt.iut.TargetProfile;
import io.natt.scenario.Integration;
import io.natt.scenario.Runner;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.trace.TraceFile;
import io.natt.verdict.Catalog;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * Records the corpus's real traces: runs scenario files against the bundled strongSwan through the
 * kernel NAT (the project's own harness) and stores each trace under
 * src/test/resources/corpus/recorded/. Not part of the normal build; run it on purpose with
 *
 * <pre>
 * mvn -q test -Dtest=CorpusRecorder -Dnatt.recordCorpus=true -Djacoco.skip=true
 * </pre>
 *
 * <p>With {@code -Dnatt.recordOnly=name} (a scenario file name, e.g. am-float-behind-nat) it
 * records only that one and leaves the other stored traces as they are.
 */
public class CorpusRecorder {
  static final List<String> SCENARIOS =
      List.of(
          "testsuites/rfc3947/after-float-new-main-mode.yaml",
          "testsuites/rfc3947/after-float-ikev2-sa-init.yaml",
          "testsuites/rfc3947/after-float-unknown-sa-quick-mode.yaml",
          "testsuites/rfc3948/replay-recorded-traffic.yaml",
          "testsuites/rfc3947/delete-then-liveness.yaml",
          "testsuites/rfc3948/keepalive-from-harness.yaml",
          "testsuites/rfc3947/start-on-4500.yaml",
          "testsuites/rfc3947/both-behind-nats.yaml",
          "testsuites/rfc3948/iut-behind-nat-keepalive.yaml",
          "testsuites/rfc3947/am-float-behind-nat.yaml",
          "testsuites/rfc3948/iut-keepalive-interval.yaml",
          "testsuites/rfc3948/keepalive-moves-nothing.yaml",
          "testsuites/rfc3948/rebind-followed-by-ike.yaml",
          "testsuites/rfc3947/two-clients-initial-contact.yaml",
          "testsuites/rfc3947/two-clients-shared-identity-initial-contact.yaml");

  @Test
  public void record() {
    if (!Boolean.getBoolean("natt.recordCorpus")) {
      throw new SkipException("records the corpus only with -Dnatt.recordCorpus=true");
    }
    Integration.require();
    Catalog catalog = Catalog.load(Path.of("testsuites/requirements.yaml"));
    TargetProfile target =
        TargetLoader.load(
            Path.of("testsuites/targets/bundled-strongswan.yaml"), new SecureRandom());
    String only = System.getProperty("natt.recordOnly", "");
    for (String f : SCENARIOS) {
      if (!only.isEmpty() && !f.endsWith("/" + only + ".yaml")) {
        continue;
      }
      Scenario s = ScenarioLoader.load(Path.of(f), catalog.ids());
      Runner.Outcome o =
          Runner.run(s, target, Path.of("target/corpus-runs", s.id()), System.out::println);
      if (o.error().isPresent()) {
        throw new AssertionError(f + ": " + o.error().get());
      }
      TraceFile.write(
          o.trace(),
          "recorded against the bundled strongSwan (" + f + "): " + s.title(),
          Path.of("src/test/resources/corpus/recorded", s.id() + ".trace"));
    }
  }
}
