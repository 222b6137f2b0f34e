package io.natt.iut;

import io.natt.sys.SetupException;

/** The IUT a target profile's {@code launch} asks for. */
public final class Iuts {
  private Iuts() {}

  /**
   * How to start the target's IUT: {@code strongswan} is the bundled strongSwan, {@code { command:
   * ... }} any daemon ({@link CommandIut}); a target without {@code launch} is a remote device,
   * which the project does not start (its before-each hook runs instead).
   */
  public static Iut.Launcher launcher(TargetProfile target) {
    if (target.launchesStrongSwan()) {
      return StrongSwan::start;
    }
    if (target.launchesCommand()) {
      return CommandIut::start;
    }
    if (target.isRemote()) {
      return RemoteDevice::start;
    }
    throw new SetupException(
        "target " + target.name() + ": launch: " + target.launch() + " is not supported");
  }

  /** The target's implementation and version as far as the harness knows it without a run. */
  public static String version(TargetProfile target) {
    if (target.launchesCommand()) {
      return CommandIut.version(target.command());
    }
    if (target.isRemote()) {
      return "remote device, version " + RemoteDevice.version(target);
    }
    if (!target.launchesStrongSwan()) {
      return "version not known to the harness";
    }
    return StrongSwan.charonVersion();
  }
}
