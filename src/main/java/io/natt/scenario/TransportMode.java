package io.natt.scenario;

import io.natt.esp.TransportChecksum;
import io.natt.ike.ChildSaKeys;
import io.natt.ike.IdPayloads;
import io.natt.ike.Ikev1Initiator;
import io.natt.ike.PeerConfig;
import io.natt.wire.IdPayload;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.NatOaPayload;
import java.net.Inet4Address;
import java.util.List;

/**
 * One end of a transport-mode ESP SA pair: the selectors (a protocol and port, or any), the
 * addresses this end believes (its own, the peer's) and the original addresses the peer's NAT-OA
 * payloads gave (RFC 3947 section 5.2), for the checksum fix of RFC 3948 section 3.1.2. In
 * transport mode ESP carries the transport segment itself; the trace shows it inside the IPv4
 * header the receiving stack sees (the outer addresses as that end knows them).
 *
 * @param protocol 17 (UDP) when the Quick Mode IDs name a protocol, else 0 (any: ICMP is sent)
 * @param port the UDP port both IDs name (0: any)
 * @param own this end's address as it believes it (behind a NAT: the private one)
 * @param peer the peer's address as this end sees it
 * @param peerOriginal the peer's own address, from its NAT-OA (the peer's packets' real source)
 * @param ownAsPeerSees this end's address as the peer sees it, from its NAT-OA (the real
 *     destination of the peer's packets)
 */
record TransportMode(
    int protocol,
    int port,
    Inet4Address own,
    Inet4Address peer,
    byte[] peerOriginal,
    byte[] ownAsPeerSees) {

  /** The port the harness's UDP datagrams use when the selectors name no port. */
  static final int DEFAULT_UDP_PORT = 1701;

  /** The harness's Quick Mode in transport mode: host IDs of both ends, with the selectors. */
  static ChildSaKeys quickMode(Ikev1Initiator ike, PeerConfig cfg, Scenario.Step.QuickMode q) {
    IdPayload ci = IdPayloads.host(cfg.localAddress());
    IdPayload cr = IdPayloads.host(cfg.remoteAddress());
    if (q.protocol() != 0) {
      ci = ci.withProtocolPort(q.protocol(), q.port());
      cr = cr.withProtocolPort(q.protocol(), q.port());
    }
    return ike.quickMode(ci, cr, true);
  }

  /**
   * The harness's end after its Quick Mode: the IUT's NAT-OAi is how the IUT sees the harness, its
   * NAT-OAr the IUT's own address; without them, the addresses as the harness sees them.
   */
  static TransportMode of(Ikev1Initiator ike, PeerConfig cfg, Scenario.Step.QuickMode q) {
    return initiatorEnd(
        q.protocol(), q.port(), ike.peerNatOa(), cfg.localAddress(), cfg.remoteAddress());
  }

  /**
   * A responder's end (the emulated IUT, or the harness as responder): the initiator's NAT-OAi is
   * its own address, its NAT-OAr the responder's address as it sees it.
   */
  static TransportMode responder(
      List<NatOaPayload> initiatorOa, Inet4Address own, Inet4Address peer) {
    byte[] peerOwn = usable(initiatorOa, 0) ? initiatorOa.get(0).address() : peer.getAddress();
    byte[] ownSeen = usable(initiatorOa, 1) ? initiatorOa.get(1).address() : own.getAddress();
    return new TransportMode(0, 0, own, peer, peerOwn, ownSeen);
  }

  /**
   * The initiator's end when the peer answered (the emulated IUT as initiator, or the harness's
   * Quick Mode): the responder's NAT-OAi is how it sees this end, its NAT-OAr its own address;
   * without them, the addresses as this end sees them. Any protocol (ICMP).
   */
  static TransportMode initiator(
      List<NatOaPayload> responderOa, Inet4Address own, java.net.InetSocketAddress peer) {
    return initiatorEnd(0, 0, responderOa, own, (Inet4Address) peer.getAddress());
  }

  private static TransportMode initiatorEnd(
      int protocol, int port, List<NatOaPayload> oa, Inet4Address own, Inet4Address peer) {
    byte[] ownSeen = usable(oa, 0) ? oa.get(0).address() : own.getAddress();
    byte[] peerOwn = usable(oa, 1) ? oa.get(1).address() : peer.getAddress();
    return new TransportMode(protocol, port, own, peer, peerOwn, ownSeen);
  }

  private static boolean usable(List<NatOaPayload> oa, int k) {
    return oa.size() > k && oa.get(k).address().length == 4;
  }

  /** UDP when the selectors name it: the port both ends use. */
  int udpPort() {
    return port != 0 ? port : DEFAULT_UDP_PORT;
  }

  boolean udp() {
    return protocol == Ipv4Packet.UDP;
  }

  /** A UDP segment from this end, its checksum over this end's own addresses (as a host does). */
  byte[] udpSegment(int srcPort, int dstPort, byte[] data) {
    return io.natt.wire.UdpDatagram.of(srcPort, dstPort, data)
        .encode(own.getAddress(), peer.getAddress());
  }

  /** The packet this end sends, as the trace shows it: the segment in the outer IPv4 header. */
  byte[] sent(int protocol, byte[] segment) {
    return Ipv4Packet.of(own.getAddress(), peer.getAddress(), protocol, segment).encode();
  }

  /**
   * The packet this end's stack sees after transport-mode decapsulation: the segment inside the
   * IPv4 header of the outer addresses, a UDP checksum fixed from the peer's original addresses to
   * these (RFC 3948 section 3.1.2, option 1).
   */
  byte[] received(int nextHeader, byte[] segment) {
    byte[] s = segment;
    if (nextHeader == Ipv4Packet.UDP && segment.length >= 8) {
      s =
          TransportChecksum.fix(
              segment,
              TransportChecksum.UDP_CHECKSUM,
              true,
              peerOriginal,
              ownAsPeerSees,
              peer.getAddress(),
              own.getAddress());
    }
    return Ipv4Packet.of(peer.getAddress(), own.getAddress(), nextHeader, s).encode();
  }

  /** The step's line: how many replies came back, or a StepFailed naming the first missing. */
  static String describe(List<HarnessPeer.PingResult> r, List<HarnessPeer.PingResult> all) {
    return Runner.replies(
        r, all, "replies", "through the transport-mode SA", "decrypted in transport mode");
  }
}
