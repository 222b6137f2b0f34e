package io.natt.nat;

import io.natt.sys.SetupException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The testbed backends by name, written out (no scanning). */
public final class Testbeds {
  /** The backend used when none is chosen. */
  public static final String DEFAULT = KernelTestbed.NAME;

  private static final Map<String, Testbed.Backend> BACKENDS = backends();

  private Testbeds() {}

  private static Map<String, Testbed.Backend> backends() {
    Map<String, Testbed.Backend> m = new LinkedHashMap<>();
    m.put(KernelTestbed.BACKEND.name(), KernelTestbed.BACKEND);
    return m;
  }

  /** The names users can choose from. */
  public static List<String> names() {
    return List.copyOf(BACKENDS.keySet());
  }

  /** The backend of that name; a SetupException naming the choices when there is none. */
  public static Testbed.Backend backend(String name) {
    Testbed.Backend b = BACKENDS.get(name);
    if (b == null) {
      throw new SetupException(
          "unknown NAT backend '" + name + "': choose one of " + String.join(", ", names()));
    }
    return b;
  }
}
