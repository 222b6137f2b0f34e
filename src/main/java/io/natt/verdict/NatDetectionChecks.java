package io.natt.verdict;

import static io.natt.verdict.IkeTraffic.endpoint;
import static io.natt.verdict.IkeTraffic.ike;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.ExchangeType;
import io.natt.wire.Hex;
import io.natt.wire.IpsecAttr;
import io.natt.wire.NatDPayload;
import io.natt.wire.PacketView;
import io.natt.wire.SaPayload;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Checks on what the IUT concludes from the NAT-D payloads (RFC 3947 section 3.2). */
final class NatDetectionChecks {
  private NatDetectionChecks() {}

  private static boolean plain(int mode) {
    return mode == IpsecAttr.TUNNEL || mode == IpsecAttr.TRANSPORT;
  }

  /**
   * A NAT is detected only when no local hash matches: when the harness's first NAT-D names the IUT
   * where the IUT is, and one of its other NAT-D payloads (there may be several, one per address
   * the harness might send from) names where the harness's packet really came from, the IUT must
   * take the path as free of NATs, even if other local hashes do not match. Shown by what it does
   * next: it does not answer a plain Quick Mode offer with a UDP-encapsulated mode, and sends
   * neither IKE from 4500 nor ESP-in-UDP before the harness did. Judged only where the IUT has no
   * reason of its own to encapsulate (its own NAT-D names it where the harness saw it: an IUT that
   * forces encapsulation fakes that hash) and the harness did not itself offer UDP encapsulation.
   */
  static Judgement natOnlyWhenNoMatch(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    Optional<TraceEntry> m3 = x.withKe(Direction.SENT);
    Optional<TraceEntry> m4 = x.withKe(Direction.RECEIVED);
    if (m3.isEmpty() || m4.isEmpty()) {
      return Judgement.notApplicable(r, "no NAT-D exchange of both sides in this trace");
    }
    PacketView.Ike h3 = ike(m3.get()).orElseThrow();
    PacketView.Ike h4 = ike(m4.get()).orElseThrow();
    List<NatDPayload> ours = h3.all(NatDPayload.class);
    List<NatDPayload> theirs = h4.all(NatDPayload.class);
    if (ours.size() < 2 || theirs.size() < 2) {
      return Judgement.notApplicable(r, "one side sent fewer than two NAT-D payloads");
    }
    Optional<String> alg = x.negotiatedHash();
    if (alg.isEmpty() || alg.get().startsWith("unknown")) {
      return Judgement.inconclusive(r, "the negotiated hash algorithm is unknown");
    }
    Optional<TraceEntry> m3AtIut = x.atIutSide(m3.get());
    if (m3AtIut.isEmpty()) {
      return Judgement.inconclusive(r, "the harness's NAT-D message was not seen near the IUT");
    }
    InetSocketAddress iutSeen = m3AtIut.get().to();
    InetSocketAddress harnessSeen = m3AtIut.get().from();
    InetSocketAddress iutOwn =
        new InetSocketAddress(x.context().iutOwnAddress(), iutSeen.getPort());
    if (!Arrays.equals(ours.get(0).hash(), IkeTraffic.natdHash(alg.get(), h3, iutOwn))) {
      return Judgement.notApplicable(
          r,
          "the harness's first NAT-D does not name the IUT where it is: a NAT is in front of it");
    }
    byte[] real = IkeTraffic.natdHash(alg.get(), h3, harnessSeen);
    boolean oneMatches = ours.stream().skip(1).anyMatch(n -> Arrays.equals(n.hash(), real));
    if (!oneMatches) {
      return Judgement.notApplicable(
          r,
          "none of the harness's local NAT-D names "
              + endpoint(harnessSeen)
              + ": the IUT rightly sees a NAT in front of the harness");
    }
    Optional<TraceEntry> m4AtPeer = Optional.of(m4.get());
    InetSocketAddress iutAsSeen = m4AtPeer.get().from();
    byte[] iutReal = IkeTraffic.natdHash(alg.get(), h4, iutAsSeen);
    if (theirs.stream().skip(1).noneMatch(n -> Arrays.equals(n.hash(), iutReal))) {
      return Judgement.notApplicable(
          r,
          "the IUT's own NAT-D does not name it at "
              + endpoint(iutAsSeen)
              + " (it forces UDP encapsulation, or a NAT is in front of it): it has its own"
              + " reason to encapsulate");
    }
    int extra = ours.size() - 2;
    String setting =
        "the harness's first NAT-D named the IUT at "
            + endpoint(iutOwn)
            + " and one of its "
            + (ours.size() - 1)
            + " local NAT-D named "
            + endpoint(harnessSeen)
            + (extra > 0 ? " (" + extra + " more did not match)" : "")
            + ", so no NAT is between";
    List<Evidence> wrong = new ArrayList<>();
    boolean harnessOfferedUdp = false;
    boolean qmJudged = false;
    for (TraceEntry e : x.peer()) {
      Optional<PacketView.Ike> i = ike(e);
      if (i.isEmpty()
          || !i.get().decrypted()
          || i.get().header().exchangeType() != ExchangeType.QUICK.code()) {
        continue;
      }
      for (SaPayload sa : i.get().all(SaPayload.class)) {
        int mode = IkeTraffic.encapsulationMode(sa);
        if (e.direction() == Direction.SENT && !plain(mode) && mode != -1) {
          harnessOfferedUdp = true;
        } else if (e.direction() == Direction.RECEIVED) {
          qmJudged = true;
          if (!plain(mode) && mode != -1) {
            wrong.add(
                Evidence.of(
                    e.ref(),
                    "the plain mode the harness offered",
                    IpsecAttr.encapsulationName(mode) + " (" + mode + ")"));
          }
        }
      }
    }
    if (harnessOfferedUdp) {
      return Judgement.notApplicable(
          r, "the harness itself offered UDP encapsulation in Quick Mode");
    }
    Optional<TraceEntry> firstHarness4500 = x.harnessFloat();
    // an initiating IUT that started on 4500 chose the port before any NAT-D (RFC 3947 section 4
    // allows that): its port tells nothing of what it concluded
    boolean startedOn4500 =
        x.iutInitiated() && x.firstMessage1().map(e -> e.from().getPort() == 4500).orElse(false);
    for (TraceEntry e : startedOn4500 ? List.<TraceEntry>of() : x.iutSide()) {
      if (!x.fromIut(e) || e.from().getPort() != 4500) {
        continue;
      }
      if (firstHarness4500.isPresent()
          && e.datagram().monoNanos() > firstHarness4500.get().datagram().monoNanos()) {
        break;
      }
      wrong.add(
          Evidence.of(
              e.ref(),
              "nothing from port 4500 while no NAT is detected",
              e.view().summary() + " from " + endpoint(e.from())));
      break;
    }
    if (!wrong.isEmpty()) {
      return Judgement.fail(r, setting + "; yet the IUT acted as if a NAT were in the path", wrong);
    }
    if (!qmJudged) {
      return Judgement.inconclusive(r, setting + "; no Quick Mode answer of the IUT to judge");
    }
    return Judgement.pass(
        r,
        setting + "; the IUT kept to the plain mode and port 500",
        List.of(
            Evidence.of(
                m3.get().ref(), "NAT-D " + Hex.hex(real) + " among the local ones", "present")));
  }
}
