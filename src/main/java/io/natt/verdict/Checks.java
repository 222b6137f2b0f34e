package io.natt.verdict;

import static io.natt.verdict.IkeTraffic.endpoint;
import static io.natt.verdict.IkeTraffic.ike;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.DeletePayload;
import io.natt.wire.Hex;
import io.natt.wire.IdPayload;
import io.natt.wire.Ikev2Message;
import io.natt.wire.IsakmpMessage;
import io.natt.wire.MalformedException;
import io.natt.wire.NatDPayload;
import io.natt.wire.NatTVariant;
import io.natt.wire.PacketView;
import io.natt.wire.SaPayload;
import io.natt.wire.VendorIds;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every requirement check, by requirement id. Each is a pure function over a trace; the registry is
 * written out here (no classpath scanning), and a test keeps it and the catalog in step.
 */
public final class Checks {
  private static final Map<String, Check> ALL = new LinkedHashMap<>();

  static {
    ALL.put("3947-3.1-vid", Checks::vendorId);
    ALL.put("3947-3.2-natd-present", Checks::natDPresent);
    ALL.put("3947-3.2-natd-remote-hash", Checks::natDRemoteHash);
    ALL.put("3947-3-reply-to-source", Checks::replyToSource);
    ALL.put("3947-4-float-follow", Checks::floatFollow);
    ALL.put("3947-4-marker", Checks::marker);
    ALL.put("3947-4-id-port", Checks::idPort);
    ALL.put("3947-4-start-on-4500", Checks::startOn4500);
    ALL.put("3947-5.1-encap-mode", Checks::encapsulationMode);
    ALL.put("3947-7-rebind", Checks::rebind);
    ALL.put("3948-2.1-esp-port", Checks::espPort);
    ALL.put("3948-2.3-keepalive-byte", Checks::keepaliveByte);
    ALL.put("3948-2.3-keepalive-port", Checks::keepalivePort);
    ALL.put("3948-3-esp-decap", Checks::espDecapsulation);
    ALL.put("3948-4-keepalive-behind-nat", Checks::keepaliveBehindNat);
    ALL.put("3948-2.1-spi-nonzero", Checks::spiNonZero);
    ALL.put("3948-3.1.1-inner-source", Checks::innerSource);
    ALL.put("3947-5.1-transport-encap-mode", QuickModeChecks::transportEncapsulationMode);
    ALL.put("3947-5.1-no-mixed-modes", QuickModeChecks::noMixedModes);
    ALL.put("3947-5.2-nat-oa-sent", QuickModeChecks::natOaSent);
    ALL.put("3947-5.2-nat-oa-format", QuickModeChecks::natOaFormat);
    ALL.put("3947-5.2-nat-oa-not-in-tunnel", QuickModeChecks::natOaNotInTunnel);
    ALL.put("3947-5.2-nat-oa-initiator-address", QuickModeChecks::natOaInitiatorAddress);
    ALL.put("3947-3.1-one-variant", VariantChecks::oneVariant);
    ALL.put("3947-3.2-nat-only-when-no-match", NatDetectionChecks::natOnlyWhenNoMatch);
    ALL.put("3947-4-drop-stale-phase1", AfterFloatChecks::dropStalePhase1);
    ALL.put("3947-4-initiator-float", InitiatorChecks::initiatorFloat);
    ALL.put("3948-4-keepalive-interval", KeepaliveChecks::interval);
    ALL.put("3947-7-keepalive-no-move", KeepaliveChecks::noMove);
    ALL.put("3948-4-keepalive-not-liveness", DpdChecks::keepaliveNotLiveness);
    ALL.put("3947-7-rebind-ike", RebindChecks::rebindIke);
    ALL.put("3947-7-behind-nat-no-follow", RebindChecks::behindNatNoFollow);
    ALL.put("3948-5.1-overlapping-inner-address", OverlapChecks::overlappingInnerAddress);
    ALL.put("3947-6-initial-contact-not-by-address", InitialContactChecks::notByAddress);
    ALL.put("3947-6-initial-contact-same-id", InitialContactChecks::sameId);
  }

  private Checks() {}

  public static Map<String, Check> all() {
    return java.util.Collections.unmodifiableMap(ALL);
  }

  public static Optional<Check> get(String id) {
    return Optional.ofNullable(ALL.get(id));
  }

  // ------------------------------------------------------------------ RFC 3947 phase 1

  static Judgement vendorId(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    if (x.iutInitiated()) {
      return initiatorVendorId(x, r);
    }
    Optional<TraceEntry> m1 = x.withSa(Direction.SENT);
    if (m1.isEmpty() || !IkeTraffic.hasVid(m1.get(), VendorIds.RFC3947)) {
      return Judgement.notApplicable(r, "the harness did not announce RFC 3947 in message 1");
    }
    Optional<TraceEntry> m2 = x.withSa(Direction.RECEIVED);
    if (m2.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "the IUT never answered "
              + (x.aggressive() ? "Aggressive Mode" : "Main Mode")
              + " message 1");
    }
    List<String> seen = IkeTraffic.vids(m2.get());
    Evidence ev =
        Evidence.of(m2.get().ref(), "VID " + VendorIds.name(VendorIds.RFC3947), seen.toString());
    return IkeTraffic.hasVid(m2.get(), VendorIds.RFC3947)
        ? Judgement.pass(r, "message 2 carries the RFC 3947 vendor ID", List.of(ev))
        : Judgement.fail(
            r, "message 2 lacks the RFC 3947 vendor ID, so NAT-T cannot start", List.of(ev));
  }

  /**
   * The IUT as initiator: its message 1 carries the RFC 3947 vendor ID when it claims RFC 3947
   * (PICS item nat-t-rfc3947); without that claim a message 1 without it is NOT_APPLICABLE.
   */
  private static Judgement initiatorVendorId(IkeTraffic x, Requirement r) {
    TraceEntry m1 = x.firstMessage1().orElseThrow();
    List<String> seen = IkeTraffic.vids(m1);
    Evidence ev =
        Evidence.of(m1.ref(), "VID " + VendorIds.name(VendorIds.RFC3947), seen.toString());
    if (IkeTraffic.hasVid(m1, VendorIds.RFC3947)) {
      return Judgement.pass(
          r, "the IUT's message 1 (it initiated) carries the RFC 3947 vendor ID", List.of(ev));
    }
    if (!x.context().claims().contains("nat-t-rfc3947")) {
      return Judgement.notApplicable(
          r, "the IUT initiated without the RFC 3947 vendor ID and does not claim nat-t-rfc3947");
    }
    return Judgement.fail(
        r,
        "the IUT initiated without the RFC 3947 vendor ID in message 1, so NAT-T cannot start",
        List.of(ev));
  }

  static Judgement natDPresent(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Optional<NatTVariant> variant = x.agreedNatT();
    if (variant.isEmpty()) {
      return Judgement.notApplicable(r, "no NAT-T variant was agreed in messages 1 and 2");
    }
    Optional<TraceEntry> m4 = x.iutNatDMessage();
    if (m4.isEmpty()) {
      return Judgement.inconclusive(r, "the IUT never sent " + x.natDMessageName());
    }
    int type = variant.get().natDType();
    long n =
        ike(m4.get()).orElseThrow().all(NatDPayload.class).stream()
            .filter(p -> p.type() == type)
            .count();
    Evidence ev =
        Evidence.of(
            m4.get().ref(),
            "at least 2 NAT-D payloads of type " + type + " (" + variant.get() + ")",
            n + " (" + ike(m4.get()).orElseThrow().summary() + ")");
    return n >= 2
        ? Judgement.pass(r, x.natDMessageName() + " carries " + n + " NAT-D payloads", List.of(ev))
        : Judgement.fail(r, x.natDMessageName() + " lacks the NAT-D payloads", List.of(ev));
  }

  static Judgement natDRemoteHash(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Optional<TraceEntry> m4 = x.iutNatDMessage();
    if (m4.isEmpty()) {
      return Judgement.notApplicable(r, "no " + x.natDMessageName() + " in this trace");
    }
    List<NatDPayload> natd = ike(m4.get()).orElseThrow().all(NatDPayload.class);
    if (natd.isEmpty()) {
      return Judgement.notApplicable(r, x.natDMessageName() + " carries no NAT-D");
    }
    Optional<String> alg = x.negotiatedHash();
    if (alg.isEmpty() || alg.get().startsWith("unknown")) {
      return Judgement.inconclusive(r, "the negotiated hash algorithm is unknown");
    }
    Optional<TraceEntry> sent = x.atIutSide(m4.get());
    if (sent.isEmpty()) {
      return Judgement.inconclusive(
          r,
          x.natDMessageName()
              + " was not seen at "
              + x.context().iutSidePoint()
              + " to know its destination");
    }
    InetSocketAddress dst = sent.get().to();
    PacketView.Ike h = ike(m4.get()).orElseThrow();
    byte[] expected = IkeTraffic.natdHash(alg.get(), h, dst);
    byte[] first = natd.get(0).hash();
    Evidence ev =
        new Evidence(
            sent.get() == m4.get()
                ? List.of(m4.get().ref())
                : List.of(sent.get().ref(), m4.get().ref()),
            alg.get() + "(CKY-I|CKY-R|" + endpoint(dst) + ") = " + Hex.hex(expected),
            Hex.hex(first));
    return Arrays.equals(first, expected)
        ? Judgement.pass(
            r,
            "the first NAT-D hashes the destination " + endpoint(dst) + " correctly",
            List.of(ev))
        : Judgement.fail(
            r,
            "the first NAT-D of "
                + x.natDMessageName()
                + " is not the hash of where the IUT sent it ("
                + endpoint(dst)
                + ")",
            List.of(ev));
  }

  /**
   * Every IKE response of the IUT goes back to where its request came from. Only real responses are
   * judged: a message of the IUT is paired with the request it answers (same cookies, message ID
   * and exchange, and in Main Mode the same stage); a message the IUT starts itself is not a reply
   * (where it goes is judged by float-follow).
   */
  static Judgement replyToSource(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Evidence> wrong = new ArrayList<>();
    int replies = 0;
    for (TraceEntry e : x.iutSide()) {
      Optional<TraceEntry> request = x.requestOf(e);
      if (request.isEmpty()) {
        continue;
      }
      replies++;
      if (!e.to().equals(request.get().from())) {
        wrong.add(
            new Evidence(
                List.of(request.get().ref(), e.ref()),
                "to " + endpoint(request.get().from()),
                "to " + endpoint(e.to())));
      }
    }
    if (replies == 0) {
      return Judgement.notApplicable(r, "the IUT sent no IKE reply in this trace");
    }
    return Judgement.byFindings(
        r,
        wrong,
        replies + " IKE replies went back to the request's source",
        wrong.size() + " IKE replies did not go back to the request's source");
  }

  /**
   * After the harness floated, every IKE packet of the floated IKE SA (same cookies) from the IUT
   * uses UDP 4500: a response goes to its request's source (or, for a request the harness sent to
   * 500 after the float, to it or to the SA's 4500 endpoint), a message the IUT starts itself goes
   * to the SA's current endpoint (a source the harness used on 4500 for this SA), and so does a
   * phase 1 the IUT starts itself to rekey (section 4: "the rekey negotiation MUST be started by
   * using UDP(4500,Y)"). Other IKE SAs of the harness (a fresh Main Mode on 500, an unknown SA) are
   * not judged here.
   */
  static Judgement floatFollow(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Optional<TraceEntry> floatAt = x.harnessFloat();
    if (floatAt.isEmpty()) {
      return Judgement.notApplicable(r, "the harness never moved to port 4500");
    }
    Optional<TraceEntry> atSide = x.atIutSide(floatAt.get());
    if (atSide.isEmpty()) {
      return Judgement.inconclusive(
          r,
          "the harness's first 4500 packet ("
              + floatAt.get().ref()
              + ") was not seen near the IUT (at "
              + t.context().iutSidePoint()
              + ")");
    }
    InetSocketAddress y = atSide.get().from();
    PacketView.Ike floated = ike(floatAt.get()).orElseThrow();
    List<TraceEntry> side = x.iutSide();
    int start = side.indexOf(atSide.get());
    List<Evidence> wrong = new ArrayList<>();
    List<InetSocketAddress> endpoints = new ArrayList<>(List.of(y));
    int judged = 0;
    for (TraceEntry e : side.subList(start + 1, side.size())) {
      Optional<PacketView.Ike> i = ike(e);
      if (i.isEmpty()) {
        continue;
      }
      boolean sameSa =
          Arrays.equals(i.get().header().initiatorCookie(), floated.header().initiatorCookie())
              && (IkeTraffic.isZero(floated.header().responderCookie())
                  || IkeTraffic.sameSa(i.get(), floated));
      // a phase 1 the IUT starts itself after the float (it rekeys the IKE SA, RFC 3947 section 4)
      boolean iutRekey =
          x.fromIut(e)
              && IkeTraffic.isPhase1(i.get().header().exchangeType())
              && IkeTraffic.isZero(i.get().header().responderCookie())
              && !i.get().all(SaPayload.class).isEmpty();
      if (!sameSa && !iutRekey) {
        continue;
      }
      if (x.toIut(e)) {
        if (e.to().getPort() == 4500 && !endpoints.contains(e.from())) {
          endpoints.add(e.from());
        }
        continue;
      }
      if (!x.fromIut(e)) {
        continue;
      }
      judged++;
      Optional<TraceEntry> request = x.requestOf(e);
      String expected;
      boolean ok;
      List<String> refs = new ArrayList<>();
      if (request.isPresent() && request.get().to().getPort() == 4500) {
        expected =
            "UDP(4500, "
                + request.get().from().getPort()
                + ") to "
                + endpoint(request.get().from())
                + ", the request's source";
        ok = e.from().getPort() == 4500 && e.to().equals(request.get().from());
        refs.add(request.get().ref());
      } else if (request.isPresent()) {
        expected =
            "the request's source "
                + endpoint(request.get().from())
                + " or UDP(4500, Y) to "
                + endpoint(y);
        ok =
            e.to().equals(request.get().from())
                || (e.from().getPort() == 4500 && endpoints.contains(e.to()));
        refs.add(request.get().ref());
      } else {
        expected = "UDP(4500, " + y.getPort() + ") to the SA's endpoint " + endpoint(y);
        ok = e.from().getPort() == 4500 && endpoints.contains(e.to());
        refs.add(atSide.get().ref());
      }
      if (!ok) {
        refs.add(e.ref());
        wrong.add(
            new Evidence(
                refs,
                expected,
                "UDP("
                    + e.from().getPort()
                    + ", "
                    + e.to().getPort()
                    + ") to "
                    + endpoint(e.to())));
      }
    }
    if (judged == 0) {
      return Judgement.inconclusive(
          r,
          "the IUT sent no IKE packet of the floated SA after the float ("
              + atSide.get().ref()
              + ")");
    }
    return wrong.isEmpty()
        ? Judgement.pass(
            r,
            judged
                + (judged == 1 ? " IKE packet" : " IKE packets")
                + " of the floated SA used UDP 4500 to the harness's 4500 endpoint",
            List.of(
                Evidence.of(atSide.get().ref(), "UDP(4500, Y)", "UDP(4500, " + y.getPort() + ")")))
        : Judgement.fail(r, "the IUT did not follow the harness to port 4500", wrong);
  }

  static Judgement marker(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Long> spis = x.espSpis();
    List<Evidence> wrong = new ArrayList<>();
    int marked = 0;
    for (TraceEntry e : x.peer()) {
      if (e.direction() != Direction.RECEIVED || e.from().getPort() != 4500) {
        continue;
      }
      if (e.view() instanceof PacketView.Ike i && i.marker()) {
        marked++;
      } else if (e.view() instanceof PacketView.Esp esp && !spis.contains(esp.esp().spi())) {
        if (Ikev2Message.isVersion2(e.datagram().payload())) {
          continue; // an IKEv2 message is judged by no IKEv1 check
        }
        try {
          IsakmpMessage m = IsakmpMessage.decode(e.datagram().payload());
          wrong.add(
              Evidence.of(
                  e.ref(),
                  "4 zero bytes (non-ESP marker) before the ISAKMP header",
                  "ISAKMP header right away (initiator cookie "
                      + Hex.hex(m.header().initiatorCookie())
                      + ")"));
        } catch (MalformedException notIke) {
          // an ESP packet of an SA the harness does not know; not this check's business
        }
      }
    }
    if (marked == 0 && wrong.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT sent no IKE on port 4500");
    }
    return Judgement.byFindings(
        r,
        wrong,
        marked + " IKE packets on 4500 carried the marker",
        "IKE on port 4500 without the non-ESP marker");
  }

  static Judgement idPort(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    if (x.agreedNatT().isEmpty()) {
      return Judgement.notApplicable(r, "NAT-T was not agreed");
    }
    // IDir: Main Mode message 6 (encrypted) or Aggressive Mode message 2 (plaintext)
    Optional<TraceEntry> m6 = x.iutIdentityMessage();
    String which = x.iutIdentityMessageName();
    if (m6.isEmpty()
        || (ike(m6.get()).orElseThrow().header().encrypted()
            && !ike(m6.get()).orElseThrow().decrypted())) {
      return Judgement.inconclusive(r, "no decrypted " + which);
    }
    List<IdPayload> ids = ike(m6.get()).orElseThrow().all(IdPayload.class);
    if (ids.isEmpty()) {
      return Judgement.inconclusive(r, which + " has no ID payload");
    }
    int port = ids.get(0).port();
    Evidence ev =
        Evidence.of(
            m6.get().ref(), (x.iutInitiated() ? "IDii" : "IDir") + " port 0", "port " + port);
    return port == 0
        ? Judgement.pass(r, "the IUT's identity payload has port 0", List.of(ev))
        : Judgement.fail(r, "the IUT's identity payload carries port " + port, List.of(ev));
  }

  static Judgement startOn4500(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    if (x.iutInitiated()) {
      return Judgement.notApplicable(r, "the IUT started the negotiation, not the harness");
    }
    Optional<TraceEntry> m1 = x.withSa(Direction.SENT);
    if (m1.isEmpty() || m1.get().to().getPort() != 4500) {
      return Judgement.notApplicable(r, "the harness did not start the negotiation on 4500");
    }
    Optional<TraceEntry> m2 = x.withSa(Direction.RECEIVED);
    if (m2.isEmpty()) {
      return Judgement.fail(
          r,
          "the IUT did not answer "
              + (x.aggressive() ? "an Aggressive Mode" : "a Main Mode")
              + " that began on port 4500",
          List.of(Evidence.of(m1.get().ref(), "an answer on 4500 with the marker", "none")));
    }
    boolean ok = m2.get().from().getPort() == 4500 && ike(m2.get()).orElseThrow().marker();
    Evidence ev =
        Evidence.of(
            m2.get().ref(),
            "message 2 from 4500 with the marker",
            "from "
                + m2.get().from().getPort()
                + (ike(m2.get()).orElseThrow().marker() ? " with" : " without")
                + " marker");
    return ok
        ? Judgement.pass(r, "the IUT answered on 4500", List.of(ev))
        : Judgement.fail(r, "the IUT answered, but not on 4500 with the marker", List.of(ev));
  }

  static Judgement encapsulationMode(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    // an initiating IUT that starts on 4500 without a NAT moves the harness there too: its NAT-D
    // tells whether it had a NAT to detect (or forces encapsulation, judged like a NAT)
    IkeTraffic.InitiatorNat seen = x.iutInitiated() ? x.initiatorNat() : null;
    if (seen != null && seen.view() != IkeTraffic.NatView.NAT) {
      if (seen.view() == null) {
        return Judgement.inconclusive(r, seen.why());
      } else if (seen.view() == IkeTraffic.NatView.NONE) {
        return Judgement.notApplicable(r, "no NAT was detected: " + seen.why());
      }
    } else if (seen == null && x.harnessFloat().isEmpty()) {
      return Judgement.notApplicable(r, "no NAT was detected (the harness did not float)");
    }
    Optional<NatTVariant> variant = x.agreedNatT();
    List<TraceEntry> qm = x.quickModeFromIut();
    Optional<TraceEntry> qm2 =
        qm.stream().filter(e -> !ike(e).orElseThrow().all(SaPayload.class).isEmpty()).findFirst();
    if (qm2.isEmpty()) {
      return Judgement.inconclusive(r, "no Quick Mode answer from the IUT");
    }
    int mode =
        IkeTraffic.encapsulationMode(ike(qm2.get()).orElseThrow().all(SaPayload.class).get(0));
    // without an agreed variant, the draft values (an IUT that floats without agreeing RFC 3947)
    List<Integer> ok = variant.orElse(NatTVariant.DRAFT_02).udpModes();
    Evidence ev =
        Evidence.of(
            qm2.get().ref(),
            "encapsulation mode "
                + ok
                + " ("
                + variant.map(NatTVariant::displayName).orElse("no NAT-T")
                + ")",
            String.valueOf(mode));
    return ok.contains(mode)
        ? Judgement.pass(
            r, "Quick Mode selected UDP encapsulation (mode " + mode + ")", List.of(ev))
        : Judgement.fail(r, "with a NAT detected, Quick Mode selected mode " + mode, List.of(ev));
  }

  /**
   * After the NAT gave the harness a new public mapping, the IUT sends to it. Only the harness's
   * own SAs count: its floated IKE SA (same cookies) and the ESP SAs it negotiated; another client
   * behind the same NAT is not a rebinding.
   */
  static Judgement rebind(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<TraceEntry> side = x.iutSide();
    java.util.function.Predicate<TraceEntry> ours = harnessSas(x);
    InetSocketAddress current = null;
    TraceEntry change = null;
    for (TraceEntry e : side) {
      if (x.toIut(e) && e.to().getPort() == 4500 && isAuthenticated(e) && ours.test(e)) {
        if (current != null && !current.equals(e.from())) {
          change = e;
          break;
        }
        current = e.from();
      }
    }
    if (change == null) {
      return Judgement.inconclusive(r, "the harness's public port never changed (no rebinding)");
    }
    InetSocketAddress oldAddr = current;
    InetSocketAddress newAddr = change.from();
    int at = side.indexOf(change);
    List<TraceEntry> after =
        side.subList(at + 1, side.size()).stream()
            .filter(e -> x.fromIut(e) && ours.test(e))
            .toList();
    if (after.isEmpty()) {
      return Judgement.inconclusive(r, "the IUT sent nothing after the rebinding");
    }
    TraceEntry first = after.get(0);
    Evidence ev =
        new Evidence(
            List.of(change.ref(), first.ref()),
            "to the new mapping " + endpoint(newAddr),
            "to "
                + endpoint(first.to())
                + (first.to().equals(oldAddr) ? " (the old mapping)" : ""));
    return first.to().equals(newAddr)
        ? Judgement.pass(r, "the IUT followed the new mapping", List.of(ev))
        : Judgement.fail(r, "the IUT kept sending to the old mapping", List.of(ev));
  }

  /**
   * Whether a packet belongs to the harness's own SAs: its floated IKE SA (same cookies) or the ESP
   * SAs it negotiated; another client behind the same NAT does not count.
   */
  static java.util.function.Predicate<TraceEntry> harnessSas(IkeTraffic x) {
    List<Long> spis = x.espSpis();
    Optional<PacketView.Ike> floated = x.harnessFloat().flatMap(IkeTraffic::ike);
    return e ->
        (e.view() instanceof PacketView.Esp p && spis.contains(p.esp().spi()))
            || (e.view() instanceof PacketView.Ike i
                && floated.isPresent()
                && IkeTraffic.sameSa(i, floated.get()));
  }

  static boolean isAuthenticated(TraceEntry e) {
    return e.view() instanceof PacketView.Esp
        || (e.view() instanceof PacketView.Ike i && i.header().encrypted());
  }

  // ------------------------------------------------------------------ RFC 3948

  static Judgement espPort(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Long> spis = x.espSpis();
    List<TraceEntry> esp =
        x.iutSide().stream()
            .filter(
                e ->
                    x.fromIut(e)
                        && e.view() instanceof PacketView.Esp p
                        && spis.contains(p.esp().spi()))
            .toList();
    List<TraceEntry> suspicious =
        x.iutSide().stream()
            .filter(
                e ->
                    x.fromIut(e)
                        && e.from().getPort() == 500
                        && e.view() instanceof PacketView.Malformed)
            .toList();
    if (esp.isEmpty() && suspicious.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT sent no ESP-in-UDP");
    }
    List<Evidence> wrong = new ArrayList<>();
    for (TraceEntry e : esp) {
      if (e.from().getPort() != 4500) {
        wrong.add(Evidence.of(e.ref(), "source port 4500", "source port " + e.from().getPort()));
      }
    }
    for (TraceEntry e : suspicious) {
      wrong.add(Evidence.of(e.ref(), "ESP only on 4500", "undecodable traffic from port 500"));
    }
    return Judgement.byFindings(
        r,
        wrong,
        esp.size() + " ESP-in-UDP packets from port 4500",
        "ESP-in-UDP not on the IKE NAT-T port");
  }

  static Judgement keepaliveByte(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<TraceEntry> ka =
        x.iutSide().stream()
            .filter(e -> x.fromIut(e) && e.view() instanceof PacketView.Keepalive)
            .toList();
    if (ka.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT sent no NAT-keepalive");
    }
    List<Evidence> wrong = new ArrayList<>();
    for (TraceEntry e : ka) {
      byte[] b = e.datagram().payload();
      if (b.length != 1 || (b[0] & 0xff) != 0xff) {
        wrong.add(Evidence.of(e.ref(), "one byte 0xff", Hex.hex(b)));
      }
    }
    return Judgement.byFindings(
        r,
        wrong,
        ka.size() + " keepalives, each one byte 0xff",
        "keepalives with the wrong content");
  }

  static Judgement keepalivePort(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<Evidence> wrong = new ArrayList<>();
    int ok = 0;
    for (TraceEntry e : x.iutSide()) {
      if (!x.fromIut(e) || e.datagram().length() != 1) {
        continue;
      }
      if (e.from().getPort() == 500 || e.to().getPort() == 500) {
        wrong.add(
            Evidence.of(
                e.ref(),
                "keepalive on UDP 4500",
                "one-byte datagram " + endpoint(e.from()) + " > " + endpoint(e.to())));
      } else {
        ok++;
      }
    }
    if (ok == 0 && wrong.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT sent no NAT-keepalive");
    }
    return Judgement.byFindings(
        r, wrong, ok + " keepalives on UDP 4500", "keepalives sent on port 500");
  }

  /**
   * Every echo request the harness sent through the tunnel was decapsulated by the IUT: either a
   * decrypted reply came back, or the IUT was seen sending ESP on the harness's SA after it (the
   * reply may then have been lost on the way back, which other checks judge).
   */
  static Judgement espDecapsulation(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    List<TraceEntry> requests = new ArrayList<>();
    List<TraceEntry> replies = new ArrayList<>();
    // requests from outside the harness's policy must go unanswered (3948-3.1.1-inner-source)
    Optional<int[]> policy = harnessPolicy(x);
    // after another client's INITIAL-CONTACT with the harness's ID, the IUT should have removed
    // the harness's SAs (RFC 3947 section 6; 3947-6-initial-contact-same-id judges that)
    long removedAt = InitialContactChecks.sameIdContact(t, Trace.PEER).orElse(Long.MAX_VALUE);
    for (TraceEntry e : x.peer()) {
      if (e.view() instanceof PacketView.Esp esp && esp.inner().isPresent()) {
        String s = esp.summary();
        if (e.direction() == Direction.SENT && e.datagram().monoNanos() > removedAt) {
          continue;
        }
        if (e.direction() == Direction.SENT
            && s.contains("echo request")
            && policy.isPresent()
            && echo(esp.inner().get())
                .map(m -> !inPolicy(policy.get(), m.ip().src()))
                .orElse(false)) {
          continue;
        }
        if (e.direction() == Direction.SENT && s.contains("echo request")) {
          requests.add(e);
        } else if (e.direction() == Direction.RECEIVED && s.contains("echo reply")) {
          replies.add(e);
        }
      }
    }
    if (requests.isEmpty()) {
      return Judgement.inconclusive(r, "the harness sent no ESP-in-UDP echo request");
    }
    List<Long> spis = x.espSpis();
    List<TraceEntry> iutEsp =
        x.iutSide().stream()
            .filter(
                e ->
                    x.fromIut(e)
                        && e.view() instanceof PacketView.Esp p
                        && spis.contains(p.esp().spi()))
            .toList();
    List<Evidence> unanswered = new ArrayList<>();
    for (int k = 0; k < requests.size(); k++) {
      long sentAt = requests.get(k).datagram().monoNanos();
      long until =
          k + 1 < requests.size() ? requests.get(k + 1).datagram().monoNanos() : Long.MAX_VALUE;
      boolean answered =
          replies.stream()
                  .anyMatch(
                      e -> e.datagram().monoNanos() > sentAt && e.datagram().monoNanos() < until)
              || iutEsp.stream()
                  .anyMatch(
                      e -> e.datagram().monoNanos() > sentAt && e.datagram().monoNanos() < until);
      if (!answered) {
        unanswered.add(
            Evidence.of(
                requests.get(k).ref(),
                "ESP from the IUT on the harness's SA after this request",
                "nothing from the IUT"));
      }
    }
    return unanswered.isEmpty()
        ? Judgement.pass(
            r,
            "the IUT answered all "
                + requests.size()
                + " ESP-in-UDP echo requests ("
                + replies.size()
                + " replies reached the harness)",
            List.of())
        : Judgement.fail(
            r,
            unanswered.size() + " of " + requests.size() + " echo requests got no ESP back",
            unanswered);
  }

  // ------------------------------------------------------------------ the IUT behind a NAT

  /** RFC 3948 section 4: M, the idle time after which a keepalive is due, by default. */
  static final java.time.Duration KEEPALIVE_M = java.time.Duration.ofSeconds(20);

  /** Slack on top of M for timers and scheduling before silence counts as a missing keepalive. */
  static final java.time.Duration KEEPALIVE_SLACK = java.time.Duration.ofSeconds(5);

  /**
   * The IUT behind a NAT sends NAT-keepalives when it has sent nothing else for M seconds. Who is
   * behind the NAT is decided the way the IUT itself decides it (RFC 3947 section 3.2): by the
   * harness's first NAT-D in Main Mode message 3, compared with the IUT's own address and the port
   * it was sent to. The IUT's own NAT-D is not used: an IUT that forces encapsulation sends a hash
   * of itself that never matches without being behind a NAT, and owes no keepalives.
   */
  /**
   * Whether the harness's first NAT-D in Main Mode message 3 told the IUT that it is behind a NAT
   * (the hash does not match the IUT's own address and the port it was sent to).
   *
   * @param told the words that say so, for a judgement's reason; null when it was not told
   * @param otherwise why not (NOT_APPLICABLE or INCONCLUSIVE) when {@code told} is null
   */
  record BehindNat(String told, Judgement otherwise) {}

  static BehindNat iutToldBehindNat(IkeTraffic x, Requirement r) {
    Optional<TraceEntry> m3 = x.withKe(Direction.SENT);
    if (m3.isEmpty()) {
      return new BehindNat(
          null, Judgement.notApplicable(r, "the harness sent no Main Mode message 3"));
    }
    PacketView.Ike h = ike(m3.get()).orElseThrow();
    List<NatDPayload> natd = h.all(NatDPayload.class);
    if (natd.isEmpty()) {
      return new BehindNat(
          null, Judgement.notApplicable(r, "the harness's message 3 carries no NAT-D"));
    }
    Optional<String> alg = x.negotiatedHash();
    if (alg.isEmpty() || alg.get().startsWith("unknown")) {
      return new BehindNat(
          null, Judgement.inconclusive(r, "the negotiated hash algorithm is unknown"));
    }
    java.net.Inet4Address own = x.context().iutOwnAddress();
    int port = m3.get().to().getPort();
    byte[] ownHash = IkeTraffic.natdHash(alg.get(), h, own.getAddress(), port);
    if (Arrays.equals(natd.get(0).hash(), ownHash)) {
      return new BehindNat(
          null,
          Judgement.notApplicable(
              r,
              "the harness's NAT-D for the IUT matches the IUT's own "
                  + own.getHostAddress()
                  + ":"
                  + port
                  + ": nothing tells the IUT it is behind a NAT"));
    }
    return new BehindNat(
        "the harness's NAT-D named the IUT at "
            + endpoint(m3.get().to())
            + ", not its own "
            + own.getHostAddress(),
        null);
  }

  static Judgement keepaliveBehindNat(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    BehindNat behind = iutToldBehindNat(x, r);
    if (behind.told() == null) {
      return behind.otherwise();
    }
    List<TraceEntry> side = x.iutSide();
    List<TraceEntry> fromIut = side.stream().filter(x::fromIut).toList();
    Optional<TraceEntry> start =
        fromIut.stream().filter(e -> e.from().getPort() != 500).findFirst();
    if (start.isEmpty()) {
      return Judgement.inconclusive(r, "the IUT never sent anything from port 4500 (no float)");
    }
    // the silence after the IUT's last packet lasts until the harness stopped observing, or until
    // either side deleted an SA: after that the IUT may owe no keepalive
    long observed = t.observedUntil().orElse(Long.MIN_VALUE);
    long startNanos = start.get().datagram().monoNanos();
    long deleted =
        x.peer().stream()
            .filter(
                e -> e.view() instanceof PacketView.Ike i && !i.all(DeletePayload.class).isEmpty())
            .mapToLong(e -> e.datagram().monoNanos())
            .filter(n -> n >= startNanos)
            .min()
            .orElse(Long.MAX_VALUE);
    long end =
        Math.max(
            side.stream().mapToLong(e -> e.datagram().monoNanos()).max().orElseThrow(),
            Math.min(observed, deleted));
    long limit = KEEPALIVE_M.plus(KEEPALIVE_SLACK).toNanos();
    List<TraceEntry> after =
        fromIut.stream()
            .filter(e -> e.datagram().monoNanos() >= start.get().datagram().monoNanos())
            .toList();
    long keepalives = after.stream().filter(e -> e.view() instanceof PacketView.Keepalive).count();
    long longest = 0;
    TraceEntry before = null;
    long prev = start.get().datagram().monoNanos();
    TraceEntry prevEntry = start.get();
    for (int k = 1; k <= after.size(); k++) {
      long now = k < after.size() ? after.get(k).datagram().monoNanos() : end;
      if (now - prev > longest) {
        longest = now - prev;
        before = prevEntry;
      }
      if (k < after.size()) {
        prev = now;
        prevEntry = after.get(k);
      }
    }
    String told = behind.told();
    if (longest > limit && keepalives == 0) {
      // only a device that sent no keepalive at all fails: M is locally configurable, so one that
      // sends them at a longer interval than the default follows its setting
      Evidence ev =
          Evidence.of(
              before.ref(),
              "a NAT-keepalive (or any packet) from the IUT within "
                  + KEEPALIVE_M.toSeconds()
                  + " s (RFC 3948's default M) + "
                  + KEEPALIVE_SLACK.toSeconds()
                  + " s",
              "nothing from the IUT for " + String.format("%.1f s", longest / 1e9) + " after it");
      return Judgement.fail(
          r,
          told
              + ", yet the IUT stayed silent for "
              + String.format("%.1f s", longest / 1e9)
              + " and sent no NAT-keepalive (M is configurable, default 20 s: a device set to a"
              + " longer interval needs it at 20 s or less for this scenario)",
          List.of(ev));
    }
    if (keepalives > 0) {
      return Judgement.pass(
          r,
          told + "; it sent " + keepalives + " NAT-keepalive(s)",
          List.of(
              Evidence.of(
                  after.stream()
                      .filter(e -> e.view() instanceof PacketView.Keepalive)
                      .findFirst()
                      .orElseThrow()
                      .ref(),
                  "NAT-keepalives from the IUT",
                  keepalives + " keepalive(s)")));
    }
    return Judgement.inconclusive(
        r,
        told
            + "; it sent no keepalive, but was never silent for longer than "
            + (KEEPALIVE_M.toSeconds() + KEEPALIVE_SLACK.toSeconds())
            + " s (longest gap "
            + String.format("%.1f s", longest / 1e9)
            + ")");
  }

  /**
   * No ESP-in-UDP from the IUT carries SPI 0. Such a packet starts with four zero bytes, so on port
   * 4500 it reads as a non-ESP marker followed by something that is not an IKE message: every
   * datagram of the IUT on 4500 that starts with four zero bytes and does not decode as IKE counts
   * as ESP with SPI 0.
   */
  static Judgement spiNonZero(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    int esp = 0;
    List<Evidence> wrong = new ArrayList<>();
    for (TraceEntry e : x.iutSide()) {
      if (!x.fromIut(e) || (e.from().getPort() != 4500 && e.to().getPort() != 4500)) {
        continue;
      }
      byte[] b = e.datagram().payload();
      if (e.view() instanceof PacketView.Esp) {
        esp++;
      } else if (b.length > 4
          && b[0] == 0
          && b[1] == 0
          && b[2] == 0
          && b[3] == 0
          && !(e.view() instanceof PacketView.Ike)
          && !(e.view() instanceof PacketView.Ikev2)
          && !looksLikeIke(b, 4)) {
        wrong.add(
            Evidence.of(
                e.ref(),
                "ESP with a non-zero SPI, or an IKE message after the non-ESP marker",
                b.length + " bytes starting with 00000000 that are not IKE (ESP with SPI 0)"));
      }
    }
    if (esp == 0 && wrong.isEmpty()) {
      return Judgement.notApplicable(r, "the IUT sent no ESP-in-UDP");
    }
    return Judgement.byFindings(
        r,
        wrong,
        esp + " ESP-in-UDP packets from the IUT, none with SPI 0",
        wrong.size() + " packets of the IUT on 4500 look like ESP with SPI 0");
  }

  /**
   * True when {@code b} holds, from {@code at}, something with the shape of an ISAKMP/IKE header (a
   * version byte of 1.x or 2.x, and a length field that matches what is there): IKE after the
   * marker, even where the harness's decoder could not read the rest. It is never counted as ESP
   * with SPI 0, so that a decoding gap of ours cannot become the IUT's failure.
   */
  static boolean looksLikeIke(byte[] b, int at) {
    if (b.length < at + 28) {
      return false;
    }
    int major = (b[at + 17] & 0xF0) >> 4;
    long length =
        ((b[at + 24] & 0xFFL) << 24)
            | ((b[at + 25] & 0xFFL) << 16)
            | ((b[at + 26] & 0xFFL) << 8)
            | (b[at + 27] & 0xFFL);
    return (major == 1 || major == 2) && length == b.length - at;
  }

  /**
   * The inner source addresses the harness's side of the policy allows: the harness's identity of
   * its last Quick Mode (ID_ci of its message 1, or ID_cr of its message 2 when the IUT started the
   * Quick Mode), as an address and prefix length (an IPv4 address: /32; an IPv4 subnet: its mask).
   * Empty when the trace has no decrypted Quick Mode of the harness, or its ID_ci is of another
   * type.
   */
  static Optional<int[]> harnessPolicy(IkeTraffic x) {
    Optional<int[]> found = Optional.empty();
    for (TraceEntry e : x.peer()) {
      if (e.direction() != Direction.SENT
          || !(e.view() instanceof PacketView.Ike i)
          || !i.decrypted()
          || i.header().exchangeType() != io.natt.wire.ExchangeType.QUICK.code()) {
        continue;
      }
      List<IdPayload> ids = i.all(IdPayload.class);
      if (ids.size() < 2) {
        continue;
      }
      // the harness's side: ID_ci of its own Quick Mode, ID_cr of one the IUT started
      IdPayload ci = ids.get(quickModeOfIut(x, e, i) ? 1 : 0);
      byte[] d = ci.data();
      if (ci.idType() == IdPayload.ID_IPV4_ADDR && d.length == 4) {
        found = Optional.of(new int[] {toInt(d, 0), 32});
      } else if (ci.idType() == IdPayload.ID_IPV4_ADDR_SUBNET && d.length == 8) {
        found = Optional.of(new int[] {toInt(d, 0), Integer.bitCount(toInt(d, 4))});
      }
    }
    return found;
  }

  /**
   * Whether the Quick Mode of the harness's message {@code sent} was started by the IUT: the first
   * message of that exchange (cookies and message ID) at the harness came from the IUT.
   */
  private static boolean quickModeOfIut(IkeTraffic x, TraceEntry sent, PacketView.Ike m) {
    for (TraceEntry e : x.peer()) {
      if (e == sent) {
        return false;
      }
      if ((e.direction() == Direction.RECEIVED || e.direction() == Direction.SENT)
          && e.view() instanceof PacketView.Ike i
          && i.header().exchangeType() == io.natt.wire.ExchangeType.QUICK.code()
          && i.header().messageId() == m.header().messageId()
          && Arrays.equals(i.header().initiatorCookie(), m.header().initiatorCookie())) {
        return e.direction() == Direction.RECEIVED;
      }
    }
    return false;
  }

  private static int toInt(byte[] b, int at) {
    return (b[at] & 255) << 24
        | (b[at + 1] & 255) << 16
        | (b[at + 2] & 255) << 8
        | (b[at + 3] & 255);
  }

  static boolean inPolicy(int[] policy, byte[] address) {
    int mask = policy[1] == 0 ? 0 : -1 << (32 - policy[1]);
    return (toInt(address, 0) & mask) == (policy[0] & mask);
  }

  /** An inner IPv4 packet carrying ICMP, decoded. */
  record InnerIcmp(io.natt.wire.Ipv4Packet ip, io.natt.wire.IcmpMessage icmp) {}

  /** The decrypted inner packet of an ESP entry, decoded, when it carries ICMP. */
  static Optional<InnerIcmp> echo(byte[] ipBytes) {
    try {
      io.natt.wire.Ipv4Packet ip = io.natt.wire.Ipv4Packet.decode(ipBytes);
      if (ip.protocol() != io.natt.wire.Ipv4Packet.ICMP) {
        return Optional.empty();
      }
      return Optional.of(
          new InnerIcmp(
              ip, io.natt.wire.IcmpMessage.decode(new io.natt.wire.WireReader(ip.payload()))));
    } catch (MalformedException e) {
      return Optional.empty();
    }
  }

  /**
   * Echo requests the harness sent through the tunnel with an inner source outside the policy of
   * its Quick Mode must not be accepted: no echo reply to them comes back, neither through the
   * tunnel nor in the clear (seen at any observation point). Judged only when an in-policy request
   * was answered in the same trace (else the silence proves nothing).
   */
  static Judgement innerSource(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Optional<int[]> policy = harnessPolicy(x);
    if (policy.isEmpty()) {
      return Judgement.notApplicable(r, "no Quick Mode of the harness with an IPv4 ID_ci");
    }
    List<TraceEntry> spoofed = new ArrayList<>();
    List<io.natt.wire.Ipv4Packet> spoofedIp = new ArrayList<>();
    List<io.natt.wire.IcmpMessage> spoofedIcmp = new ArrayList<>();
    boolean legitAnswered = false;
    for (TraceEntry e : x.peer()) {
      if (!(e.view() instanceof PacketView.Esp esp) || esp.inner().isEmpty()) {
        continue;
      }
      Optional<InnerIcmp> m = echo(esp.inner().get());
      if (m.isEmpty()) {
        continue;
      }
      io.natt.wire.Ipv4Packet ip = m.get().ip();
      io.natt.wire.IcmpMessage icmp = m.get().icmp();
      if (e.direction() == Direction.SENT
          && icmp.type() == io.natt.wire.IcmpMessage.ECHO_REQUEST
          && !inPolicy(policy.get(), ip.src())) {
        spoofed.add(e);
        spoofedIp.add(ip);
        spoofedIcmp.add(icmp);
      } else if (e.direction() == Direction.RECEIVED
          && icmp.type() == io.natt.wire.IcmpMessage.ECHO_REPLY
          && inPolicy(policy.get(), ip.dst())) {
        legitAnswered = true;
      }
    }
    if (spoofed.isEmpty()) {
      return Judgement.notApplicable(
          r, "the harness sent no ESP with an inner source outside its Quick Mode policy");
    }
    List<Evidence> accepted = new ArrayList<>();
    for (int k = 0; k < spoofed.size(); k++) {
      TraceEntry req = spoofed.get(k);
      io.natt.wire.Ipv4Packet qip = spoofedIp.get(k);
      io.natt.wire.IcmpMessage qm = spoofedIcmp.get(k);
      for (TraceEntry e : t.entries()) {
        if (e.datagram().monoNanos() < req.datagram().monoNanos()) {
          continue;
        }
        String how = null;
        if (e.direction() == Direction.RECEIVED
            && e.view() instanceof PacketView.Esp esp
            && esp.inner().isPresent()) {
          Optional<InnerIcmp> a = echo(esp.inner().get());
          if (a.isPresent() && answers(a.get().icmp(), a.get().ip().dst(), qip, qm)) {
            how = "an echo reply to it through the tunnel";
          }
        } else if (e.direction() == Direction.OBSERVED
            && e.view() instanceof PacketView.Other o
            && o.summary().equals("IPv4 protocol " + io.natt.wire.Ipv4Packet.ICMP)) {
          try {
            io.natt.wire.IcmpMessage m =
                io.natt.wire.IcmpMessage.decode(
                    new io.natt.wire.WireReader(e.datagram().payload()));
            if (answers(m, e.to().getAddress().getAddress(), qip, qm)) {
              how = "an echo reply to it in the clear, outside the tunnel";
            }
          } catch (MalformedException ex) {
            // not ICMP
          }
        }
        if (how != null) {
          accepted.add(
              new Evidence(
                  List.of(req.ref(), e.ref()),
                  "no echo reply to the spoofed inner source " + addr(qip.src()),
                  how + " (id " + qm.echoId() + ", seq " + qm.echoSeq() + ")"));
          break;
        }
      }
    }
    if (accepted.isEmpty() && !legitAnswered) {
      return Judgement.inconclusive(
          r,
          "no request from inside the policy was answered either, so the silence to the "
              + spoofed.size()
              + " spoofed ones proves nothing");
    }
    return Judgement.byFindings(
        r,
        accepted,
        spoofed.size()
            + " ESP packets with an inner source outside the policy got no answer, while"
            + " requests from inside it did",
        accepted.size()
            + " of "
            + spoofed.size()
            + " ESP packets with an inner source outside the policy were accepted (answered)");
  }

  private static boolean answers(
      io.natt.wire.IcmpMessage m,
      byte[] dst,
      io.natt.wire.Ipv4Packet request,
      io.natt.wire.IcmpMessage requestIcmp) {
    return m.type() == io.natt.wire.IcmpMessage.ECHO_REPLY
        && m.echoId() == requestIcmp.echoId()
        && m.echoSeq() == requestIcmp.echoSeq()
        && Arrays.equals(dst, request.src());
  }

  private static String addr(byte[] a) {
    return (a[0] & 255) + "." + (a[1] & 255) + "." + (a[2] & 255) + "." + (a[3] & 255);
  }
}
