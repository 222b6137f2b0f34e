package io.natt.verdict;

import static io.natt.verdict.IkeTraffic.ike;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.Attribute;
import io.natt.wire.ExchangeType;
import io.natt.wire.IdPayload;
import io.natt.wire.IpsecAttr;
import io.natt.wire.NatOaPayload;
import io.natt.wire.NatTVariant;
import io.natt.wire.PacketView;
import io.natt.wire.SaPayload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RFC 3947 section 5: the encapsulation mode Quick Mode selects and the NAT-OA payloads (NAT
 * original addresses) that go with transport mode. Each check judges the Quick Mode messages the
 * IUT sent, as the harness decrypted them, and pairs an answer with the harness's request by
 * message ID.
 */
final class QuickModeChecks {
  private QuickModeChecks() {}

  /**
   * A Quick Mode message of the IUT with its SA: an answer (message 2) with the harness's request
   * it answers, or, where the IUT sent message 1 itself ({@code iutStarted}: it initiated, or it
   * rekeys), its own offer.
   */
  private record Answer(
      TraceEntry entry,
      PacketView.Ike view,
      Optional<TraceEntry> requestEntry,
      boolean iutStarted) {
    Optional<PacketView.Ike> request() {
      return requestEntry.flatMap(IkeTraffic::ike);
    }

    /** The mode of the first transform: the one an answer chose. */
    int mode() {
      return IkeTraffic.encapsulationMode(view.all(SaPayload.class).get(0));
    }

    /** Every encapsulation mode in the SA: what an offer proposes. */
    List<Integer> modes() {
      return view.all(SaPayload.class).stream()
          .flatMap(sa -> sa.proposals().stream())
          .flatMap(p -> p.transforms().stream())
          .flatMap(tr -> tr.attribute(IpsecAttr.ENCAPSULATION_MODE).stream())
          .map(a -> (int) a.longValue())
          .toList();
    }

    /** An answer that chose UDP-Encapsulated-Transport, or an offer that proposes it. */
    boolean udpTransport() {
      return iutStarted
          ? modes().stream().anyMatch(IpsecAttr::isUdpTransport)
          : IpsecAttr.isUdpTransport(mode());
    }

    String what() {
      return iutStarted ? "offer (Quick Mode message 1)" : "answer (Quick Mode message 2)";
    }

    List<NatOaPayload> natOa() {
      return view.all(NatOaPayload.class);
    }
  }

  /** The IUT's decrypted Quick Mode messages with an SA (its answers; or its own offers). */
  private static List<Answer> answers(IkeTraffic x) {
    List<Answer> out = new ArrayList<>();
    for (TraceEntry e : x.quickModeFromIut()) {
      PacketView.Ike v = ike(e).orElseThrow();
      if (v.all(SaPayload.class).isEmpty()) {
        continue;
      }
      long mid = v.header().messageId();
      Optional<TraceEntry> req =
          x.peer().stream()
              .filter(
                  s ->
                      s.direction() == Direction.SENT
                          && s.datagram().monoNanos() <= e.datagram().monoNanos())
              .filter(
                  s ->
                      ike(s)
                          .map(
                              i ->
                                  i.decrypted()
                                      && i.header().exchangeType() == ExchangeType.QUICK.code()
                                      && i.header().messageId() == mid
                                      && !i.all(SaPayload.class).isEmpty())
                          .orElse(false))
              .reduce((a, b) -> b);
      out.add(new Answer(e, v, req, startedByIut(x, mid)));
    }
    return out;
  }

  /** Whether the first Quick Mode message with this message ID at the harness came from the IUT. */
  private static boolean startedByIut(IkeTraffic x, long mid) {
    return x.peer().stream()
        .filter(s -> s.direction() == Direction.SENT || s.direction() == Direction.RECEIVED)
        .filter(
            s ->
                ike(s)
                    .map(
                        i ->
                            i.header().exchangeType() == ExchangeType.QUICK.code()
                                && i.header().messageId() == mid)
                    .orElse(false))
        .findFirst()
        .map(s -> s.direction() == Direction.RECEIVED)
        .orElse(false);
  }

  private static String modeName(int mode) {
    return mode + " (" + IpsecAttr.encapsulationName(mode) + ")";
  }

  /**
   * Where the IUT chose a transport mode: UDP-Encapsulated-Transport of the agreed variant when a
   * NAT lies between, plain Transport when none does (section 5.1: UDP encapsulation SHOULD be used
   * with a NAT and SHOULD NOT without). As responder the IUT's answer is judged, a NAT shown by the
   * harness's float; the harness offers the mode its own NAT-D found, and when that offer and the
   * float disagree (a knob), the trace cannot tell whether there is a NAT: INCONCLUSIVE. As
   * initiator its offer is judged (it must propose the right transport mode), a NAT shown by the
   * NAT-D it received ({@link IkeTraffic#initiatorNat}); an IUT that forces encapsulation (its own
   * NAT-D fakes a NAT that is not there) has its own reason, which the trace cannot judge.
   */
  static Judgement transportEncapsulationMode(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> transport =
        answers(x).stream()
            .filter(
                a ->
                    a.iutStarted()
                        ? a.modes().stream().anyMatch(IpsecAttr::isTransport)
                        : IpsecAttr.isTransport(a.mode()))
            .toList();
    if (transport.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT chose or offered no transport mode in Quick Mode");
    }
    boolean nat = x.harnessFloat().isPresent();
    String natWhy =
        nat
            ? "a NAT was detected: the harness floated"
            : "no NAT between: the harness stayed on 500";
    if (x.iutInitiated()) {
      IkeTraffic.InitiatorNat seen = x.initiatorNat();
      if (seen.view() == null) {
        return Judgement.inconclusive(r, seen.why());
      }
      if (seen.view() == IkeTraffic.NatView.FORCED) {
        return Judgement.notApplicable(r, seen.why() + "; the trace cannot judge that choice");
      }
      nat = seen.view() == IkeTraffic.NatView.NAT;
      natWhy = seen.why();
    }
    Optional<NatTVariant> variant = x.agreedNatT();
    int udp = variant.map(NatTVariant::udpTransportMode).orElse(-1);
    List<Evidence> wrong = new ArrayList<>();
    for (Answer a : transport) {
      int offered =
          a.request()
              .map(q -> IkeTraffic.encapsulationMode(q.all(SaPayload.class).get(0)))
              .orElse(-1);
      if (!a.iutStarted() && offered != -1 && IpsecAttr.isUdpTransport(offered) != nat) {
        return Judgement.inconclusive(
            r,
            "the harness offered mode "
                + modeName(offered)
                + (nat ? " although it floated to 4500" : " without floating to 4500")
                + " (a knob): the trace does not tell whether a NAT lies between");
      }
      List<Integer> modes = a.iutStarted() ? a.modes() : List.of(a.mode());
      boolean ok =
          nat
              ? modes.stream()
                  .anyMatch(m -> variant.isPresent() ? m == udp : IpsecAttr.isUdpTransport(m))
              : modes.contains(IpsecAttr.TRANSPORT);
      if (!ok) {
        wrong.add(
            Evidence.of(
                a.entry().ref(),
                (nat
                        ? "UDP-Encapsulated-Transport "
                            + variant
                                .map(v -> String.valueOf(v.udpTransportMode()))
                                .orElse("4/61444")
                        : "Transport 2")
                    + " in the IUT's "
                    + a.what()
                    + " ("
                    + natWhy
                    + ")",
                "modes " + modes.stream().map(QuickModeChecks::modeName).toList()));
      }
    }
    return Judgement.byFindings(
        r,
        wrong,
        "Quick Mode "
            + (x.iutInitiated() ? "offers of the IUT (the initiator) propose " : "chose ")
            + (nat ? "UDP-Encapsulated-Transport with a NAT between" : "plain Transport, no NAT"),
        nat
            ? "with a NAT between, the IUT chose or offered a transport mode other than"
                + " UDP-Encapsulated-Transport"
            : "without a NAT between, the IUT still chose or offered UDP-Encapsulated-Transport");
  }

  /**
   * NAT-OAi and NAT-OAr go with UDP-Encapsulated-Transport (5.2): in the responder's answer that
   * selected it, and in the initiator's offer that proposes it ("The initiator MUST send the
   * payloads if it proposes any UDP-Encapsulated-Transport mode").
   */
  static Judgement natOaSent(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> udp = answers(x).stream().filter(Answer::udpTransport).toList();
    if (udp.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT chose or offered no UDP-Encapsulated-Transport");
    }
    List<Evidence> wrong = new ArrayList<>();
    for (Answer a : udp) {
      if (a.natOa().size() < 2) {
        wrong.add(
            Evidence.of(
                a.entry().ref(),
                "NAT-OAi and NAT-OAr in the IUT's " + a.what() + " with UDP-Encapsulated-Transport",
                a.natOa().size() + " NAT-OA payloads (" + a.view().summary() + ")"));
      }
    }
    return Judgement.byFindings(
        r,
        wrong,
        "every Quick Mode "
            + (udp.stream().allMatch(Answer::iutStarted) ? "offer" : "answer")
            + " of the IUT with UDP-Encapsulated-Transport carries NAT-OAi and NAT-OAr",
        "the IUT chose or offered UDP-Encapsulated-Transport without sending both original"
            + " addresses");
  }

  /**
   * NAT-OAi names the initiator's address (5.2). As responder the IUT's NAT-OAi is the initiator's
   * address as it perceives it (behind a NAT, the NAT's public address), which is the source of the
   * harness's Quick Mode message 1 at the observation point nearest to the IUT; echoing the
   * initiator's own NAT-OAi (its private address) gives the initiator nothing to fix its checksums
   * with. As initiator the IUT's NAT-OAi is its own address and its NAT-OAr the responder's address
   * as it sees it (where it sent its Quick Mode message 1).
   */
  static Judgement natOaInitiatorAddress(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> udp =
        answers(x).stream().filter(a -> a.udpTransport() && !a.natOa().isEmpty()).toList();
    if (udp.isEmpty()) {
      return Judgement.notApplicable(
          r, "the IUT sent no NAT-OA with UDP-Encapsulated-Transport chosen or offered");
    }
    List<Evidence> wrong = new ArrayList<>();
    for (Answer a : udp) {
      if (a.iutStarted()) {
        initiatorAddresses(x, a).ifPresent(wrong::add);
        continue;
      }
      Optional<TraceEntry> seen = a.requestEntry().flatMap(x::atIutSide);
      if (seen.isEmpty()) {
        return Judgement.inconclusive(
            r,
            "the harness's Quick Mode message 1 was not seen at "
                + x.context().iutSidePoint()
                + ", so the address the IUT perceived is unknown");
      }
      byte[] perceived = seen.get().from().getAddress().getAddress();
      byte[] oai = a.natOa().get(0).address();
      if (!java.util.Arrays.equals(perceived, oai)) {
        wrong.add(
            Evidence.of(
                a.entry().ref(),
                "NAT-OAi "
                    + IdPayload.formatAddress(perceived)
                    + " (the harness as the IUT saw it, "
                    + seen.get().ref()
                    + ")",
                "NAT-OAi " + IdPayload.formatAddress(oai)));
      }
    }
    return Judgement.byFindings(
        r,
        wrong,
        "NAT-OAi names the initiator's address ("
            + (udp.stream().allMatch(Answer::iutStarted)
                ? "the IUT's own, and NAT-OAr the harness as the IUT sent to it"
                : "as the IUT perceived it")
            + ")",
        "the IUT's NAT-OA payloads do not name the initiator's and the responder's addresses as"
            + " RFC 3947 5.2 defines them");
  }

  /**
   * The IUT as initiator: NAT-OAi its own address (the context's, behind a forwarding NAT the
   * private one), NAT-OAr the harness's address where the IUT sent its offer (as the harness sees
   * it when no NAT is in front of the harness, else as seen nearest to the IUT); empty when right.
   */
  private static Optional<Evidence> initiatorAddresses(IkeTraffic x, Answer a) {
    byte[] own = x.context().iutOwnAddress().getAddress();
    Optional<byte[]> harness =
        x.context().harnessBehindNat()
            ? x.atIutSide(a.entry()).map(e -> e.to().getAddress().getAddress())
            : Optional.of(a.entry().to().getAddress().getAddress());
    List<NatOaPayload> oa = a.natOa();
    boolean oaiOk = java.util.Arrays.equals(oa.get(0).address(), own);
    boolean oarOk =
        oa.size() < 2
            || harness.isEmpty()
            || java.util.Arrays.equals(oa.get(1).address(), harness.get());
    if (oaiOk && oarOk) {
      return Optional.empty();
    }
    return Optional.of(
        Evidence.of(
            a.entry().ref(),
            "NAT-OAi "
                + IdPayload.formatAddress(own)
                + " (the IUT's own address)"
                + harness
                    .map(h -> ", NAT-OAr " + IdPayload.formatAddress(h) + " (where it sent to)")
                    .orElse(""),
            oa.stream()
                .map(p -> "NAT-OA " + IdPayload.formatAddress(p.address()))
                .toList()
                .toString()));
  }

  /**
   * NAT-OA only with UDP-Encapsulated-Transport: the responder MUST send it only then (5.2), and in
   * tunnel mode neither end should send original addresses. Only the IUT's answers are judged: of
   * an initiator RFC 3947 asks NAT-OA when it proposes UDP-Encapsulated-Transport (and allows it
   * with a tunnel mode proposed beside), and otherwise only that it SHOULD NOT send them in tunnel
   * mode, which is not this MUST.
   */
  static Judgement natOaNotInTunnel(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> other =
        answers(x).stream()
            .filter(a -> !a.iutStarted() && !IpsecAttr.isUdpTransport(a.mode()))
            .toList();
    if (other.isEmpty()) {
      return Judgement.notApplicable(
          r,
          "no Quick Mode answer of the IUT with a mode other than UDP-Encapsulated-Transport"
              + (x.iutInitiated() ? " (the IUT initiated: it sent offers, not answers)" : ""));
    }
    List<Evidence> wrong = new ArrayList<>();
    for (Answer a : other) {
      if (!a.natOa().isEmpty()) {
        wrong.add(
            Evidence.of(
                a.entry().ref(),
                "no NAT-OA with mode " + modeName(a.mode()),
                a.natOa().size() + " NAT-OA payloads"));
      }
    }
    return Judgement.byFindings(
        r,
        wrong,
        "no NAT-OA in the " + other.size() + " Quick Mode answer(s) without UDP transport",
        "the IUT sent NAT-OA payloads although it did not choose UDP-Encapsulated-Transport");
  }

  /**
   * Every NAT-OA of the IUT: ID_IPV4_ADDR (4 bytes) or ID_IPV6_ADDR (16), reserved zero, and of the
   * agreed variant's payload type (21 for RFC 3947, 131 for the drafts).
   */
  static Judgement natOaFormat(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Evidence> wrong = new ArrayList<>();
    Optional<NatTVariant> variant = x.agreedNatT();
    int seen = 0;
    for (TraceEntry e : x.quickModeFromIut()) {
      for (NatOaPayload p : ike(e).orElseThrow().all(NatOaPayload.class)) {
        seen++;
        if (variant.isPresent() && p.type() != variant.get().natOaType()) {
          wrong.add(
              Evidence.of(
                  e.ref(),
                  "NAT-OA payload type "
                      + variant.get().natOaType()
                      + " ("
                      + variant.get().displayName()
                      + ")",
                  "type " + p.type()));
        }
        if (!p.addressLengthValid() || !p.reservedZero()) {

          wrong.add(
              Evidence.of(
                  e.ref(),
                  "ID_IPV4_ADDR with 4 bytes or ID_IPV6_ADDR with 16, reserved bytes zero",
                  IdPayload.idTypeName(p.idType())
                      + " with "
                      + p.address().length
                      + " bytes, reserved "
                      + String.format("%06x", p.reserved())));
        }
      }
    }
    if (seen == 0) {
      return Judgement.notApplicable(r, "the IUT sent no NAT-OA payload");
    }
    return Judgement.byFindings(
        r,
        wrong,
        "all " + seen + " NAT-OA payloads of the IUT are well formed",
        "the IUT sent a NAT-OA payload of the wrong ID type or with reserved bits set");
  }

  /**
   * An SA the IUT sends in Quick Mode never holds plain (1, 2) and UDP-encapsulated (3, 4, 61443,
   * 61444) modes together (5.1: an initiator SHOULD NOT offer both; an answer names one).
   */
  static Judgement noMixedModes(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> all = answers(x);
    if (all.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT sent no SA in Quick Mode");
    }
    List<Evidence> wrong = new ArrayList<>();
    for (Answer a : all) {
      List<Integer> modes = new ArrayList<>();
      for (SaPayload sa : a.view().all(SaPayload.class)) {
        sa.proposals().stream()
            .flatMap(p -> p.transforms().stream())
            .flatMap(tr -> tr.attribute(IpsecAttr.ENCAPSULATION_MODE).stream())
            .map(Attribute::longValue)
            .forEach(v -> modes.add(v.intValue()));
      }
      boolean plain =
          modes.stream().anyMatch(m -> m == IpsecAttr.TUNNEL || m == IpsecAttr.TRANSPORT);
      boolean udp = modes.stream().anyMatch(IpsecAttr::isUdpEncapsulated);
      if (plain && udp) {
        wrong.add(
            Evidence.of(
                a.entry().ref(), "plain or UDP-encapsulated modes, not both", "modes " + modes));
      }
    }
    return Judgement.byFindings(
        r,
        wrong,
        "no Quick Mode SA of the IUT mixes plain and UDP-encapsulated modes",
        "a Quick Mode SA of the IUT mixes plain and UDP-encapsulated modes");
  }
}
