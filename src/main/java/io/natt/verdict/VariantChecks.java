package io.natt.verdict;

import static io.natt.verdict.IkeTraffic.ike;

import io.natt.trace.Direction;
import io.natt.trace.TraceEntry;
import io.natt.wire.ExchangeType;
import io.natt.wire.IpsecAttr;
import io.natt.wire.NatTVariant;
import io.natt.wire.PacketView;
import io.natt.wire.Payload;
import io.natt.wire.SaPayload;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks on which NAT-T variant (RFC 3947 or one of the drafts before it) the IUT speaks: what it
 * answers to the vendor IDs the harness announced, and whether the payload types and modes it then
 * uses belong to that variant.
 */
final class VariantChecks {
  private VariantChecks() {}

  /** The variants whose vendor ID {@code e} carries, in the registry's order. */
  static List<NatTVariant> announced(TraceEntry e) {
    List<NatTVariant> out = new ArrayList<>();
    for (NatTVariant v : NatTVariant.values()) {
      if (IkeTraffic.hasVid(e, v.vendorId())) {
        out.add(v);
      }
    }
    return out;
  }

  private static Set<Integer> natDTypes() {
    Set<Integer> s = new TreeSet<>();
    for (NatTVariant v : NatTVariant.values()) {
      s.add(v.natDType());
    }
    return s;
  }

  private static Set<Integer> natOaTypes() {
    Set<Integer> s = new TreeSet<>();
    for (NatTVariant v : NatTVariant.values()) {
      s.add(v.natOaType());
    }
    return s;
  }

  private static boolean udpMode(int mode) {
    return mode != IpsecAttr.TUNNEL && mode != IpsecAttr.TRANSPORT && mode != -1;
  }

  /**
   * The IUT answers the NAT-T vendor IDs of message 1 with a variant the harness announced (or with
   * none), and then uses only that variant's NAT-D and NAT-OA payload types and UDP-encapsulation
   * modes: a draft vendor ID with the RFC's payload types (or the reverse), two kinds of NAT-D in
   * one message, or NAT-T payloads without any agreed variant are findings. A UDP-encapsulated mode
   * the harness itself offered in Quick Mode is the harness's choice and is not held against the
   * IUT.
   */
  static Judgement oneVariant(io.natt.trace.Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Optional<TraceEntry> m1 = x.withSa(Direction.SENT);
    if (m1.isEmpty()) {
      return Judgement.notApplicable(r, "the harness started no phase 1 in this trace");
    }
    List<NatTVariant> offered = announced(m1.get());
    if (offered.isEmpty()) {
      return Judgement.notApplicable(r, "the harness announced no NAT-T variant in message 1");
    }
    Optional<TraceEntry> m2 = x.withSa(Direction.RECEIVED);
    if (m2.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT never answered message 1");
    }
    List<NatTVariant> answered = announced(m2.get());
    List<NatTVariant> common = new ArrayList<>(answered);
    common.retainAll(offered);
    Set<Integer> okNatD = new LinkedHashSet<>();
    Set<Integer> okNatOa = new LinkedHashSet<>();
    Set<Integer> okModes = new LinkedHashSet<>();
    for (NatTVariant v : common) {
      okNatD.add(v.natDType());
      okNatOa.add(v.natOaType());
      okModes.addAll(v.udpModes());
    }
    String agreed =
        "the harness announced "
            + offered
            + ", the IUT answered "
            + (answered.isEmpty() ? "no NAT-T vendor ID" : answered.toString());
    List<Evidence> wrong = new ArrayList<>();
    int used = 0;
    Set<Integer> natDFamily = natDTypes();
    for (TraceEntry e : x.mainMode(Direction.RECEIVED)) {
      PacketView.Ike i = ike(e).orElseThrow();
      Set<Integer> types = new TreeSet<>();
      for (Payload p : i.payloads()) {
        if (natDFamily.contains(p.type())) {
          types.add(p.type());
        }
      }
      if (types.isEmpty()) {
        continue;
      }
      used++;
      boolean ok = types.size() == 1 && okNatD.containsAll(types);
      if (!ok) {
        wrong.add(
            Evidence.of(
                e.ref(),
                okNatD.isEmpty()
                    ? "no NAT-D (no NAT-T variant agreed)"
                    : "NAT-D of type " + okNatD + " only",
                "NAT-D of type " + types));
      }
    }
    Set<Integer> natOaFamily = natOaTypes();
    Set<Integer> harnessModes = harnessQuickModeModes(x);
    for (TraceEntry e : x.quickModeFromIut()) {
      PacketView.Ike i = ike(e).orElseThrow();
      Set<Integer> oa = new TreeSet<>();
      for (Payload p : i.payloads()) {
        if (natOaFamily.contains(p.type())) {
          oa.add(p.type());
        }
      }
      if (!oa.isEmpty()) {
        used++;
        if (!(oa.size() == 1 && okNatOa.containsAll(oa))) {
          wrong.add(
              Evidence.of(
                  e.ref(),
                  okNatOa.isEmpty() ? "no NAT-OA" : "NAT-OA of type " + okNatOa + " only",
                  "NAT-OA of type " + oa));
        }
      }
      for (SaPayload sa : i.all(SaPayload.class)) {
        int mode = IkeTraffic.encapsulationMode(sa);
        if (!udpMode(mode)) {
          continue;
        }
        used++;
        if (!okModes.contains(mode) && !harnessModes.contains(mode)) {
          wrong.add(
              Evidence.of(
                  e.ref(),
                  okModes.isEmpty()
                      ? "a plain mode (no NAT-T variant agreed)"
                      : "encapsulation mode " + okModes,
                  IpsecAttr.encapsulationName(mode)
                      + " ("
                      + mode
                      + "), not offered by the harness"));
        }
      }
    }
    if (!wrong.isEmpty()) {
      return Judgement.fail(
          r, agreed + ", and then used payload types or modes of another variant", wrong);
    }
    if (common.isEmpty()) {
      return Judgement.pass(
          r, agreed + "; it used no NAT-T payload or mode, as it agreed no variant", List.of());
    }
    if (used == 0) {
      return Judgement.notApplicable(
          r, agreed + ", but sent no NAT-D, NAT-OA or UDP-encapsulated mode to judge");
    }
    return Judgement.pass(
        r,
        agreed + "; its " + used + " NAT-D, NAT-OA and mode choices all belong to " + common,
        List.of());
  }

  /** The encapsulation modes the harness offered in its decrypted Quick Mode messages. */
  private static Set<Integer> harnessQuickModeModes(IkeTraffic x) {
    Set<Integer> out = new TreeSet<>();
    for (TraceEntry e : x.peer()) {
      if (e.direction() == Direction.SENT
          && e.view() instanceof PacketView.Ike i
          && i.decrypted()
          && i.header().exchangeType() == ExchangeType.QUICK.code()) {
        for (SaPayload sa : i.all(SaPayload.class)) {
          out.add(IkeTraffic.encapsulationMode(sa));
        }
      }
    }
    return out;
  }
}
