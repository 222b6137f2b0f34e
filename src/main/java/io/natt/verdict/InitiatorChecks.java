package io.natt.verdict;

import static io.natt.verdict.IkeTraffic.endpoint;
import static io.natt.verdict.IkeTraffic.ike;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.NatDPayload;
import io.natt.wire.PacketView;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks that only an initiating IUT can be judged on (the harness as responder): what the
 * initiator of RFC 3947 alone must do.
 */
final class InitiatorChecks {
  private InitiatorChecks() {}

  /**
   * RFC 3947 section 4: an initiator that has detected a NAT sends Main Mode message 5 (Aggressive
   * Mode message 3) as UDP(4500, 4500) with the non-ESP marker. The IUT detects the NAT the way RFC
   * 3947 section 3.2 says, from the harness's NAT-D in Main Mode message 4 (Aggressive Mode message
   * 2): the first hash must be that of the IUT's own address and port, one of the others that of
   * the harness's address and port the IUT sent to. When both match there was nothing to detect
   * (NOT_APPLICABLE, whatever the IUT did: one that forces encapsulation floats anyway). Behind a
   * NAT the IUT's source port is the NAT's, so only the destination port and the marker are judged
   * there.
   */
  static Judgement initiatorFloat(Trace t, Requirement r) {
    IkeTraffic x = new IkeTraffic(t);
    if (!x.iutInitiated()) {
      return Judgement.notApplicable(r, "the harness initiated; the IUT was the responder");
    }
    if (x.agreedNatT().isEmpty()) {
      return Judgement.notApplicable(r, "no NAT-T variant was agreed in messages 1 and 2");
    }
    String theirs = x.aggressive() ? "Aggressive Mode message 2" : "Main Mode message 4";
    String floatMessage = x.aggressive() ? "Aggressive Mode message 3" : "Main Mode message 5";
    Optional<TraceEntry> harnessNatD = x.withKe(Direction.SENT);
    Optional<TraceEntry> iutKe = x.withKe(Direction.RECEIVED);
    if (harnessNatD.isEmpty() || iutKe.isEmpty()) {
      return Judgement.inconclusive(r, "the key exchange did not get as far as " + theirs);
    }
    PacketView.Ike h = ike(harnessNatD.get()).orElseThrow();
    List<NatDPayload> natd = h.all(NatDPayload.class);
    if (natd.size() < 2) {
      return Judgement.notApplicable(r, "the harness's " + theirs + " carries no NAT-D pair");
    }
    Optional<String> alg = x.negotiatedHash();
    if (alg.isEmpty() || alg.get().startsWith("unknown")) {
      return Judgement.inconclusive(r, "the negotiated hash algorithm is unknown");
    }
    java.net.Inet4Address own = x.context().iutOwnAddress();
    // the addresses as the IUT sent them: a NAT in front of the harness shows the harness at its
    // public address, which the IUT's detection is about
    TraceEntry sent = x.atIutSide(iutKe.get()).orElse(iutKe.get());
    InetSocketAddress seen = sent.from();
    InetSocketAddress harness = sent.to();
    byte[] ownHash = IkeTraffic.natdHash(alg.get(), h, new InetSocketAddress(own, seen.getPort()));
    byte[] harnessHash = IkeTraffic.natdHash(alg.get(), h, harness);
    boolean iutMatches = Arrays.equals(natd.get(0).hash(), ownHash);
    boolean harnessMatches =
        natd.subList(1, natd.size()).stream().anyMatch(n -> Arrays.equals(n.hash(), harnessHash));
    if (iutMatches && harnessMatches) {
      return Judgement.notApplicable(
          r,
          "the harness's NAT-D in "
              + theirs
              + " matched the IUT's own "
              + own.getHostAddress()
              + ":"
              + seen.getPort()
              + " and the harness's "
              + endpoint(harness)
              + ": no NAT for the IUT to detect");
    }
    String told =
        iutMatches
            ? "the harness's hash of itself did not match " + endpoint(harness)
            : "the harness's hash of the IUT named "
                + (seen.getAddress().equals(own) ? "another port than" : "another address than")
                + " its own "
                + own.getHostAddress();
    Optional<TraceEntry> m5 = x.encryptedMainMode(Direction.RECEIVED);
    if (m5.isEmpty()) {
      return Judgement.inconclusive(r, told + ", but the IUT never sent " + floatMessage);
    }
    boolean marker = ike(m5.get()).orElseThrow().marker();
    TraceEntry e = x.atIutSide(m5.get()).orElse(m5.get());
    boolean behindNat = !seen.getAddress().equals(own);
    boolean ok = e.to().getPort() == 4500 && marker && (behindNat || e.from().getPort() == 4500);
    Evidence ev =
        new Evidence(
            List.of(harnessNatD.get().ref(), e.ref()),
            floatMessage
                + " as UDP("
                + (behindNat ? "any" : "4500")
                + ", 4500) with the non-ESP marker",
            "UDP("
                + e.from().getPort()
                + ", "
                + e.to().getPort()
                + ")"
                + (marker ? " with" : " without")
                + " the marker");
    return ok
        ? Judgement.pass(r, told + "; the IUT floated to 4500 with " + floatMessage, List.of(ev))
        : Judgement.fail(
            r, told + ", yet the IUT did not move to 4500 with " + floatMessage, List.of(ev));
  }
}
