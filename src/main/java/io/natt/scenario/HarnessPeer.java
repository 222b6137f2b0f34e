package io.natt.scenario;

import io.natt.esp.EspException;
import io.natt.esp.EspSa;
import io.natt.ike.Channel;
import io.natt.ike.ChildSaKeys;
import io.natt.ike.Ikev1Initiator;
import io.natt.ike.Knobs;
import io.natt.net.DatagramPort;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.wire.Datagram;
import io.natt.wire.EspPacket;
import io.natt.wire.IcmpMessage;
import io.natt.wire.Ipv4Packet;
import io.natt.wire.MalformedException;
import io.natt.wire.PacketView;
import io.natt.wire.WireReader;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The harness's side of the wire: connects the IKE engine to its datagram port, sorts what comes in
 * (IKE to the engine, ESP to the SAs, keepalives to the trace), sends ESP and NAT-keepalives, and
 * records every packet in the trace.
 */
public final class HarnessPeer implements Channel, AutoCloseable {
  private final DatagramPort transport;
  private final Trace trace;
  private final SecureRandom random;
  private final Deque<Datagram> pendingIke = new ArrayDeque<>();
  private final List<byte[]> innerReceived = new ArrayList<>();
  private ScheduledExecutorService keepalives;
  private io.natt.sys.RawIpv4Socket raw;
  private Inet4Address rawSource;
  private Inet4Address rawOnlyTo;
  private Endpoint ike;
  private java.util.function.Consumer<Datagram> ikeHandler;
  private EspSa in;
  private EspSa out;
  private TransportMode transportMode;

  public HarnessPeer(DatagramPort transport, Trace trace, SecureRandom random) {
    this.transport = transport;
    this.trace = trace;
    this.random = random;
  }

  /** A listener that records the engine's packets and notes into this peer's trace. */
  public io.natt.ike.PeerListener recorder() {
    return new TraceRecorder(trace);
  }

  /**
   * Where the harness's ESP and keepalives go, as its IKE engine (either role) says: the local port
   * in use (500, or 4500 after the float), the IUT's endpoint now, and the engine's knobs.
   */
  private record Endpoint(
      java.util.function.IntSupplier localPort,
      java.util.function.Supplier<InetSocketAddress> remote,
      Knobs knobs) {
    int port() {
      return localPort.getAsInt();
    }

    InetSocketAddress remoteEndpoint() {
      return remote.get();
    }
  }

  public void attach(Ikev1Initiator engine) {
    this.ike = new Endpoint(engine::localPort, engine::remoteEndpoint, engine.knobs());
  }

  /**
   * Attaches the harness's responder: ESP and keepalives follow it to the IUT's endpoint, and an
   * IKE datagram that arrives while the peer waits for something else (an echo reply, a keepalive,
   * a drain) goes to the responder at once, so that it keeps answering whatever the IUT starts.
   */
  public void attach(io.natt.ike.Ikev1Responder engine, Knobs knobs) {
    this.ike = new Endpoint(engine::localPort, engine::remoteEndpoint, knobs);
    this.ikeHandler = engine::handle;
  }

  /**
   * IKE messages the IUT starts while the harness's initiator waits for nothing (a drain, an echo
   * reply) go to {@code handler} (the engine's dead-peer detection) instead of only the trace.
   */
  public void handleIkeWith(java.util.function.Consumer<Datagram> handler) {
    this.ikeHandler = handler;
  }

  /** Installs the ESP SA pair of a finished Quick Mode (tunnel mode until {@link #transport}). */
  public void install(ChildSaKeys k) {
    in = new EspSa(k.spiIn(), k.cipher(), k.encIn(), k.integrity(), k.authIn());
    out = new EspSa(k.spiOut(), k.cipher(), k.encOut(), k.integrity(), k.authOut());
    transportMode = null;
  }

  /** The installed SA pair is in transport mode, with these selectors and original addresses. */
  void transport(TransportMode t) {
    this.transportMode = t;
  }

  // ------------------------------------------------------------------ Channel

  @Override
  public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
    return transport.send(localPort, to, payload);
  }

  @Override
  public synchronized Optional<Datagram> receive(Duration timeout) {
    if (!pendingIke.isEmpty()) {
      return Optional.of(pendingIke.poll());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      Optional<Datagram> d = transport.receive(Duration.ofNanos(left));
      if (d.isEmpty()) {
        return d;
      }
      if (isIke(d.get())) {
        return d;
      }
      handleNonIke(d.get());
    }
  }

  private static boolean isIke(Datagram d) {
    PacketView v = PacketView.classify(d.from().getPort(), d.to().getPort(), d.payload());
    return v instanceof PacketView.Ike;
  }

  /** ESP, keepalives and anything malformed: decrypted where possible and recorded. */
  private void handleNonIke(Datagram d) {
    PacketView v = PacketView.classify(d.from().getPort(), d.to().getPort(), d.payload());
    if (v instanceof PacketView.Esp esp && in != null) {
      byte[] raw = d.payload();
      try {
        EspSa.Opened o = in.open(raw);
        byte[] inner =
            transportMode != null && o.nextHeader() != EspSa.NEXT_HEADER_IPV4
                ? transportMode.received(o.nextHeader(), o.inner())
                : o.inner();
        innerReceived.add(inner);
        trace.record(Direction.RECEIVED, d, new PacketView.Esp(esp.esp(), Optional.of(inner)));
      } catch (EspException e) {
        trace.record(Direction.RECEIVED, d, esp);
        trace.note("ESP packet not accepted: " + e.getMessage());
      }
      return;
    }
    trace.record(Direction.RECEIVED, d, v);
  }

  // ------------------------------------------------------------------ ESP traffic

  /**
   * Lets {@link #ping} send ESP-in-UDP with UDP checksum 0 through a raw IPv4 socket, from {@code
   * source} (the harness's address) and only ever to {@code onlyTo} (the target: the raw socket
   * bypasses the datagram port's interlock, so it has its own); null to stop.
   */
  public void useRawSocket(
      io.natt.sys.RawIpv4Socket socket, Inet4Address source, Inet4Address onlyTo) {
    this.raw = socket;
    this.rawSource = source;
    this.rawOnlyTo = onlyTo;
  }

  /** Sends one ESP-in-UDP datagram with UDP checksum 0 through the raw socket. */
  private Datagram sendZeroChecksum(byte[] esp) {
    InetSocketAddress to = ike.remoteEndpoint();
    if (raw == null || !to.getAddress().equals(rawOnlyTo)) {
      throw new IllegalStateException(
          "no raw socket for UDP checksum 0 to " + to.getAddress().getHostAddress());
    }
    byte[] udp =
        io.natt.wire.UdpDatagram.of(ike.port(), to.getPort(), esp)
            .withChecksum(0)
            .encodeWithoutChecksum();
    byte[] ip =
        Ipv4Packet.of(rawSource.getAddress(), to.getAddress().getAddress(), Ipv4Packet.UDP, udp)
            .encode();
    // stamped before the send: the answer can arrive (and be stamped) before sendto returns
    Datagram d = Datagram.now(new InetSocketAddress(rawSource, ike.port()), to, esp);
    raw.send(ip, (Inet4Address) to.getAddress());
    return d;
  }

  /** The outcome of one echo request sent through the tunnel. */
  public record PingResult(int seq, boolean answered, double rttMillis, String detail) {}

  /** Sends ICMP echo requests through the tunnel, from {@code inner} to {@code dst}. */
  public List<PingResult> ping(Inet4Address inner, Inet4Address dst, int count, Duration wait) {
    return ping(inner, dst, count, List.of(), wait);
  }

  /**
   * Sends {@code count} ICMP echo requests through the tunnel for each data length in {@code sizes}
   * (none: the harness's short text), from {@code inner} to {@code dst}. A request counts as
   * answered when the decrypted reply is an ICMP echo reply from {@code dst} to {@code inner}, with
   * a valid ICMP checksum and the request's data echoed byte for byte.
   */
  public List<PingResult> ping(
      Inet4Address inner, Inet4Address dst, int count, List<Integer> sizes, Duration wait) {
    return ping(inner, dst, count, sizes, false, wait);
  }

  /**
   * As {@link #ping(Inet4Address, Inet4Address, int, List, Duration)}, but the requests leave from
   * the harness's local port {@code fromPort} (a second socket of its datagram port) instead of the
   * SA's port: authenticated ESP from a new source port, as after a NAT rebinding.
   */
  public List<PingResult> ping(
      Inet4Address inner,
      Inet4Address dst,
      int count,
      List<Integer> sizes,
      int fromPort,
      Duration wait) {
    return ping(inner, dst, count, sizes, false, fromPort, wait);
  }

  /**
   * As {@link #ping(Inet4Address, Inet4Address, int, List, Duration)}; with {@code zeroChecksum}
   * the requests go out with UDP checksum 0 (needs {@link #useRawSocket}).
   */
  public List<PingResult> ping(
      Inet4Address inner,
      Inet4Address dst,
      int count,
      List<Integer> sizes,
      boolean zeroChecksum,
      Duration wait) {
    return ping(inner, dst, count, sizes, zeroChecksum, 0, wait);
  }

  private List<PingResult> ping(
      Inet4Address inner,
      Inet4Address dst,
      int count,
      List<Integer> sizes,
      boolean zeroChecksum,
      int fromPort,
      Duration wait) {
    if (out == null) {
      throw new IllegalStateException("no ESP SA installed");
    }
    int id = random.nextInt(0xffff);
    return rounds(
        count,
        sizes,
        (seq, data) -> {
          byte[] icmp = IcmpMessage.echoRequest(id, seq, data).encode();
          byte[] ip =
              Ipv4Packet.of(inner.getAddress(), dst.getAddress(), Ipv4Packet.ICMP, icmp).encode();
          byte[] esp = out.seal(ip, random);
          long t0 = System.nanoTime();
          Datagram d =
              zeroChecksum
                  ? sendZeroChecksum(esp)
                  : transport.send(
                      fromPort == 0 ? ike.port() : fromPort, ike.remoteEndpoint(), esp);
          trace.record(
              Direction.SENT, d, new PacketView.Esp(EspPacket.decode(esp), Optional.of(ip)));
          return awaitReply(inner, dst, id, seq, data, t0, wait);
        });
  }

  /** One request of a ping step: its sequence number and data, the result once it is answered. */
  private interface Request {
    PingResult send(int seq, byte[] data);
  }

  /**
   * {@code count} requests for each size (ICMP data of that many bytes; the default data when no
   * size is given), numbered from 1, one after another.
   */
  private static List<PingResult> rounds(int count, List<Integer> sizes, Request request) {
    List<PingResult> results = new ArrayList<>();
    List<Integer> rounds = sizes.isEmpty() ? java.util.Collections.singletonList(null) : sizes;
    int seq = 0;
    for (Integer size : rounds) {
      for (int k = 0; k < count; k++) {
        seq++;
        results.add(request.send(seq, size == null ? defaultData(seq) : echoData(seq, size)));
      }
    }
    return results;
  }

  /**
   * In transport mode, {@code count} requests for each size to the IUT's own address: ICMP echo
   * requests when the selectors name no protocol, else UDP datagrams between the selectors' port on
   * both ends (1701: L2TP), which the IUT is to echo. A UDP reply counts when its checksum, fixed
   * with the IUT's NAT-OA (RFC 3948 section 3.1.2), is valid and the data comes back.
   */
  List<PingResult> pingTransport(int count, List<Integer> sizes, Duration wait) {
    if (out == null || transportMode == null) {
      throw new IllegalStateException("no transport-mode ESP SA installed");
    }
    int id = random.nextInt(0xffff);
    return rounds(
        count,
        sizes,
        (seq, data) -> {
          boolean udp = transportMode.udp();
          int proto = udp ? Ipv4Packet.UDP : Ipv4Packet.ICMP;
          byte[] segment =
              udp
                  ? transportMode.udpSegment(transportMode.udpPort(), transportMode.udpPort(), data)
                  : IcmpMessage.echoRequest(id, seq, data).encode();
          byte[] esp = out.seal(segment, proto, random);
          long t0 = System.nanoTime();
          Datagram d = transport.send(ike.port(), ike.remoteEndpoint(), esp);
          trace.record(
              Direction.SENT,
              d,
              new PacketView.Esp(
                  EspPacket.decode(esp), Optional.of(transportMode.sent(proto, segment))));
          return udp
              ? awaitUdpReply(data, seq, t0, wait)
              : awaitReply(transportMode.own(), transportMode.peer(), id, seq, data, t0, wait);
        });
  }

  /** A UDP echo from the IUT's selector port back to the harness's, with the request's data. */
  private PingResult awaitUdpReply(byte[] data, int seq, long t0, Duration wait) {
    long deadline = t0 + wait.toNanos();
    while (System.nanoTime() < deadline) {
      for (byte[] p : List.copyOf(innerReceived)) {
        try {
          Ipv4Packet ip = Ipv4Packet.decode(p);
          if (ip.protocol() != Ipv4Packet.UDP) {
            continue;
          }
          io.natt.wire.UdpDatagram u = io.natt.wire.UdpDatagram.decode(ip.payload());
          if (u.srcPort() != transportMode.udpPort()
              || !java.util.Arrays.equals(u.payload(), data)) {
            continue;
          }
          innerReceived.remove(p);
          double rtt = (System.nanoTime() - t0) / 1e6;
          boolean valid = u.checksumValid(ip.src(), ip.dst());
          return new PingResult(
              seq,
              valid,
              rtt,
              valid
                  ? "UDP reply decrypted, checksum valid after the NAT-OA fix, "
                      + data.length
                      + " data bytes echoed"
                  : "UDP reply whose checksum is wrong after the NAT-OA fix (RFC 3948 3.1.2)");
        } catch (MalformedException e) {
          trace.note("inner packet does not decode: " + e.getMessage());
          innerReceived.remove(p);
        }
      }
      receiveWhileWaiting(deadline);
    }
    return new PingResult(seq, false, -1, "no UDP reply within " + wait.toMillis() + " ms");
  }

  private static byte[] defaultData(int seq) {

    return ("natt-conformance " + seq).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** {@code size} bytes that differ from request to request (so a stale echo cannot pass). */
  static byte[] echoData(int seq, int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (seq * 31 + i);
    }
    return b;
  }

  private PingResult awaitReply(
      Inet4Address inner, Inet4Address dst, int id, int seq, byte[] data, long t0, Duration wait) {
    long deadline = t0 + wait.toNanos();
    while (System.nanoTime() < deadline) {
      for (byte[] p : List.copyOf(innerReceived)) {
        try {
          Ipv4Packet ip = Ipv4Packet.decode(p);
          if (ip.protocol() != Ipv4Packet.ICMP) {
            continue;
          }
          IcmpMessage icmp = IcmpMessage.decode(new WireReader(ip.payload()));
          if (icmp.type() == 0 && icmp.echoId() == id && icmp.echoSeq() == seq) {
            innerReceived.remove(p);
            double rtt = (System.nanoTime() - t0) / 1e6;
            return new PingResult(
                seq,
                problem(ip, icmp, inner, dst, data) == null,
                rtt,
                describe(problem(ip, icmp, inner, dst, data), data.length));
          }
        } catch (MalformedException e) {
          trace.note("inner packet does not decode: " + e.getMessage());
          innerReceived.remove(p);
        }
      }
      receiveWhileWaiting(deadline);
    }
    return new PingResult(seq, false, -1, "no reply within " + wait.toMillis() + " ms");
  }

  /**
   * Receives one datagram at most, until {@code deadline} (System.nanoTime), while a ping waits for
   * its reply: ESP and keepalives are handled at once; IKE goes to the attached responder, or is
   * kept for the engine's next receive.
   */
  private void receiveWhileWaiting(long deadline) {
    transport
        .receive(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
        .ifPresent(
            x -> {
              if (isIke(x) && ikeHandler != null) {
                ikeHandler.accept(x);
              } else if (isIke(x)) {
                pendingIke.add(x);
                trace.note("IKE message arrived during ESP traffic; kept for the engine");
              } else {
                handleNonIke(x);
              }
            });
  }

  /** What is wrong with a decrypted echo reply, or null when it is the right one. */
  private static String problem(
      Ipv4Packet ip, IcmpMessage icmp, Inet4Address inner, Inet4Address dst, byte[] data) {
    if (!java.util.Arrays.equals(ip.src(), dst.getAddress())
        || !java.util.Arrays.equals(ip.dst(), inner.getAddress())) {
      return "reply with unexpected inner addresses";
    }
    if (!icmp.checksumValid()) {
      return "reply with a wrong ICMP checksum";
    }
    if (!java.util.Arrays.equals(icmp.echoData(), data)) {
      return "reply whose echo data ("
          + icmp.echoData().length
          + " bytes) is not the request's ("
          + data.length
          + " bytes)";
    }
    return null;
  }

  private static String describe(String problem, int size) {
    return problem != null ? problem : "reply decrypted, ICV ok, " + size + " data bytes echoed";
  }

  /**
   * Sends NAT-keepalives from 4500 to the IUT's port 4500 every {@code interval}, until closed;
   * with the deviation keepalive-on-500 of the attached engine, from 500 to the IUT's port 500.
   */
  public void startKeepalives(Duration interval, int keepaliveByte) {
    int port = ike.knobs().has(Knobs.Deviation.KEEPALIVE_ON_500) ? 500 : 4500;
    if (port == 500) {
      trace.note("NAT-keepalives from and to port 500 (deviation keepalive-on-500)");
    }
    keepalives =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "keepalive");
              t.setDaemon(true);
              return t;
            });
    keepalives.scheduleAtFixedRate(
        () -> {
          byte[] b = {(byte) keepaliveByte};
          Datagram d =
              transport.send(
                  port, new InetSocketAddress(ike.remoteEndpoint().getAddress(), port), b);
          trace.record(Direction.SENT, d, new PacketView.Keepalive(b));
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops sending keepalives (e.g. to let a NAT mapping expire). */
  public void stopKeepalives() {
    if (keepalives != null) {
      keepalives.shutdownNow();
      keepalives = null;
    }
  }

  /** Sends raw bytes from {@code localPort} and records them as they decode. */
  public void sendRaw(int localPort, InetSocketAddress to, byte[] bytes) {
    Datagram d = transport.send(localPort, to, bytes);
    trace.record(Direction.SENT, d, PacketView.classify(localPort, to.getPort(), bytes));
  }

  /** Receives for a while, recording whatever comes (used at the end of a run). */
  public void drain(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Datagram> x =
          transport.receive(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      x.ifPresent(
          y -> {
            if (isIke(y) && ikeHandler != null) {
              ikeHandler.accept(y);
            } else if (isIke(y)) {
              trace.record(
                  Direction.RECEIVED,
                  y,
                  PacketView.classify(y.from().getPort(), y.to().getPort(), y.payload()));
            } else {
              handleNonIke(y);
            }
          });
    }
  }

  @Override
  public void close() {
    if (keepalives != null) {
      keepalives.shutdownNow();
    }
  }
}
