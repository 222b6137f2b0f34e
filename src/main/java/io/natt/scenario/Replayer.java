package io.natt.scenario;

import io.natt.net.CapturedFrame;
import io.natt.net.PcapFile;
import io.natt.wire.EthernetFrame;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.MalformedException;
import io.natt.wire.PacketView;
import io.natt.wire.UdpDatagram;
import io.natt.wire.WireReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays what the initiator of a recorded exchange sent (UDP to port 500 or 4500), from the
 * harness's sockets of the same port numbers to the IUT, rewriting on request the IKE cookies (to
 * the current IKE SA's, or to fresh ones) and the ESP SPI (to the current outbound SA's). Addresses
 * and ports are always this run's. Gaps between packets are kept, capped at 200 ms.
 */
final class Replayer {
  /** One datagram to send. */
  record Packet(int dstPort, byte[] payload, Duration gapBefore) {}

  private static final Duration MAX_GAP = Duration.ofMillis(200);

  private Replayer() {}

  /** The initiator's datagrams of the capture, rewritten. */
  static List<Packet> plan(
      Path file, byte[] ckyI, byte[] ckyR, long outboundSpi, boolean cookies, boolean spis) {
    List<CapturedFrame> frames = PcapFile.read(file, "replay");
    InetAddress initiator = null;
    List<Packet> out = new ArrayList<>();
    Map<String, byte[]> freshCookies = new HashMap<>();
    SecureRandom rnd = new SecureRandom();
    java.time.Instant last = null;
    for (CapturedFrame f : frames) {
      UdpDatagram udp;
      InetAddress src;
      try {
        Ipv4Packet ip = Ipv4Packet.decode(EthernetFrame.decode(f.bytes()).payload());
        if (ip.protocol() != Ipv4Packet.UDP) {
          continue;
        }
        udp = UdpDatagram.decode(new WireReader(ip.payload()));
        src = InetAddress.getByAddress(ip.src());
      } catch (MalformedException | java.net.UnknownHostException e) {
        continue;
      }
      if (udp.dstPort() != 500 && udp.dstPort() != 4500) {
        continue;
      }
      PacketView v = PacketView.classify(udp.srcPort(), udp.dstPort(), udp.payload());
      if (initiator == null) {
        if (v instanceof PacketView.Ike i && isZero(i.header().responderCookie())) {
          initiator = src;
        } else {
          continue;
        }
      }
      if (!src.equals(initiator)) {
        continue;
      }
      byte[] p = udp.payload();
      if (cookies && v instanceof PacketView.Ike i) {
        int at = i.marker() ? 4 : 0;
        byte[] newI =
            ckyI != null
                ? ckyI
                : freshCookies.computeIfAbsent(
                    Arrays.toString(i.header().initiatorCookie()),
                    k -> {
                      byte[] c = new byte[8];
                      rnd.nextBytes(c);
                      c[0] |= 1;
                      return c;
                    });
        System.arraycopy(newI, 0, p, at, 8);
        byte[] newR = ckyR != null ? ckyR : new byte[8];
        if (!isZero(i.header().responderCookie())) {
          System.arraycopy(newR, 0, p, at + 8, 8);
        }
      }
      if (spis && v instanceof PacketView.Esp && outboundSpi != 0) {
        ByteBuffer.wrap(p).putInt(0, (int) outboundSpi);
      }
      Duration gap = last == null ? Duration.ZERO : Duration.between(last, f.time());
      if (gap.isNegative() || gap.compareTo(MAX_GAP) > 0) {
        gap = gap.isNegative() ? Duration.ZERO : MAX_GAP;
      }
      last = f.time();
      out.add(new Packet(udp.dstPort(), p, gap));
    }
    return out;
  }

  /** Sends the plan through the harness's sockets; returns how many were sent. */
  static int send(List<Packet> plan, HarnessPeer peer, InetAddress iut) {
    for (Packet p : plan) {
      if (!p.gapBefore().isZero()) {
        peer.drain(p.gapBefore());
      }
      peer.sendRaw(p.dstPort(), new InetSocketAddress(iut, p.dstPort()), p.payload());
    }
    return plan.size();
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
