package io.natt.trace;

import io.natt.wire.Datagram;
import io.natt.wire.PacketView;
import java.net.InetSocketAddress;

/**
 * One packet of the timeline.
 *
 * @param number 1-based position in the whole trace
 * @param point where it was observed: "peer" for the harness's own sockets, else a capture point
 * @param frame 1-based position at its point; for a capture point, the frame number in its pcap
 */
public record TraceEntry(
    int number, String point, int frame, Direction direction, Datagram datagram, PacketView view) {
  public InetSocketAddress from() {
    return datagram.from();
  }

  public InetSocketAddress to() {
    return datagram.to();
  }

  /**
   * "nat-public.pcap #6" for a captured frame, "peer #6" for the harness's own packets, "client-2
   * #6" for those of a further client (its own packets, kept in no capture file of that name).
   */
  public String ref() {
    boolean own = point.equals(Trace.PEER) || point.startsWith("client-");
    return (own ? point : point + ".pcap") + " #" + frame;
  }

  public boolean isIke() {
    return view instanceof PacketView.Ike;
  }

  public String line(long t0Nanos) {
    double t = (datagram.monoNanos() - t0Nanos) / 1e9;
    return String.format(
        "%4d %8.3f %-10s %-8s %21s -> %-21s %s",
        number, t, point, direction, endpoint(from()), endpoint(to()), view.summary());
  }

  static String endpoint(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
