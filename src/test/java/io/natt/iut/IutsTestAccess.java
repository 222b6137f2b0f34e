package io.natt.iut;

/** A plain remote target for tests in other packages (no remote settings yet). */
public final class IutsTestAccess {
  private IutsTestAccess() {}

  public static TargetProfile target() throws Exception {
    return IutsTest.target("");
  }
}
