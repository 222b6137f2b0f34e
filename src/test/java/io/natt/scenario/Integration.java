package io.natt.scenario;

import io.natt.iut.StrongSwan;
import io.natt.sys.Exec;
import java.util.ArrayList;
import java.util.List;
import org.testng.SkipException;

/**
 * Gate for tests that need root, network namespaces and strongSwan. Under CI=true a missing
 * prerequisite fails the test loudly; elsewhere it skips with the reason.
 */
public final class Integration {
  private Integration() {}

  public static void require() {
    if (Boolean.getBoolean("natt.skipIntegration") && !"true".equals(System.getenv("CI"))) {
      throw new SkipException("integration tests switched off (-Dnatt.skipIntegration=true)");
    }
    List<String> missing = new ArrayList<>();
    Exec.Result id = Exec.run("id", "-u");
    if (!id.ok() || !id.output().trim().equals("0")) {
      missing.add("root");
    }
    for (String tool : List.of("ip", "nft", "ethtool", "conntrack", "swanctl", StrongSwan.CHARON)) {
      if (!Exec.available(tool)) {
        missing.add(tool);
      }
    }
    if (!missing.isEmpty()) {
      String why = "integration test needs " + missing + " (run bin/install-deps as root)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("CI=true but " + why);
      }
      throw new SkipException(why);
    }
  }
}
