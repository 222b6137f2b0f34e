package io.natt.wire;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a UDP payload on the IKE ports is, decoded as far as the observer could: an IKE message
 * (with its payloads when it was plaintext or the observer could decrypt it), a NAT-keepalive, an
 * ESP packet (with the inner packet when decrypted), something malformed, or something else.
 */
public sealed interface PacketView {
  int IKE_PORT = 500;
  int NAT_T_PORT = 4500;

  /** A one-line description for ladders and logs. */
  String summary();

  /**
   * An ISAKMP message.
   *
   * @param marker it came on port 4500 behind a non-ESP marker
   * @param payloads the plaintext payloads, or the decrypted ones when {@code decrypted}
   */
  record Ike(boolean marker, IsakmpHeader header, List<Payload> payloads, boolean decrypted)
      implements PacketView {
    public Ike {
      payloads = List.copyOf(payloads);
    }

    public <T extends Payload> List<T> all(Class<T> type) {
      return payloads.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public String summary() {
      String ex = ExchangeType.valueOf(header.exchangeType()).name();
      String body;
      if (header.encrypted() && !decrypted) {
        body = "[encrypted]";
      } else {
        body =
            payloads.stream()
                .map(PacketView::payloadName)
                .collect(Collectors.joining(", ", "[", "]"));
      }
      return (marker ? "marker+" : "")
          + "ISAKMP "
          + ex
          + (header.messageId() != 0 ? " mid=" + Long.toHexString(header.messageId()) : "")
          + (header.encrypted() ? " *" : "")
          + " "
          + body;
    }
  }

  /**
   * An IKEv2 message (header version 2.0), named but not judged by any IKEv1 check.
   *
   * @param marker it came on port 4500 behind a non-ESP marker
   */
  record Ikev2(boolean marker, Ikev2Message message) implements PacketView {
    @Override
    public String summary() {
      return (marker ? "marker+" : "") + message.summary();
    }
  }

  /** A NAT-keepalive (RFC 3948 section 2.3): one byte, normally 0xFF. */
  record Keepalive(byte[] bytes) implements PacketView {
    @Override
    public String summary() {
      return "NAT-keepalive " + Hex.hex(bytes);
    }
  }

  /**
   * An ESP packet, UDP-encapsulated or not.
   *
   * @param inner the decrypted inner IP packet, when the observer had the keys
   */
  record Esp(EspPacket esp, Optional<byte[]> inner) implements PacketView {
    @Override
    public String summary() {
      return "ESP spi="
          + String.format("%08x", esp.spi())
          + " seq="
          + esp.sequence()
          + inner.map(b -> " " + innerSummary(b)).orElse("");
    }
  }

  /** Bytes that do not decode; the error names the field and offset. */
  record Malformed(String what, MalformedException error) implements PacketView {
    @Override
    public String summary() {
      return "MALFORMED " + what + ": " + error.getMessage();
    }
  }

  /** Anything else seen at a capture point (ICMP, other ports). */
  record Other(String description) implements PacketView {
    @Override
    public String summary() {
      return description;
    }
  }

  /** Decodes a UDP payload seen on the given ports, without keys. */
  static PacketView classify(int srcPort, int dstPort, byte[] udpPayload) {
    boolean natT = srcPort == NAT_T_PORT || dstPort == NAT_T_PORT;
    boolean ike = srcPort == IKE_PORT || dstPort == IKE_PORT;
    try {
      if (natT) {
        Udp4500 u = Udp4500.decode(udpPayload);
        if (u instanceof Udp4500.Keepalive k) {
          return new Keepalive(k.bytes());
        } else if (u instanceof Udp4500.NonEsp n) {
          return ike(true, n.ike());
        } else if (u instanceof Udp4500.EspInUdp e) {
          return new Esp(e.esp(), Optional.empty());
        }
      }
      if (ike) {
        return ike(false, udpPayload);
      }
      return new Other("UDP " + srcPort + " > " + dstPort + " len " + udpPayload.length);
    } catch (MalformedException e) {
      return new Malformed(natT ? "UDP 4500 payload" : "ISAKMP message", e);
    }
  }

  private static PacketView ike(boolean marker, byte[] bytes) {
    if (Ikev2Message.isVersion2(bytes)) {
      return new Ikev2(marker, Ikev2Message.decode(bytes));
    }
    IsakmpMessage m = IsakmpMessage.decode(bytes);
    return new Ike(marker, m.header(), m.payloads(), false);
  }

  /** A short readable name for a payload, with the detail that matters for NAT-T. */
  static String payloadName(Payload p) {
    if (p instanceof VendorIdPayload v) {
      return "VID(" + VendorIds.name(v.data()) + ")";
    } else if (p instanceof NatDPayload n) {
      return (n.type() == PayloadType.NAT_D_DRAFT.code() ? "NAT-D(draft)" : "NAT-D");
    } else if (p instanceof NatOaPayload n) {
      return (n.type() == PayloadType.NAT_OA_DRAFT.code() ? "NAT-OA(draft)" : "NAT-OA");
    } else if (p instanceof NotificationPayload n) {
      return "N(" + NotifyType.valueOf(n.notifyType()).name() + ")";
    } else if (p instanceof IdPayload id) {
      return "ID(" + id.identity() + ")";
    }
    return PayloadType.valueOf(p.type()).name();
  }

  /** "ICMP echo request 10.0.1.2 > 10.9.0.1 id=.. seq=.." for an inner IPv4 packet. */
  static String innerSummary(byte[] ip) {
    try {
      Ipv4Packet p = Ipv4Packet.decode(ip);
      String addrs = addr(p.src()) + " > " + addr(p.dst());
      if (p.protocol() == Ipv4Packet.ICMP) {
        IcmpMessage icmp = IcmpMessage.decode(new WireReader(p.payload()));
        String kind =
            icmp.type() == 8
                ? "echo request"
                : icmp.type() == 0 ? "echo reply" : "type " + icmp.type();
        return "[ICMP " + kind + " " + addrs + " seq=" + icmp.echoSeq() + "]";
      }
      return "[IPv4 proto " + p.protocol() + " " + addrs + "]";
    } catch (MalformedException e) {
      return "[inner: " + e.getMessage() + "]";
    }
  }

  private static String addr(byte[] a) {
    return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
  }
}
