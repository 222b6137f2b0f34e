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

  /** A Quick Mode answer of the IUT (with its SA), and the harness's request it answers. */
  private record Answer(TraceEntry entry, PacketView.Ike view, Optional<TraceEntry> requestEntry) {
    Optional<PacketView.Ike> request() {
      return requestEntry.flatMap(IkeTraffic::ike);
    }

    int mode() {
      return IkeTraffic.encapsulationMode(view.all(SaPayload.class).get(0));
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
      out.add(new Answer(e, v, req));
    }
    return out;
  }

  private static String modeName(int mode) {
    return mode + " (" + IpsecAttr.encapsulationName(mode) + ")";
  }

  /**
   * Where the IUT chose a transport mode: UDP-Encapsulated-Transport of the agreed variant when a
   * NAT lies between (the harness floated to 4500), plain Transport when none does (section 5.1:
   * UDP encapsulation SHOULD be used with a NAT and SHOULD NOT without). The harness offers the
   * mode its own NAT-D found; when that offer and the float disagree (a knob), the trace cannot
   * tell whether there is a NAT: INCONCLUSIVE.
   */
  static Judgement transportEncapsulationMode(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> transport =
        answers(x).stream().filter(a -> IpsecAttr.isTransport(a.mode())).toList();
    if (transport.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT chose no transport mode in Quick Mode");
    }
    boolean nat = x.harnessFloat().isPresent();
    Optional<NatTVariant> variant = x.agreedNatT();
    List<Evidence> wrong = new ArrayList<>();
    for (Answer a : transport) {
      int offered =
          a.request()
              .map(q -> IkeTraffic.encapsulationMode(q.all(SaPayload.class).get(0)))
              .orElse(-1);
      if (offered != -1 && IpsecAttr.isUdpTransport(offered) != nat) {
        return Judgement.inconclusive(
            r,
            "the harness offered mode "
                + modeName(offered)
                + (nat ? " although it floated to 4500" : " without floating to 4500")
                + " (a knob): the trace does not tell whether a NAT lies between");
      }
      int mode = a.mode();
      boolean ok =
          nat
              ? (variant.isPresent()
                  ? mode == variant.get().udpTransportMode()
                  : IpsecAttr.isUdpTransport(mode))
              : mode == IpsecAttr.TRANSPORT;
      if (!ok) {
        wrong.add(
            Evidence.of(
                a.entry().ref(),
                nat
                    ? "UDP-Encapsulated-Transport "
                        + variant.map(v -> String.valueOf(v.udpTransportMode())).orElse("4/61444")
                        + " (a NAT was detected: the harness floated)"
                    : "Transport 2 (no NAT between: the harness stayed on 500)",
                modeName(mode)));
      }
    }
    return Judgement.byFindings(
        r,
        wrong,
        "Quick Mode chose "
            + (nat ? "UDP-Encapsulated-Transport with a NAT between" : "plain Transport, no NAT"),
        nat
            ? "with a NAT between, the IUT chose a transport mode other than UDP-Encapsulated-Transport"
            : "without a NAT between, the IUT still chose UDP-Encapsulated-Transport");
  }

  /** With UDP-Encapsulated-Transport chosen, the answer carries NAT-OAi and NAT-OAr (5.2). */
  static Judgement natOaSent(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> udp = answers(x).stream().filter(a -> IpsecAttr.isUdpTransport(a.mode())).toList();
    if (udp.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT chose no UDP-Encapsulated-Transport mode");
    }
    List<Evidence> wrong = new ArrayList<>();
    for (Answer a : udp) {
      if (a.natOa().size() < 2) {
        wrong.add(
            Evidence.of(
                a.entry().ref(),
                "NAT-OAi and NAT-OAr with mode " + modeName(a.mode()),
                a.natOa().size() + " NAT-OA payloads (" + a.view().summary() + ")"));
      }
    }
    return Judgement.byFindings(
        r,
        wrong,
        "every Quick Mode answer with UDP-Encapsulated-Transport carries NAT-OAi and NAT-OAr",
        "the IUT chose UDP-Encapsulated-Transport without sending both original addresses");
  }

  /**
   * The responder's NAT-OAi is the initiator's address as the responder perceives it (5.2: behind a
   * NAT, the NAT's public address), which is the source of the harness's Quick Mode message 1 at
   * the observation point nearest to the IUT. Echoing the initiator's own NAT-OAi (its private
   * address) gives the initiator nothing to fix its checksums with.
   */
  static Judgement natOaInitiatorAddress(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> udp =
        answers(x).stream()
            .filter(a -> IpsecAttr.isUdpTransport(a.mode()) && !a.natOa().isEmpty())
            .toList();
    if (udp.isEmpty()) {
      return Judgement.notApplicable(
          r, "the IUT sent no NAT-OA with a UDP-Encapsulated-Transport answer");
    }
    List<Evidence> wrong = new ArrayList<>();
    for (Answer a : udp) {
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
        "NAT-OAi names the initiator's address as the IUT perceived it",
        "the IUT's NAT-OAi is not the initiator's address as the IUT perceived it");
  }

  /**
   * NAT-OA only with UDP-Encapsulated-Transport: the responder MUST send it only then (5.2), and in
   * tunnel mode neither end should send original addresses.
   */
  static Judgement natOaNotInTunnel(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Answer> other =
        answers(x).stream().filter(a -> !IpsecAttr.isUdpTransport(a.mode())).toList();
    if (other.isEmpty()) {
      return Judgement.notApplicable(
          r, "no Quick Mode answer of the IUT with a mode other than UDP-Encapsulated-Transport");
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
