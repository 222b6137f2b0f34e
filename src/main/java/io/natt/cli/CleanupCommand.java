package io.natt.cli;

import io.natt.sys.NetNs;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Removes what a killed run left behind. */
@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    description = {
      "Removes network namespaces (and the charon processes inside them) left by natt runs that"
          + " were killed. Only namespaces named natt-<pid>-* whose process is gone are touched."
    })
final class CleanupCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    List<String> gone = NetNs.removeLeftovers();
    System.out.println(
        gone.isEmpty()
            ? "nothing left over"
            : "removed " + gone.size() + ": " + String.join(" ", gone));
    return Main.OK;
  }
}
