package io.natt.nat;

import java.time.Duration;
import java.util.Locale;

/**
 * How a NAT behaves, in the terms of RFC 4787. Each testbed backend realises what it can and says
 * why not for the rest ({@link Testbed.Backend#refusal}).
 *
 * @param mapping when the NAT reuses a public mapping (RFC 4787 section 4.1)
 * @param filtering which inbound packets a mapping lets through (RFC 4787 section 5)
 * @param ports how the NAT picks the public source port
 * @param udpTimeout how long an idle UDP mapping lives
 */
public record NatBehaviour(
    Dependency mapping, Dependency filtering, PortAllocation ports, Duration udpTimeout) {
  /**
   * What a mapping or a filter depends on besides the internal endpoint (RFC 4787 sections 4.1 and
   * 5): nothing, the remote address, or the remote address and port.
   */
  public enum Dependency {
    ENDPOINT_INDEPENDENT,
    ADDRESS_DEPENDENT,
    ADDRESS_AND_PORT_DEPENDENT;

    /** The name scenario files use, e.g. "address-and-port-dependent". */
    public String fileName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The value of a scenario file's name for it; IllegalArgumentException when there is none. */
    public static Dependency ofFileName(String name) {
      for (Dependency d : values()) {
        if (d.fileName().equals(name)) {
          return d;
        }
      }
      throw new IllegalArgumentException(
          "not a NAT mapping or filtering behaviour: "
              + name
              + " (endpoint-independent, address-dependent, address-and-port-dependent)");
    }
  }

  /** Port allocation of a NAT (RFC 4787 section 4.2). */
  public enum PortAllocation {
    /** Keeps the private source port when it is free (Linux masquerade's default). */
    PRESERVE,
    /** Picks a random public port for every mapping, so port 500 never stays 500. */
    RANDOM
  }

  /**
   * A home-router-like NAT that randomises ports per mapping, filters by address and port, with a
   * 30 s UDP timeout.
   */
  public static NatBehaviour randomising() {
    return new NatBehaviour(
        Dependency.ADDRESS_AND_PORT_DEPENDENT,
        Dependency.ADDRESS_AND_PORT_DEPENDENT,
        PortAllocation.RANDOM,
        Duration.ofSeconds(30));
  }

  public NatBehaviour {
    if (mapping == null || filtering == null || ports == null || udpTimeout == null) {
      throw new IllegalArgumentException(
          "a NAT behaviour needs mapping, filtering, ports, timeout");
    }
    if (udpTimeout.isNegative() || udpTimeout.isZero()) {
      throw new IllegalArgumentException("udp-timeout must be positive, got " + udpTimeout);
    }
  }
}
