package io.natt.verdict;

import io.natt.trace.Direction;
import io.natt.trace.SaKeys;
import io.natt.trace.Trace;
import io.natt.trace.TraceContext;
import io.natt.trace.TraceEntry;
import io.natt.wire.Attribute;
import io.natt.wire.ExchangeType;
import io.natt.wire.Ike1Attr;
import io.natt.wire.IpsecAttr;
import io.natt.wire.KePayload;
import io.natt.wire.PacketView;
import io.natt.wire.SaPayload;
import io.natt.wire.VendorIdPayload;
import io.natt.wire.VendorIds;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a trace for the checks: the harness's Main Mode and Quick Mode messages, and
 * the packets the IUT sent, at the harness and at the observation point nearest to the IUT.
 */
final class IkeTraffic {
  private final Trace trace;
  private final TraceContext ctx;
  private final List<TraceEntry> peer;

  IkeTraffic(Trace trace) {
    this.trace = trace;
    this.ctx = trace.context();
    this.peer = trace.at(Trace.PEER);
  }

  TraceContext context() {
    return ctx;
  }

  List<TraceEntry> peer() {
    return peer;
  }

  /** Everything at the observation point nearest to the IUT, in time order. */
  List<TraceEntry> iutSide() {
    return trace.at(ctx.iutSidePoint());
  }

  boolean fromIut(TraceEntry e) {
    return e.from().getAddress().equals(ctx.iutAddress());
  }

  boolean toIut(TraceEntry e) {
    return e.to().getAddress().equals(ctx.iutAddress());
  }

  static Optional<PacketView.Ike> ike(TraceEntry e) {
    return e.view() instanceof PacketView.Ike i ? Optional.of(i) : Optional.empty();
  }

  /** Main Mode messages at the harness: sent ones are odd, received ones even. */
  List<TraceEntry> mainMode(Direction d) {
    return peer.stream()
        .filter(e -> e.direction() == d)
        .filter(
            e ->
                ike(e)
                    .map(i -> i.header().exchangeType() == ExchangeType.IDENTITY_PROTECTION.code())
                    .orElse(false))
        .toList();
  }

  /** Message 1 (sent) or 2 (received): the plaintext message carrying the SA. */
  Optional<TraceEntry> withSa(Direction d) {
    return mainMode(d).stream()
        .filter(e -> !ike(e).orElseThrow().all(SaPayload.class).isEmpty())
        .findFirst();
  }

  /** Message 3 (sent) or 4 (received): the plaintext message carrying KE. */
  Optional<TraceEntry> withKe(Direction d) {
    return mainMode(d).stream()
        .filter(e -> !ike(e).orElseThrow().all(KePayload.class).isEmpty())
        .findFirst();
  }

  /** Message 5 (sent) or 6 (received): the first encrypted Main Mode message. */
  Optional<TraceEntry> encryptedMainMode(Direction d) {
    return mainMode(d).stream().filter(e -> ike(e).orElseThrow().header().encrypted()).findFirst();
  }

  /** The Quick Mode messages the IUT sent, as decrypted by the harness. */
  List<TraceEntry> quickModeFromIut() {
    return peer.stream()
        .filter(e -> e.direction() == Direction.RECEIVED)
        .filter(
            e ->
                ike(e)
                    .map(
                        i ->
                            i.header().exchangeType() == ExchangeType.QUICK.code() && i.decrypted())
                    .orElse(false))
        .toList();
  }

  static boolean hasVid(TraceEntry e, byte[] vid) {
    return ike(e).orElseThrow().all(VendorIdPayload.class).stream()
        .anyMatch(v -> Arrays.equals(v.data(), vid));
  }

  static List<String> vids(TraceEntry e) {
    return ike(e).orElseThrow().all(VendorIdPayload.class).stream()
        .map(v -> VendorIds.name(v.data()))
        .toList();
  }

  /** The NAT-T variant both sides announced in messages 1 and 2: "RFC 3947", a draft, or none. */
  Optional<String> agreedNatT() {
    Optional<TraceEntry> m1 = withSa(Direction.SENT);
    Optional<TraceEntry> m2 = withSa(Direction.RECEIVED);
    if (m1.isEmpty() || m2.isEmpty()) {
      return Optional.empty();
    }
    if (hasVid(m1.get(), VendorIds.RFC3947) && hasVid(m2.get(), VendorIds.RFC3947)) {
      return Optional.of("RFC 3947");
    }
    for (byte[] d :
        List.of(
            VendorIds.DRAFT_IETF_IPSEC_NAT_T_IKE_02,
            VendorIds.DRAFT_IETF_IPSEC_NAT_T_IKE_02N,
            VendorIds.DRAFT_IETF_IPSEC_NAT_T_IKE_03)) {
      if (hasVid(m1.get(), d) && hasVid(m2.get(), d)) {
        return Optional.of(VendorIds.name(d));
      }
    }
    return Optional.empty();
  }

  /** The hash algorithm the IUT chose in message 2 ("SHA-1", "SHA-256", "MD5"). */
  Optional<String> negotiatedHash() {
    return withSa(Direction.RECEIVED)
        .flatMap(e -> ike(e).orElseThrow().all(SaPayload.class).stream().findFirst())
        .flatMap(sa -> sa.proposals().stream().findFirst())
        .flatMap(p -> p.transforms().stream().findFirst())
        .flatMap(
            t ->
                t.attributes().stream()
                    .filter(a -> a.type() == Ike1Attr.HASH_ALGORITHM)
                    .findFirst())
        .map(Attribute::longValue)
        .map(
            v ->
                switch (v.intValue()) {
                  case Ike1Attr.HASH_MD5 -> "MD5";
                  case Ike1Attr.HASH_SHA1 -> "SHA-1";
                  case Ike1Attr.HASH_SHA2_256 -> "SHA-256";
                  case Ike1Attr.HASH_SHA2_384 -> "SHA-384";
                  case Ike1Attr.HASH_SHA2_512 -> "SHA-512";
                  default -> "unknown(" + v + ")";
                });
  }

  /** The entry at the IUT side carrying the same UDP payload as {@code e} (the NAT keeps it). */
  Optional<TraceEntry> atIutSide(TraceEntry e) {
    if (e.point().equals(ctx.iutSidePoint())) {
      return Optional.of(e);
    }
    byte[] p = e.datagram().payload();
    return iutSide().stream().filter(o -> Arrays.equals(o.datagram().payload(), p)).findFirst();
  }

  /** Did the harness move to 4500 (send any IKE on 4500)? */
  Optional<TraceEntry> harnessFloat() {
    return peer.stream()
        .filter(e -> e.direction() == Direction.SENT && e.isIke() && e.from().getPort() == 4500)
        .findFirst();
  }

  /** ESP SPIs the harness negotiated (both directions). */
  List<Long> espSpis() {
    return trace.keys().stream()
        .filter(k -> k instanceof SaKeys.Esp)
        .map(k -> ((SaKeys.Esp) k).spi())
        .toList();
  }

  static String endpoint(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  static byte[] hash(String alg, byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance(alg);
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("no hash " + alg, e);
    }
  }

  static int encapsulationMode(SaPayload sa) {
    return sa.proposals().stream()
        .flatMap(p -> p.transforms().stream())
        .flatMap(t -> t.attributes().stream())
        .filter(a -> a.type() == IpsecAttr.ENCAPSULATION_MODE)
        .map(a -> (int) a.longValue())
        .findFirst()
        .orElse(-1);
  }
}
