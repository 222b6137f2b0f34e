package io.natt.ike;

import io.natt.wire.NatDPayload;
import io.natt.wire.NatTVariant;
import io.natt.wire.Payload;
import io.natt.wire.VendorIdPayload;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * RFC 3947 NAT-T negotiation for one IKE SA, the same for both roles and both phase-1 modes: the
 * vendor IDs a side announces, the variant both agree on, the NAT-D payloads it sends (as the knobs
 * build them) and what the peer's NAT-D payloads reveal.
 */
public final class NatTNegotiation {
  private final Knobs knobs;
  private NatTVariant variant;
  private NatDetection detection = NatDetection.NONE;

  public NatTNegotiation(Knobs knobs) {
    this.knobs = knobs;
  }

  /** The vendor-ID payloads the knobs announce, in their order. */
  public List<Payload> vendorIdPayloads() {
    List<Payload> out = new ArrayList<>();
    for (Knobs.VendorIdChoice v : knobs.vendorIds()) {
      out.add(new VendorIdPayload(v.variant().vendorId()));
    }
    return out;
  }

  /**
   * Agrees on a variant from the peer's vendor IDs: RFC 3947 when both announce it, else the first
   * draft of this side's list that the peer announced. Returns the agreed variant.
   */
  public Optional<NatTVariant> agree(List<VendorIdPayload> theirs) {
    List<NatTVariant> order = new ArrayList<>();
    List<Knobs.VendorIdChoice> ours = knobs.vendorIds();
    if (ours.contains(Knobs.VendorIdChoice.RFC3947)) {
      order.add(NatTVariant.RFC3947);
    }
    ours.stream()
        .filter(c -> c != Knobs.VendorIdChoice.RFC3947)
        .forEach(c -> order.add(c.variant()));
    variant = null;
    detection = NatDetection.NONE;
    for (NatTVariant v : order) {
      if (theirs.stream().anyMatch(p -> v.announcedBy(p.data()))) {
        variant = v;
        detection = new NatDetection(v.displayName(), false, false);
        break;
      }
    }
    return variant();
  }

  public Optional<NatTVariant> variant() {
    return Optional.ofNullable(variant);
  }

  public boolean agreed() {
    return variant != null;
  }

  /** What NAT-D revealed so far ("none" and no NAT before any agreement). */
  public NatDetection detection() {
    return detection;
  }

  /**
   * The NAT-D payloads to send: first the hash of the peer as this side sees it ({@code remote}),
   * then this side's own ({@code local}), built as the knob nat-d asks. {@code notAnAddress} is an
   * address this side does not have, for the knob extra-local; {@code note} hears what a knob
   * changed.
   */
  public List<Payload> natDPayloads(
      Phase1Session s,
      InetSocketAddress remote,
      InetSocketAddress local,
      byte[] notAnAddress,
      SecureRandom random,
      Consumer<String> note) {
    int type =
        knobs.has(Knobs.Deviation.RFC_NATD_WITH_DRAFT_VID)
            ? NatTVariant.RFC3947.natDType()
            : variant.natDType();
    if (type != variant.natDType()) {
      note.accept(
          "NAT-D of type " + type + " under " + variant + " (deviation rfc-natd-with-draft-vid)");
    }
    byte[] remoteHash = s.natDHash(remote);
    byte[] localHash = s.natDHash(local);
    switch (knobs.natD()) {
      case OMIT:
        note.accept("no NAT-D (knob nat-d: omit)");
        return List.of();
      case FORCE_ENCAPSULATION:
        localHash = new byte[localHash.length];
        random.nextBytes(localHash);
        note.accept("random local NAT-D hash (knob nat-d: force-encapsulation)");
        break;
      case CORRUPT:
        remoteHash[0] ^= 1;
        localHash[0] ^= 1;
        note.accept("NAT-D hashes with a flipped bit (knob nat-d: corrupt)");
        break;
      case EXTRA_LOCAL:
        return List.of(
            new NatDPayload(type, remoteHash),
            new NatDPayload(type, localHash),
            new NatDPayload(type, s.natDHash(notAnAddress, local.getPort())));
      case HONEST:
      default:
        break;
    }
    return List.of(new NatDPayload(type, remoteHash), new NatDPayload(type, localHash));
  }

  /**
   * Reads the peer's NAT-D payloads (its hash of this side first, then its own): this side is
   * behind a NAT when the first does not match {@code me}; the peer is when none of the others
   * matches {@code peer}. Returns and remembers the detection.
   */
  public NatDetection verify(
      Phase1Session s, List<NatDPayload> received, InetSocketAddress me, InetSocketAddress peer) {
    byte[] ourHash = s.natDHash(me);
    byte[] itsHash = s.natDHash(peer);
    boolean localBehind = !java.util.Arrays.equals(received.get(0).hash(), ourHash);
    boolean remoteBehind =
        knobs.has(Knobs.Deviation.NAT_WHEN_ANY_HASH_DIFFERS)
            ? received.stream().skip(1).anyMatch(n -> !java.util.Arrays.equals(n.hash(), itsHash))
            : received.stream().skip(1).noneMatch(n -> java.util.Arrays.equals(n.hash(), itsHash));
    detection = new NatDetection(detection.natTVariant(), localBehind, remoteBehind);
    return detection;
  }
}
