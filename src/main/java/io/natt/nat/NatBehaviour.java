package io.natt.nat;

import java.time.Duration;

/**
 * How a NAT behaves, in the terms of RFC 4787. The kernel backend realises what Linux netfilter can
 * do and refuses the rest with a clear message.
 *
 * @param ports how the NAT picks the public source port
 * @param udpTimeout how long an idle UDP mapping lives
 */
public record NatBehaviour(PortAllocation ports, Duration udpTimeout) {
  /** Port allocation of a NAT (RFC 4787 section 4.2). */
  public enum PortAllocation {
    /** Keeps the private source port when it is free (Linux masquerade's default). */
    PRESERVE,
    /** Picks a random public port for every mapping, so port 500 never stays 500. */
    RANDOM
  }

  /** A home-router-like NAT that randomises ports, with a 30 s UDP timeout. */
  public static NatBehaviour randomising() {
    return new NatBehaviour(PortAllocation.RANDOM, Duration.ofSeconds(30));
  }

  public NatBehaviour {
    if (udpTimeout.isNegative() || udpTimeout.isZero()) {
      throw new IllegalArgumentException("udp-timeout must be positive, got " + udpTimeout);
    }
  }
}
