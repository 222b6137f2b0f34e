package io.natt.testutil;

import io.natt.iut.TargetLoader;
import io.natt.iut.TargetProfile;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;

/**
 * The bundled target's addresses, identities, key and keepalive interval for tests that play the
 * IUT themselves (the emulated IUT) or only write charon's configuration: not launched by the
 * profile, and without strongSwan's known results.
 */
public final class BundledTarget {
  private BundledTarget() {}

  /** With the profile's own claims. */
  public static TargetProfile withoutKnownResults() {
    return withClaims(null);
  }

  /** With these claims instead of the profile's (null: the profile's). */
  public static TargetProfile withClaims(Set<String> claims) {
    TargetProfile t =
        TargetLoader.load(
            Path.of("testsuites/targets/bundled-strongswan.yaml"), new SecureRandom());
    TargetProfile.Builder b = t.toBuilder();
    b.launch = "";
    b.knownResults = Map.of();
    if (claims != null) {
      b.claims = claims;
    }
    return b.build();
  }
}
