package io.natt.net;

import io.natt.sys.SetupException;
import io.natt.wire.EthernetFrame;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.UdpDatagram;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * An observation point that no interface offers: a NAT emulated in the harness records what it
 * sends and receives on each side as Ethernet/IPv4/UDP frames (checksums computed), kept in memory
 * for the trace and written to a pcap file that Wireshark opens.
 */
public final class RecordingCapture implements Capture {
  /** The MAC address frames of the near host carry (locally administered). */
  static final byte[] NEAR_MAC = {0x02, 0x6e, 0x61, 0x74, 0x00, 0x01};

  /** The MAC address frames of the far host carry. */
  static final byte[] FAR_MAC = {0x02, 0x6e, 0x61, 0x74, 0x00, 0x02};

  private final String point;
  private final Path file;
  private final List<CapturedFrame> frames = new ArrayList<>();
  private PcapHandle dead;
  private PcapDumper dumper;
  private boolean closed;

  private RecordingCapture(String point, Path file) {
    this.point = point;
    this.file = file;
  }

  /** Starts a recording named {@code point} into {@code file}. */
  public static RecordingCapture start(String point, Path file) {
    RecordingCapture c = new RecordingCapture(point, file);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      c.dead = Pcaps.openDead(DataLinkType.EN10MB, 65536);
      c.dumper = c.dead.dumpOpen(file.toString());
    } catch (IOException | org.pcap4j.core.PcapNativeException e) {
      c.close();
      throw new SetupException("cannot write capture " + file + ": " + e.getMessage(), e);
    } catch (org.pcap4j.core.NotOpenException e) {
      c.close();
      throw new SetupException("cannot write capture " + file + ": " + e.getMessage(), e);
    }
    return c;
  }

  /**
   * Records one UDP datagram as seen at this point.
   *
   * @param outbound whether it leaves the near host (source MAC the near one), for the frame's MACs
   */
  public void record(
      InetSocketAddress from, InetSocketAddress to, byte[] payload, boolean outbound) {
    byte[] src = from.getAddress().getAddress();
    byte[] dst = to.getAddress().getAddress();
    byte[] udp = UdpDatagram.of(from.getPort(), to.getPort(), payload).encode(src, dst);
    byte[] ip = Ipv4Packet.of(src, dst, Ipv4Packet.UDP, udp).encode();
    byte[] frame =
        new EthernetFrame(
                outbound ? FAR_MAC : NEAR_MAC,
                outbound ? NEAR_MAC : FAR_MAC,
                EthernetFrame.ETHERTYPE_IPV4,
                ip)
            .encode();
    Instant now = Instant.now();
    synchronized (frames) {
      if (closed) {
        return;
      }
      try {
        dumper.dumpRaw(frame, Timestamp.from(now));
        dumper.flush();
      } catch (org.pcap4j.core.NotOpenException | org.pcap4j.core.PcapNativeException e) {
        throw new SetupException("writing " + file + ": " + e.getMessage(), e);
      }
      frames.add(new CapturedFrame(point, now, frame));
    }
  }

  @Override
  public String point() {
    return point;
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public List<CapturedFrame> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  @Override
  public void close() {
    synchronized (frames) {
      if (closed) {
        return;
      }
      closed = true;
      if (dumper != null) {
        dumper.close();
      }
      if (dead != null) {
        dead.close();
      }
    }
  }
}
