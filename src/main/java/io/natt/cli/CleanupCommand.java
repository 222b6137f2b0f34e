package io.natt.cli;

import io.natt.iut.CommandIut;
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
          + " were killed, and the temporary folders (with key files) of their launch commands."
          + " Only namespaces and folders named natt-<pid>-*, natt-cmd-<pid>-* whose process is"
          + " gone are touched."
    })
final class CleanupCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    List<String> gone = new java.util.ArrayList<>(NetNs.removeLeftovers());
    CommandIut.removeLeftovers().forEach(d -> gone.add(d.toString()));
    System.out.println(
        gone.isEmpty()
            ? "nothing left over"
            : "removed " + gone.size() + ": " + String.join(" ", gone));
    return Main.OK;
  }
}
