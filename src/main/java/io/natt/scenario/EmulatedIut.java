package io.natt.scenario;

import io.natt.esp.EspException;
import io.natt.esp.EspSa;
import io.natt.ike.Channel;
import io.natt.ike.ChildSaKeys;
import io.natt.ike.Ikev1Responder;
import io.natt.ike.Knobs;
import io.natt.ike.NatDetection;
import io.natt.ike.ResponderConfig;
import io.natt.iut.Iut;
import io.natt.iut.TargetProfile;
import io.natt.nat.Host;
import io.natt.net.DatagramPort;
import io.natt.net.UdpTransport;
import io.natt.sys.NsExecutor;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The harness's own IKEv1 responder, running as the implementation under test inside a network
 * namespace: UDP 500 and 4500 on the IUT host, the responder on a thread of its own, the ESP SA
 * pair installed after Quick Mode, ICMP echo requests for its protected network answered through
 * the tunnel (to wherever the responder follows the initiator), NAT-keepalives per knobs when it
 * detected itself behind a NAT. Everything it sends and receives goes into its own {@link Trace}
 * (observation point {@link Trace#PEER} there means the IUT's sockets), so checks can judge the IUT
 * side too.
 *
 * <p>Where it sends ESP and keepalives: to the responder's {@link Ikev1Responder#remoteEndpoint()},
 * which follows the initiator on every authenticated packet (a valid ESP packet or a decrypted IKE
 * message, RFC 3947 section 7).
 *
 * <p>{@link Knobs.Deviation}s it honours besides the responder's: {@code NO_ESP_ECHO} (ESP is
 * decrypted and recorded, no echo reply goes back), {@code ESP_SPI_ZERO} (its ESP-in-UDP carries
 * SPI 0), {@code NO_INNER_SOURCE_CHECK} (inner packets from outside the peer's Quick Mode identity
 * are answered too; without it they are dropped), {@code ESP_FROM_500} (ESP-in-UDP replies leave
 * from local port 500, to the initiator's 4500 endpoint), {@code KEEPALIVE_ON_500} (keepalives from
 * local port 500 to the initiator's port-500 endpoint) and, through the responder, {@code
 * IGNORE_REBINDING} (ESP and IKE keep going to the first 4500 endpoint).
 *
 * <p>Transport mode: ESP carries the segment itself; ICMP echo requests to its own address are
 * answered, and UDP datagrams are echoed back from the port they were sent to, after their checksum
 * was fixed from the initiator's NAT-OA and verified (RFC 3948 section 3.1.2). The deviations
 * no-esp-echo applies there too; the ESP deviations of tunnel mode (SPI 0, from 500) and the inner
 * source check do not.
 *
 * <p>Asked to initiate ({@link #initiate}), it runs Main Mode (or Aggressive Mode) and Quick Mode
 * with its own {@link io.natt.ike.Ikev1Initiator} and its knobs, towards the harness's responder;
 * ESP and keepalives then go to that initiator's peer.
 *
 * <p>Limits: ESP always travels in UDP on the port the initiator used (a knob that answers plain
 * tunnel mode changes only what Quick Mode says); one IKE SA at a time.
 */
public final class EmulatedIut implements Channel, Iut {
  private final NsExecutor ns;
  private final DatagramPort transport;
  private final ResponderConfig cfg;
  private final Trace trace = new Trace();
  private final SecureRandom random;
  private final Ikev1Responder responder;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch firstChild = new CountDownLatch(1);
  private final AtomicInteger echoReplies = new AtomicInteger();
  private final Thread thread;
  private volatile ChildSaKeys child;
  private volatile NatDetection natDetection = new NatDetection("none", false, false);
  private EspSa in;
  private EspSa out;
  private int espLocalPort = 4500;
  private volatile ScheduledExecutorService keepalives;
  private volatile EmulatedDpd dpd;

  /** An initiation asked for and not yet started by the serving thread. */
  private volatile io.natt.iut.Initiation pending;

  /** Its own initiator, once it was asked to initiate (the harness is then the responder). */
  private volatile io.natt.ike.Ikev1Initiator initiator;

  private EmulatedIut(
      NsExecutor ns, DatagramPort transport, ResponderConfig cfg, SecureRandom random) {
    this.ns = ns;
    this.transport = transport;
    this.cfg = cfg;
    this.random = random;
    this.responder = new Ikev1Responder(cfg, this, new TraceRecorder(trace), random);
    this.responder.enableDpd();
    this.thread = new Thread(this::serveLoop, "emulated-iut");
    thread.setDaemon(true);
  }

  /**
   * Starts one on the testbed's IUT host for the target (its address, identities, PSK, protected
   * network), accepting every proposal and answering with the given knobs (a mutant when they
   * deviate).
   */
  public static Iut.Launcher launcher(Knobs knobs, SecureRandom random) {
    return (testbed, target) ->
        start(
            testbed.openIutPort(List.of(500, 4500)),
            testbed.iut().address(),
            responderConfig(target, knobs),
            random);
  }

  /** A responder accepting everything, for the target, with the given knobs. */
  static ResponderConfig responderConfig(TargetProfile target, Knobs knobs) {
    String[] net = target.protectedNet().split("/");
    return ResponderConfig.acceptingAll(
        target.address(),
        target.remoteId(),
        target.localId(),
        target.psk(),
        Runner.ip(net[0]),
        Integer.parseInt(net[1]),
        knobs,
        Duration.ofSeconds(2));
  }

  /** Opens UDP 500 and 4500 on the IUT host's address, in its namespace, and starts serving. */
  public static EmulatedIut start(Host iut, ResponderConfig cfg, SecureRandom random) {
    NsExecutor ns = new NsExecutor(iut.namespace());
    DatagramPort t;
    try {
      t = UdpTransport.open(ns, iut.address(), List.of(500, 4500));
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
    EmulatedIut e = new EmulatedIut(ns, t, cfg, random);
    e.trace.note("emulated IUT serving on " + iut.address().getHostAddress() + ": " + cfg);
    e.thread.start();
    return e;
  }

  /**
   * Starts serving on a datagram port the caller opened on the IUT's address (a testbed's IUT port,
   * in a namespace or in memory); closing the IUT closes the port.
   */
  public static EmulatedIut start(
      DatagramPort port, Inet4Address address, ResponderConfig cfg, SecureRandom random) {
    EmulatedIut e = new EmulatedIut(null, port, cfg, random);
    e.trace.note("emulated IUT serving on " + address.getHostAddress() + ": " + cfg);
    e.thread.start();
    return e;
  }

  private void serveLoop() {
    while (!closed.get()) {
      io.natt.iut.Initiation i = pending;
      if (i != null) {
        pending = null;
        runInitiation(i);
        continue;
      }
      try {
        Optional<ChildSaKeys> c = responder.serve(Duration.ofMillis(200));
        if (initiator == null) {
          natDetection = responder.natDetection();
        }
        c.ifPresent(this::install);
      } catch (RuntimeException e) {
        if (closed.get()) {
          return;
        }
        trace.note("emulated IUT: " + e);
      }
    }
  }

  /**
   * The emulated IUT initiates: Main Mode (or Aggressive Mode) and Quick Mode with its own
   * initiator, its knobs (float, vendor IDs, NAT-D, deviations the initiator honours) and the
   * scenario's proposals, on the serving thread; answers to its Quick Mode identities then go
   * through the tunnel as usual.
   */
  @Override
  public String initiate(io.natt.iut.Initiation i) {
    pending = i;
    return "the emulated IUT initiates "
        + i.exchangeName()
        + " to "
        + i.harnessAddress().getHostAddress();
  }

  private void runInitiation(io.natt.iut.Initiation i) {
    io.natt.crypto.ProposalParser.Phase1 p1 =
        io.natt.crypto.ProposalParser.phase1(i.phase1Proposal());
    io.natt.crypto.ProposalParser.Phase2 p2 = io.natt.crypto.ProposalParser.phase2(i.espProposal());
    String[] net = i.harnessInnerNet().split("/");
    io.natt.ike.PeerConfig pc =
        new io.natt.ike.PeerConfig(
            cfg.localAddress(),
            i.harnessAddress(),
            cfg.localId(),
            i.harnessId(),
            cfg.psk(),
            p1.cipher(),
            p1.hash(),
            p1.group(),
            p2.cipher(),
            p2.integrity(),
            Runner.ip(net[0]),
            Integer.parseInt(net[1]),
            cfg.knobs(),
            Duration.ofSeconds(1));
    io.natt.ike.Ikev1Initiator ike =
        new io.natt.ike.Ikev1Initiator(pc, this, new TraceRecorder(trace), random);
    initiator = ike;
    trace.note(
        "emulated IUT: initiates "
            + i.exchangeName()
            + " to "
            + i.harnessAddress().getHostAddress());
    try {
      if (i.aggressive()) {
        ike.aggressiveMode();
      } else {
        ike.mainMode();
      }
      natDetection = ike.natDetection();
      ChildSaKeys k =
          i.transport()
              // transport mode: the two hosts' own addresses, NAT-OA behind a NAT (RFC 3947 5.2)
              ? ike.quickMode(
                  io.natt.ike.IdPayloads.host(cfg.localAddress()),
                  io.natt.ike.IdPayloads.host(i.harnessAddress()),
                  true)
              : ike.quickMode(
                  io.natt.ike.IdPayloads.subnet(cfg.protectedNet(), cfg.protectedPrefix()),
                  io.natt.ike.IdPayloads.subnet(Runner.ip(net[0]), Integer.parseInt(net[1])));
      install(k);
    } catch (RuntimeException e) {
      trace.note("emulated IUT: its initiation failed: " + e.getMessage());
    }
  }

  /** Where its ESP and keepalives go: its initiator's peer, or the initiator it answered. */
  private InetSocketAddress remote() {
    io.natt.ike.Ikev1Initiator i = initiator;
    return i != null ? i.remoteEndpoint() : responder.remoteEndpoint();
  }

  /** The harness's port-500 endpoint (its own initiator's peer, or the initiator it answered). */
  private InetSocketAddress remote500() {
    io.natt.ike.Ikev1Initiator i = initiator;
    return i != null
        ? new InetSocketAddress(i.remoteEndpoint().getAddress(), 500)
        : responder.initiator500();
  }

  private void install(ChildSaKeys k) {
    in = new EspSa(k.spiIn(), k.cipher(), k.encIn(), k.integrity(), k.authIn());
    out = new EspSa(k.spiOut(), k.cipher(), k.encOut(), k.integrity(), k.authOut());
    espLocalPort = initiator != null ? initiator.localPort() : responder.localPort();
    child = k;
    SaKeysOf.esp(k).forEach(trace::addKeys);
    trace.note("emulated IUT: ESP SA pair installed " + k);
    if (natDetection.localBehindNat()
        && !cfg.knobs().keepaliveInterval().isZero()
        && keepalives == null) {
      startKeepalives();
    }
    if (initiator == null && responder.peerDoesDpd() && dpd == null) {
      dpd =
          EmulatedDpd.start(
              responder, trace, cfg.knobs().has(Knobs.Deviation.KEEPALIVE_AS_LIVENESS));
    }
    firstChild.countDown();
  }

  private void startKeepalives() {
    long ms = cfg.knobs().keepaliveInterval().toMillis();
    byte[] b = {(byte) cfg.knobs().keepaliveByte()};
    boolean on500 = cfg.knobs().has(Knobs.Deviation.KEEPALIVE_ON_500);
    trace.note(
        "emulated IUT: behind a NAT itself: NAT-keepalives every "
            + ms
            + " ms"
            + (on500
                ? " from port 500 to the initiator's port-500 endpoint (keepalive-on-500)"
                : ""));
    keepalives =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "iut-keepalive");
              t.setDaemon(true);
              return t;
            });
    keepalives.scheduleAtFixedRate(
        () -> {
          InetSocketAddress to = on500 ? remote500() : remote();
          if (to == null || closed.get()) {
            return;
          }
          try {
            Datagram d = transport.send(on500 ? 500 : 4500, to, b);
            trace.record(Direction.SENT, d, new PacketView.Keepalive(b));
          } catch (RuntimeException e) {
            trace.note("emulated IUT: keepalive not sent: " + e.getMessage());
          }
        },
        ms,
        ms,
        TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ what it did

  @Override
  public String status() {
    return "emulated IUT (knobs "
        + cfg.knobs()
        + "): "
        + natDetection
        + ", echo replies sent: "
        + echoReplies.get();
  }

  /** Its notes and the ladder of what it sent and received. */
  @Override
  public String log() {
    return String.join("\n", trace.notes()) + "\n\n" + trace.ladder(Trace.PEER) + "\n";
  }

  @Override
  public String version() {
    return "natt-conformance emulated IKEv1 responder";
  }

  public Trace trace() {
    return trace;
  }

  /** Waits until the first Quick Mode completed; its keys (inbound = the IUT's SPI). */
  public Optional<ChildSaKeys> awaitChild(Duration timeout) {
    try {
      firstChild.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.ofNullable(child);
  }

  /** The responder's NAT detection (updated as it serves). */
  public NatDetection natDetection() {
    return natDetection;
  }

  public int echoRepliesSent() {
    return echoReplies.get();
  }

  // ------------------------------------------------------------------ Channel

  @Override
  public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
    return transport.send(localPort, to, payload);
  }

  /** The next IKE datagram; ESP, keepalives and anything else are handled on the way. */
  @Override
  public Optional<Datagram> receive(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!closed.get()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      Optional<Datagram> d = transport.receive(Duration.ofNanos(left));
      if (d.isEmpty()) {
        return d;
      }
      Datagram x = d.get();
      PacketView v = PacketView.classify(x.from().getPort(), x.to().getPort(), x.payload());
      if (v instanceof PacketView.Ike) {
        return d;
      }
      handleNonIke(x, v);
    }
    return Optional.empty();
  }

  private void handleNonIke(Datagram d, PacketView v) {
    EmulatedDpd dp = dpd;
    if (dp != null && v instanceof PacketView.Keepalive) {
      dp.keepalive();
    }
    if (v instanceof PacketView.Keepalive
        && child != null
        && cfg.knobs().has(Knobs.Deviation.FOLLOW_KEEPALIVES)) {
      trace.record(Direction.RECEIVED, d, v);
      responder.authenticated(
          d.from(), d.to().getPort(), "a NAT-keepalive (deviation follow-keepalives)");
      return;
    }
    if (!(v instanceof PacketView.Esp esp) || in == null) {
      trace.record(Direction.RECEIVED, d, v);
      return;
    }
    EspSa.Opened o;
    try {
      o = in.open(d.payload());
    } catch (EspException e) {
      trace.record(Direction.RECEIVED, d, esp);
      trace.note("emulated IUT: ESP packet not accepted: " + e.getMessage());
      return;
    }
    if (o.nextHeader() != EspSa.NEXT_HEADER_IPV4
        && child != null
        && io.natt.wire.IpsecAttr.isTransport(child.encapsulationMode())) {
      answerTransport(d, esp, o);
      return;
    }
    trace.record(Direction.RECEIVED, d, new PacketView.Esp(esp.esp(), Optional.of(o.inner())));
    responder.authenticated(d.from(), d.to().getPort(), "a valid ESP packet");
    if (dp != null) {
      dp.esp();
    }
    espLocalPort = d.to().getPort();
    if (!innerSourceAllowed(o.inner())) {
      if (!cfg.knobs().has(Knobs.Deviation.NO_INNER_SOURCE_CHECK)) {
        trace.note("emulated IUT: inner source outside the peer's Quick Mode identity: dropped");
        return;
      }
      trace.note(
          "emulated IUT: inner source outside the peer's Quick Mode identity accepted"
              + " (deviation no-inner-source-check)");
    }
    if (cfg.knobs().has(Knobs.Deviation.NO_ESP_ECHO)) {
      trace.note("emulated IUT: no echo reply (deviation no-esp-echo)");
      return;
    }
    answerEcho(o.inner());
  }

  /**
   * Transport mode: the segment comes in the outer IPv4 header (the initiator as it came, this
   * IUT's own address); a UDP checksum is fixed with the initiator's NAT-OA (RFC 3948 section
   * 3.1.2) and must then be valid. An ICMP echo request is answered, and a UDP datagram is echoed
   * back from the port it was sent to (L2TP's 1701 in the persona's scenarios), its checksum over
   * this IUT's own addresses, as a host computes it.
   */
  private void answerTransport(Datagram d, PacketView.Esp esp, EspSa.Opened o) {
    io.natt.ike.Ikev1Initiator own = initiator;
    TransportMode t =
        own != null
            ? TransportMode.initiator(own.peerNatOa(), cfg.localAddress(), own.remoteEndpoint())
            : TransportMode.responder(
                responder.initiatorNatOa(),
                cfg.localAddress(),
                (Inet4Address) responder.remoteEndpoint().getAddress());
    byte[] ip = t.received(o.nextHeader(), o.inner());
    trace.record(Direction.RECEIVED, d, new PacketView.Esp(esp.esp(), Optional.of(ip)));
    responder.authenticated(d.from(), d.to().getPort(), "a valid ESP packet");
    espLocalPort = d.to().getPort();
    if (cfg.knobs().has(Knobs.Deviation.NO_ESP_ECHO)) {
      trace.note("emulated IUT: no echo reply (deviation no-esp-echo)");
      return;
    }
    try {
      Ipv4Packet p = Ipv4Packet.decode(ip);
      byte[] segment;
      if (p.protocol() == Ipv4Packet.ICMP) {
        IcmpMessage icmp = IcmpMessage.decode(new WireReader(p.payload()));
        if (icmp.type() != IcmpMessage.ECHO_REQUEST) {
          return;
        }
        segment = IcmpMessage.echoReply(icmp.echoId(), icmp.echoSeq(), icmp.echoData()).encode();
      } else if (p.protocol() == Ipv4Packet.UDP) {
        io.natt.wire.UdpDatagram u = io.natt.wire.UdpDatagram.decode(p.payload());
        if (!u.checksumValid(p.src(), p.dst())) {
          trace.note("emulated IUT: transport-mode UDP with a wrong checksum after the NAT-OA fix");
          return;
        }
        segment = t.udpSegment(u.dstPort(), u.srcPort(), u.payload());
      } else {
        return;
      }
      byte[] sealed = out.seal(segment, p.protocol(), random);
      Datagram sent = transport.send(espLocalPort, remote(), sealed);
      trace.record(
          Direction.SENT,
          sent,
          new PacketView.Esp(EspPacket.decode(sealed), Optional.of(t.sent(p.protocol(), segment))));
      echoReplies.incrementAndGet();
    } catch (MalformedException e) {
      trace.note("emulated IUT: transport-mode segment does not decode: " + e.getMessage());
    }
  }

  /** Answers an ICMP echo request for the protected network through the tunnel. */
  private void answerEcho(byte[] inner) {
    try {
      Ipv4Packet ip = Ipv4Packet.decode(inner);
      if (ip.protocol() != Ipv4Packet.ICMP) {
        return;
      }
      IcmpMessage icmp = IcmpMessage.decode(new WireReader(ip.payload()));
      if (icmp.type() != IcmpMessage.ECHO_REQUEST) {
        return;
      }
      if (!inProtectedNet(ip.dst())) {
        trace.note("emulated IUT: echo request for an address outside its protected network");
        return;
      }
      byte[] reply = IcmpMessage.echoReply(icmp.echoId(), icmp.echoSeq(), icmp.echoData()).encode();
      byte[] replyIp = Ipv4Packet.of(ip.dst(), ip.src(), Ipv4Packet.ICMP, reply).encode();
      byte[] sealed = out.seal(replyIp, random);
      if (cfg.knobs().has(Knobs.Deviation.ESP_SPI_ZERO)) {
        java.util.Arrays.fill(sealed, 0, 4, (byte) 0);
        trace.note("emulated IUT: ESP-in-UDP reply with SPI 0 (deviation esp-spi-zero)");
      }
      int from = espLocalPort;
      if (cfg.knobs().has(Knobs.Deviation.ESP_FROM_500)) {
        from = 500;
        trace.note("emulated IUT: ESP-in-UDP reply from port 500 (deviation esp-from-500)");
      }
      Datagram d = transport.send(from, remote(), sealed);
      trace.record(
          Direction.SENT,
          d,
          cfg.knobs().has(Knobs.Deviation.ESP_SPI_ZERO)
              ? PacketView.classify(d.from().getPort(), d.to().getPort(), sealed)
              : new PacketView.Esp(EspPacket.decode(sealed), Optional.of(replyIp)));
      echoReplies.incrementAndGet();
    } catch (MalformedException e) {
      trace.note("emulated IUT: inner packet does not decode: " + e.getMessage());
    }
  }

  /**
   * Whether the inner packet's source lies in the peer's side of the policy: the initiator's
   * identity (ID_ci) of the last Quick Mode it answered, as its own Quick Mode message 2 repeats
   * it, or the responder's identity (ID_cr) of the Quick Mode it started itself (an IPv4 address or
   * subnet); without one, every source.
   */
  private boolean innerSourceAllowed(byte[] inner) {
    byte[] src;
    try {
      src = Ipv4Packet.decode(inner).src();
    } catch (MalformedException e) {
      return true;
    }
    io.natt.wire.IdPayload ci = null;
    for (io.natt.trace.TraceEntry e : trace.at(Trace.PEER)) {
      if (e.direction() == Direction.SENT
          && e.view() instanceof PacketView.Ike i
          && i.decrypted()
          && i.header().exchangeType() == io.natt.wire.ExchangeType.QUICK.code()) {
        List<io.natt.wire.IdPayload> ids = i.all(io.natt.wire.IdPayload.class);
        if (ids.size() >= 2) {
          // the peer's side: ID_ci when the peer initiated, ID_cr when the emulated IUT did
          ci = ids.get(initiator != null ? 1 : 0);
        }
      }
    }
    if (ci == null) {
      return true;
    }
    byte[] d = ci.data();
    if (ci.idType() == io.natt.wire.IdPayload.ID_IPV4_ADDR && d.length == 4) {
      return java.util.Arrays.equals(d, src);
    }
    if (ci.idType() == io.natt.wire.IdPayload.ID_IPV4_ADDR_SUBNET && d.length == 8) {
      for (int k = 0; k < 4; k++) {
        if ((src[k] & d[4 + k]) != (d[k] & d[4 + k])) {
          return false;
        }
      }
      return true;
    }
    return true;
  }

  private boolean inProtectedNet(byte[] dst) {
    byte[] net = cfg.protectedNet().getAddress();
    for (int i = 0; i < cfg.protectedPrefix(); i++) {
      int mask = 0x80 >>> (i % 8);
      if ((dst[i / 8] & mask) != (net[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ closing

  /** Stops serving and closes the sockets; safe to call more than once. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (dpd != null) {
      dpd.close();
    }
    if (keepalives != null) {
      keepalives.shutdownNow();
    }
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
    if (ns != null) {
      ns.close();
    }
  }

  @Override
  public String toString() {
    return "EmulatedIut[" + cfg.localId() + ", " + (child == null ? "no CHILD_SA" : child) + "]";
  }
}
