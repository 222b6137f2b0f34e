package io.natt.ike;

import io.natt.wire.NatTVariant;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Named deviations of the harness's peer from the normal RFC 3947/3948 path. The defaults are the
 * compliant behaviour; scenarios change one knob to provoke a case.
 *
 * @param vendorIds the NAT-T vendor IDs to send in Main Mode message 1, by name (see {@link
 *     VendorIdChoice})
 * @param natD how the NAT-D payloads are built
 * @param floatAt when to move from port 500 to 4500
 * @param encapsulationMode the encapsulation-mode attribute offered in Quick Mode
 * @param keepaliveInterval how often to send NAT-keepalives while behind a NAT (zero: never)
 * @param keepaliveByte the byte a keepalive carries (RFC 3948: 0xFF)
 * @param deviations further single-requirement deviations, mostly for an emulated IUT (mutants)
 */
public record Knobs(
    List<VendorIdChoice> vendorIds,
    NatDMode natD,
    FloatMode floatAt,
    int encapsulationMode,
    Duration keepaliveInterval,
    int keepaliveByte,
    Set<Deviation> deviations) {

  public Knobs {
    vendorIds = List.copyOf(vendorIds);
    deviations = deviations.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(deviations));
  }

  /** Knobs without further deviations. */
  public Knobs(
      List<VendorIdChoice> vendorIds,
      NatDMode natD,
      FloatMode floatAt,
      int encapsulationMode,
      Duration keepaliveInterval,
      int keepaliveByte) {
    this(vendorIds, natD, floatAt, encapsulationMode, keepaliveInterval, keepaliveByte, Set.of());
  }

  /**
   * Deviations that each break exactly one requirement. Those marked (IUT) are honoured by the
   * emulated IUT (the responder); the others by both sides.
   */
  public enum Deviation {
    /** IKE on port 4500 without the non-ESP marker. */
    NO_MARKER(true),
    /** Port 500 instead of 0 in the Main Mode identity payload. */
    ID_PORT_500(true),
    /** (IUT) Answers IKE to port 500 of the sender's address instead of its source port. */
    REPLY_TO_PORT_500(false),
    /** NAT-keepalives from and to port 500 instead of 4500. */
    KEEPALIVE_ON_500(true),
    /** (IUT) Drops the ESP it receives: no echo replies. */
    NO_ESP_ECHO(false),
    /** (IUT) Ignores a new negotiation that starts on port 4500. */
    IGNORE_4500_START(false),
    /** (IUT) Keeps sending to the first NAT mapping after the peer's port changed. */
    IGNORE_REBINDING(false),
    /** (IUT) Sends its ESP-in-UDP from port 500. */
    ESP_FROM_500(false),
    /** (IUT) Answers nothing at all: an unreachable device, for the harness's ERROR path. */
    SILENT(false),
    /** (IUT) Sends its ESP-in-UDP with the SPI field zero. */
    ESP_SPI_ZERO(false),
    /** (IUT) Accepts inner packets from any source, not only the peer's Quick Mode identity. */
    NO_INNER_SOURCE_CHECK(false),
    /**
     * (IUT) Chooses (as responder) or offers (as initiator) UDP-Encapsulated-Transport without
     * sending NAT-OAi and NAT-OAr.
     */
    NAT_OA_OMITTED(false),
    /** (IUT) Sends NAT-OAi and NAT-OAr also when it chose a tunnel mode. */
    NAT_OA_IN_TUNNEL(false),
    /**
     * (IUT) Sends its NAT-OA payloads (as responder or initiator) with ID type ID_FQDN and non-zero
     * reserved bytes.
     */
    NAT_OA_MALFORMED(false),
    /**
     * (IUT) Answers Quick Mode with its transform twice: the chosen mode and its plain twin; as
     * initiator, offers its UDP-encapsulated transform together with its plain twin.
     */
    MIXED_MODES(false),
    /** (IUT) Sends back the initiator's own NAT-OA payloads instead of the addresses it sees. */
    NAT_OA_ECHOED(false),
    /**
     * (IUT) Sends NAT-OAr before NAT-OAi (as responder or initiator): the two addresses swapped.
     */
    NAT_OA_SWAPPED(false),
    /**
     * (IUT) Sends its NAT-D payloads with the RFC 3947 type (20) whatever variant was agreed: a
     * draft vendor ID answered with the RFC's payload types.
     */
    RFC_NATD_WITH_DRAFT_VID(false),
    /**
     * (IUT) Takes the peer for being behind a NAT when any one of its local NAT-D hashes does not
     * match (instead of when none matches), and then answers a plain mode offer in Quick Mode with
     * UDP encapsulation.
     */
    NAT_WHEN_ANY_HASH_DIFFERS(false),
    /**
     * (IUT) After the float, answers a Main or Aggressive Mode message that arrives on port 500
     * with the IKE SA's cookies (with its last phase-1 answer, on 500) instead of dropping it.
     */
    ANSWER_STALE_PHASE1(false),
    /** (IUT) Moves its peer's endpoint to the source of a NAT-keepalive (not authenticated). */
    FOLLOW_KEEPALIVES(false),
    /** (IUT) Follows the initiator to a new endpoint on ESP, but not on authenticated IKE. */
    IGNORE_IKE_REBINDING(false),
    /**
     * (IUT) Follows the peer to a new address or port on authenticated packets also when its own
     * NAT-D found it behind a NAT and the peer not (RFC 3947 section 7: the host behind the NAT
     * must not).
     */
    FOLLOW_BEHIND_NAT(false),
    /** (IUT) Counts a NAT-keepalive as proof of life: its dead-peer detection never times out. */
    KEEPALIVE_AS_LIVENESS(false),
    /**
     * (IUT) Sends what goes into the tunnel by the inner destination address alone, through the
     * newest ESP SA whose peer identity covers it (a naive SPD): with two clients of one private
     * address (RFC 3948 section 5.1), the first client's replies go to the second.
     */
    OVERLAP_NEWEST_SA(false),
    /**
     * (IUT) On INITIAL-CONTACT removes every IKE SA (and its ESP SAs) of the sender's address
     * instead of those of the sender's identity: a second client behind the same NAT throws the
     * first one out (RFC 3947 section 6 forbids it).
     */
    INITIAL_CONTACT_BY_ADDRESS(false),
    /**
     * (IUT) Does not act on INITIAL-CONTACT: the older SAs of the same ID stay (RFC 3947 section 6
     * recommends removing them).
     */
    INITIAL_CONTACT_IGNORED(false);

    private final boolean byHarness;

    Deviation(boolean byHarness) {
      this.byHarness = byHarness;
    }

    /** The word used in scenario files, e.g. no-marker. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * Whether that side acts on it: the emulated IUT honours every deviation, the harness's
     * initiator only those not marked (IUT).
     */
    public boolean honouredBy(Side side) {
      if (side == Side.HARNESS_RESPONDER) {
        return BY_HARNESS_RESPONDER.contains(this);
      }
      return side == Side.IUT || byHarness;
    }
  }

  /**
   * The deviations the harness's responder acts on when the harness is the responder (those of the
   * responder engine, and the peer's keepalive-on-500); the emulated IUT's ESP deviations are not
   * among them.
   */
  private static final Set<Deviation> BY_HARNESS_RESPONDER =
      EnumSet.of(
          Deviation.NO_MARKER,
          Deviation.ID_PORT_500,
          Deviation.REPLY_TO_PORT_500,
          Deviation.KEEPALIVE_ON_500,
          Deviation.IGNORE_4500_START,
          Deviation.IGNORE_REBINDING);

  /** Who the knobs are given to: the harness's peer (the initiator) or the emulated IUT. */
  public enum Side {
    /** The harness's peer, the initiator (a scenario's harness.knobs). */
    HARNESS("the harness (the initiator)"),
    /** The emulated IUT, a responder (a mutant's iut-knobs). */
    IUT("the emulated IUT (a responder)"),
    /** The harness's peer as the responder (a scenario's harness.knobs with role: responder). */
    HARNESS_RESPONDER("the harness as responder");

    private final String words;

    Side(String words) {
      this.words = words;
    }

    @Override
    public String toString() {
      return words;
    }
  }

  public boolean has(Deviation d) {
    return deviations.contains(d);
  }

  public Knobs withDeviations(Set<Deviation> d) {
    return new Knobs(
        vendorIds, natD, floatAt, encapsulationMode, keepaliveInterval, keepaliveByte, d);
  }

  public Knobs withKeepaliveByte(int b) {
    return new Knobs(vendorIds, natD, floatAt, encapsulationMode, keepaliveInterval, b, deviations);
  }

  /** Which NAT-T vendor IDs the peer announces. */
  public enum VendorIdChoice {
    RFC3947(NatTVariant.RFC3947),
    DRAFT_02(NatTVariant.DRAFT_02),
    DRAFT_02N(NatTVariant.DRAFT_02N),
    DRAFT_03(NatTVariant.DRAFT_03),
    DRAFT_00(NatTVariant.DRAFT_00),
    DRAFT_01(NatTVariant.DRAFT_01),
    DRAFT_04(NatTVariant.DRAFT_04),
    DRAFT_05(NatTVariant.DRAFT_05),
    DRAFT_06(NatTVariant.DRAFT_06),
    DRAFT_07(NatTVariant.DRAFT_07),
    DRAFT_08(NatTVariant.DRAFT_08);

    private final NatTVariant variant;

    VendorIdChoice(NatTVariant variant) {
      this.variant = variant;
    }

    /** The NAT-T variant (vendor ID, payload types, modes) this choice announces. */
    public NatTVariant variant() {
      return variant;
    }
  }

  /** How the peer builds its NAT-D payloads. */
  public enum NatDMode {
    /** The real addresses and ports, remote first (RFC 3947 section 3.2). */
    HONEST,
    /** A local hash that cannot match, to make the IUT believe the harness is behind a NAT. */
    FORCE_ENCAPSULATION,
    /** Both hashes with a flipped bit. */
    CORRUPT,
    /** No NAT-D at all. */
    OMIT,
    /** The honest pair plus one more local hash, of an address the peer does not have. */
    EXTRA_LOCAL
  }

  /** When the peer moves to port 4500. */
  public enum FloatMode {
    /** At Main Mode message 5, when a NAT was detected (RFC 3947 section 4). */
    AT_MESSAGE_5,
    /** Never: everything stays on port 500. */
    NEVER,
    /** Too early: already Main Mode message 3 goes to 4500 (with the marker). */
    EARLY,
    /** Everything, from Main Mode message 1 on, on port 4500 with the marker. */
    START_ON_4500;

    /**
     * Whether that side acts on it: the initiator knows every mode; the responder follows the
     * initiator's float or, with never, keeps answering on 500 (early and start-on-4500 are things
     * only an initiator does).
     */
    public boolean honouredBy(Side side) {
      return side == Side.HARNESS || this == AT_MESSAGE_5 || this == NEVER;
    }
  }

  /** The compliant RFC 3947 peer. */
  public static Knobs rfc3947() {
    return new Knobs(
        List.of(VendorIdChoice.RFC3947),
        NatDMode.HONEST,
        FloatMode.AT_MESSAGE_5,
        3,
        Duration.ofSeconds(20),
        0xFF);
  }

  public Knobs withKeepaliveInterval(Duration d) {
    return new Knobs(vendorIds, natD, floatAt, encapsulationMode, d, keepaliveByte, deviations);
  }

  public Knobs withVendorIds(List<VendorIdChoice> v) {
    return new Knobs(
        List.copyOf(v),
        natD,
        floatAt,
        encapsulationMode,
        keepaliveInterval,
        keepaliveByte,
        deviations);
  }

  public Knobs withNatD(NatDMode m) {
    return new Knobs(
        vendorIds, m, floatAt, encapsulationMode, keepaliveInterval, keepaliveByte, deviations);
  }

  public Knobs withFloatAt(FloatMode f) {
    return new Knobs(
        vendorIds, natD, f, encapsulationMode, keepaliveInterval, keepaliveByte, deviations);
  }

  public Knobs withEncapsulationMode(int mode) {
    return new Knobs(vendorIds, natD, floatAt, mode, keepaliveInterval, keepaliveByte, deviations);
  }
}
