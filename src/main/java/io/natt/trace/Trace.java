package io.natt.trace;

import io.natt.wire.Datagram;
import io.natt.wire.EthernetFrame;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.MalformedException;
import io.natt.wire.PacketView;
import io.natt.wire.UdpDatagram;
import io.natt.wire.WireReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The observed timeline: every packet the harness's peer sent and received (decoded, decrypted
 * where it had the keys), and every frame seen on the capture points. Thread-safe.
 */
public final class Trace {
  public static final String PEER = "peer";

  private final List<TraceEntry> entries = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<SaKeys> keys = new ArrayList<>();
  private final java.util.Map<String, Integer> frames = new java.util.HashMap<>();
  private TraceContext context;
  private final long t0 = System.nanoTime();
  private Long observedUntil;

  /** Records a packet of the harness's own peer. */
  public synchronized TraceEntry record(Direction direction, Datagram d, PacketView view) {
    TraceEntry e = new TraceEntry(entries.size() + 1, PEER, nextFrame(PEER), direction, d, view);
    entries.add(e);
    return e;
  }

  /**
   * Adds an entry as it was stored (a trace file read back): the point, direction, datagram and
   * decoded view are taken as given.
   */
  public synchronized TraceEntry restore(
      String point, Direction direction, Datagram d, PacketView view) {
    TraceEntry e = new TraceEntry(entries.size() + 1, point, nextFrame(point), direction, d, view);
    entries.add(e);
    return e;
  }

  /** Records a frame captured at a capture point (Ethernet/IPv4/UDP, decoded without keys). */
  public synchronized TraceEntry observe(String point, Instant time, long monoNanos, byte[] frame) {
    Datagram d;
    PacketView view;
    try {
      EthernetFrame eth = EthernetFrame.decode(frame);
      Ipv4Packet ip = Ipv4Packet.decode(eth.payload());
      if ((ip.flagsAndFragment() & 0x3fff) != 0) {
        // a piece of a larger datagram: its bytes are no UDP header (after the first piece) nor a
        // whole payload, so they are shown as what they are, never decoded as IKE or ESP
        d = new Datagram(sock(ip.src(), 0), sock(ip.dst(), 0), ip.payload(), time, monoNanos);
        view =
            new PacketView.Other(
                "IPv4 fragment, offset "
                    + 8 * (ip.flagsAndFragment() & 0x1fff)
                    + ((ip.flagsAndFragment() & 0x2000) != 0 ? ", more follow" : ", the last"));
      } else if (ip.protocol() == Ipv4Packet.UDP) {
        UdpDatagram udp = UdpDatagram.decode(new WireReader(ip.payload()));
        d =
            new Datagram(
                sock(ip.src(), udp.srcPort()),
                sock(ip.dst(), udp.dstPort()),
                udp.payload(),
                time,
                monoNanos);
        view = PacketView.classify(udp.srcPort(), udp.dstPort(), udp.payload());
      } else {
        d = new Datagram(sock(ip.src(), 0), sock(ip.dst(), 0), ip.payload(), time, monoNanos);
        view = new PacketView.Other("IPv4 protocol " + ip.protocol());
      }
    } catch (MalformedException e) {
      d = new Datagram(unknown(), unknown(), frame, time, monoNanos);
      view = new PacketView.Malformed("captured frame", e);
    }
    TraceEntry e =
        new TraceEntry(entries.size() + 1, point, nextFrame(point), Direction.OBSERVED, d, view);
    entries.add(e);
    return e;
  }

  /**
   * When the harness stopped observing (its monotonic clock, as the entries' times): a silence of
   * the IUT lasts until then, not only until the last packet of the trace.
   */
  public synchronized void observedUntil(long monoNanos) {
    observedUntil = monoNanos;
  }

  /** When the harness stopped observing, where the trace says it. */
  public synchronized java.util.OptionalLong observedUntil() {
    return observedUntil == null
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(observedUntil);
  }

  /** A line of what the harness concluded (NAT detected, float, ...), kept with the trace. */
  public synchronized void note(String text) {
    notes.add(String.format("%8.3f %s", (System.nanoTime() - t0) / 1e9, text));
  }

  public synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  private int nextFrame(String point) {
    return frames.merge(point, 1, Integer::sum);
  }

  /** What the checks need to know about the set-up (addresses, NATs, claims). */
  public synchronized void context(TraceContext c) {
    this.context = c;
  }

  public synchronized TraceContext context() {
    if (context == null) {
      throw new IllegalStateException("trace has no context (addresses of IUT and harness)");
    }
    return context;
  }

  /** Keeps the keys of an SA the harness negotiated. */
  public synchronized void addKeys(SaKeys k) {
    keys.add(k);
  }

  public synchronized List<SaKeys> keys() {
    return List.copyOf(keys);
  }

  public synchronized List<TraceEntry> entries() {
    return List.copyOf(entries);
  }

  /** The entries of one observation point, in time order. */
  public synchronized List<TraceEntry> at(String point) {
    return entries.stream()
        .filter(e -> e.point().equals(point))
        .sorted(Comparator.comparingLong(e -> e.datagram().monoNanos()))
        .toList();
  }

  public synchronized List<TraceEntry> where(Predicate<TraceEntry> p) {
    return entries.stream().filter(p).toList();
  }

  /** A readable ladder of one observation point. */
  public synchronized String ladder(String point) {
    return at(point).stream().map(e -> e.line(t0)).collect(Collectors.joining("\n"));
  }

  public long t0() {
    return t0;
  }

  private static InetSocketAddress sock(byte[] addr, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static InetSocketAddress unknown() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }
}
