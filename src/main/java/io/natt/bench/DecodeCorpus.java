package io.natt.bench;

import io.natt.net.CapturedFrame;
import io.natt.net.PcapFile;
import io.natt.wire.EthernetFrame;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.MalformedException;
import io.natt.wire.PacketView;
import io.natt.wire.UdpDatagram;
import io.natt.wire.WireReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The recorded traffic the decode figure runs over: every UDP frame on port 500 or 4500 of the
 * pcaps in a folder, decoded per step exactly as the trace decodes a captured frame (Ethernet,
 * IPv4, UDP, then {@link PacketView#classify}, which decodes the ISAKMP message or the ESP header).
 */
final class DecodeCorpus implements Meter.Op {
  private final List<byte[]> frames;
  private final String mix;
  private int next;
  private int sink;

  private DecodeCorpus(List<byte[]> frames, String mix) {
    this.frames = frames;
    this.mix = mix;
  }

  /**
   * Reads the corpus.
   *
   * @throws BenchSetupException with a message for the user when the folder has no usable capture
   */
  static DecodeCorpus load(Path dir) {
    List<Path> pcaps;
    try (Stream<Path> s = Files.list(dir)) {
      pcaps = s.filter(p -> p.getFileName().toString().endsWith(".pcap")).sorted().toList();
    } catch (IOException e) {
      throw new BenchSetupException(
          dir + ": cannot list the captures folder (" + e.getMessage() + ")");
    }
    List<byte[]> frames = new ArrayList<>();
    int ike = 0;
    int esp = 0;
    int keepalive = 0;
    int malformed = 0;
    for (Path p : pcaps) {
      for (CapturedFrame f : PcapFile.read(p, p.getFileName().toString())) {
        byte[] b = f.bytes();
        PacketView v;
        try {
          v = decode(b);
        } catch (MalformedException e) {
          continue; // not IPv4/UDP: outside the corpus
        }
        if (v == null) {
          continue;
        }
        frames.add(b);
        if (v instanceof PacketView.Ike) {
          ike++;
        } else if (v instanceof PacketView.Esp) {
          esp++;
        } else if (v instanceof PacketView.Keepalive) {
          keepalive++;
        } else if (v instanceof PacketView.Malformed) {
          malformed++;
        }
      }
    }
    if (frames.isEmpty()) {
      throw new BenchSetupException(
          dir
              + ": no UDP 500/4500 frame in "
              + (pcaps.isEmpty() ? "any *.pcap (there is none)" : pcaps.size() + " pcap file(s)")
              + "; run from the project folder or give --captures DIR");
    }
    String mix =
        String.format(
            "%d frames from %d pcap file(s) under %s: %d IKE, %d ESP, %d keepalive, %d malformed",
            frames.size(), pcaps.size(), dir, ike, esp, keepalive, malformed);
    return new DecodeCorpus(List.copyOf(frames), mix);
  }

  /** One frame through the codecs; null when it is not UDP on 500 or 4500. */
  static PacketView decode(byte[] frame) {
    EthernetFrame eth = EthernetFrame.decode(frame);
    if (eth.etherType() != EthernetFrame.ETHERTYPE_IPV4) {
      return null;
    }
    Ipv4Packet ip = Ipv4Packet.decode(eth.payload());
    if (ip.protocol() != Ipv4Packet.UDP) {
      return null;
    }
    UdpDatagram udp = UdpDatagram.decode(new WireReader(ip.payload()));
    int sp = udp.srcPort();
    int dp = udp.dstPort();
    boolean ikePorts =
        sp == PacketView.IKE_PORT
            || dp == PacketView.IKE_PORT
            || sp == PacketView.NAT_T_PORT
            || dp == PacketView.NAT_T_PORT;
    return ikePorts ? PacketView.classify(sp, dp, udp.payload()) : null;
  }

  /** What the corpus holds, for the printout. */
  String mix() {
    return mix;
  }

  int size() {
    return frames.size();
  }

  @Override
  public int run() {
    byte[] f = frames.get(next);
    next = next + 1 == frames.size() ? 0 : next + 1;
    sink += decode(f) instanceof PacketView.Malformed ? 0 : 1;
    return 1;
  }

  int sink() {
    return sink;
  }
}
