package io.natt.scenario;

import io.natt.esp.EspSa;
import io.natt.wire.IdPayload;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ESP SA pairs the emulated IUT installed, oldest first, each with the peer it belongs to: the
 * endpoint it sent to when the pair was installed and the peer's Quick Mode identity (its side of
 * the policy). An ESP packet is opened by the pair of its SPI and answered through that same pair
 * (what keeps two clients with one private address apart, RFC 3948 section 5.1); the deviation
 * overlap-newest-sa answers through {@link #newestCovering} instead.
 */
final class IutSaPairs {
  /**
   * One installed pair.
   *
   * @param remote where the peer was when the pair was installed
   * @param peerId the peer's Quick Mode identity (ID_ci of the Quick Mode it started, ID_cr of one
   *     the IUT started), or null when unknown (every inner address then belongs to it)
   */
  record Pair(EspSa in, EspSa out, InetSocketAddress remote, IdPayload peerId) {
    /** Whether {@code address} (IPv4, 4 bytes) lies in the peer's identity. */
    boolean covers(byte[] address) {
      return IutSaPairs.covers(peerId, address);
    }
  }

  private final List<Pair> pairs = new ArrayList<>();

  synchronized void add(Pair p) {
    pairs.add(p);
  }

  /** The pair whose inbound SPI the ESP packet {@code esp} carries, if any. */
  synchronized Optional<Pair> forSpi(byte[] esp) {
    if (esp.length < 4) {
      return Optional.empty();
    }
    long spi =
        ((esp[0] & 0xffL) << 24)
            | ((esp[1] & 0xffL) << 16)
            | ((esp[2] & 0xffL) << 8)
            | (esp[3] & 0xffL);
    for (int k = pairs.size() - 1; k >= 0; k--) {
      if (pairs.get(k).in().spi() == spi) {
        return Optional.of(pairs.get(k));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code p} is the newest pair (the one of the current IKE SA). */
  synchronized boolean isNewest(Pair p) {
    return !pairs.isEmpty() && pairs.get(pairs.size() - 1) == p;
  }

  /** The newest pair whose peer identity covers {@code address}, if any (a naive SPD's choice). */
  synchronized Optional<Pair> newestCovering(byte[] address) {
    for (int k = pairs.size() - 1; k >= 0; k--) {
      if (pairs.get(k).covers(address)) {
        return Optional.of(pairs.get(k));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code address} lies in the identity {@code id} (ID_IPV4_ADDR or ID_IPV4_ADDR_SUBNET);
   * true for a null or any other identity.
   */
  static boolean covers(IdPayload id, byte[] address) {
    if (id == null) {
      return true;
    }
    byte[] d = id.data();
    if (id.idType() == IdPayload.ID_IPV4_ADDR && d.length == 4) {
      return java.util.Arrays.equals(d, address);
    }
    if (id.idType() == IdPayload.ID_IPV4_ADDR_SUBNET && d.length == 8) {
      for (int k = 0; k < 4; k++) {
        if ((address[k] & d[4 + k]) != (d[k] & d[4 + k])) {
          return false;
        }
      }
      return true;
    }
    return true;
  }
}
