package io.natt.wire;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One UDP datagram as a host sent or received it: its addresses as that host sees them, its
 * payload, and when.
 *
 * @param monoNanos a monotonic timestamp (System.nanoTime) for ordering and intervals
 */
public record Datagram(
    InetSocketAddress from, InetSocketAddress to, byte[] payload, Instant time, long monoNanos) {
  public static Datagram now(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
    return new Datagram(from, to, payload.clone(), Instant.now(), System.nanoTime());
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  public int length() {
    return payload.length;
  }

  @Override
  public String toString() {
    return from.getAddress().getHostAddress()
        + ":"
        + from.getPort()
        + " > "
        + to.getAddress().getHostAddress()
        + ":"
        + to.getPort()
        + " len "
        + payload.length;
  }
}
