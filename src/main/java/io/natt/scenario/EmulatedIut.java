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
 * <p>Several initiators (clients behind one NAT): a Main or Aggressive Mode message 1 with a new
 * initiator cookie while the current IKE SA is up starts a further IKE SA, with a responder of its
 * own ({@link Peer}); IKE goes to the responder that owns its cookies and ESP to the SA pair of its
 * SPI, so each client keeps its own SAs. The newest one is the current peer: keepalives, dead-peer
 * detection and whatever has no owner go there, as with one IKE SA. On INITIAL-CONTACT (RFC 3947
 * section 6) it removes the other IKE SAs whose initiator sent the same ID (a Delete of each, its
 * ESP SAs forgotten); with the deviation {@code INITIAL_CONTACT_BY_ADDRESS} those from the same
 * address instead, with {@code INITIAL_CONTACT_IGNORED} none. Opt-in, compliant ({@link
 * #launcher(Knobs, SecureRandom, boolean)}): it refuses, with INVALID_ID_INFORMATION, a Quick Mode
 * whose initiator identity overlaps that of another IKE SA's ESP SA pair (RFC 3948 section 5.1).
 *
 * <p>Limits: ESP always travels in UDP on the port the initiator used (a knob that answers plain
 * tunnel mode changes only what Quick Mode says).
 */
public final class EmulatedIut implements Channel, Iut {
  private final NsExecutor ns;
  private final DatagramPort transport;
  private final ResponderConfig cfg;
  private final Trace trace = new Trace();
  private final SecureRandom random;
  private final List<Peer> peers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Peer> removed = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Peer current;
  private volatile Peer serving;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch firstChild = new CountDownLatch(1);
  private final AtomicInteger echoReplies = new AtomicInteger();
  private final Thread thread;
  private volatile ChildSaKeys child;
  private volatile NatDetection natDetection = new NatDetection("none", false, false);
  private volatile ScheduledExecutorService keepalives;
  private volatile EmulatedDpd dpd;

  /** An initiation asked for and not yet started by the serving thread. */
  private volatile io.natt.iut.Initiation pending;

  /** Its own initiator, once it was asked to initiate (the harness is then the responder). */
  private volatile io.natt.ike.Ikev1Initiator initiator;

  /**
   * Refuses a Quick Mode whose initiator identity overlaps that of another IKE SA's installed ESP
   * SA pair (RFC 3948 section 5.1, one compliant way); off unless asked for ({@link
   * #launcher(Knobs, SecureRandom, boolean)}).
   */
  private final boolean refuseOverlap;

  private EmulatedIut(
      NsExecutor ns,
      DatagramPort transport,
      ResponderConfig cfg,
      SecureRandom random,
      boolean refuseOverlap) {
    this.ns = ns;
    this.transport = transport;
    this.cfg = cfg;
    this.random = random;
    this.refuseOverlap = refuseOverlap;
    this.current = newPeer();
    this.thread = new Thread(this::serveLoop, "emulated-iut");
    thread.setDaemon(true);
  }

  /** One IKE SA it answers (one client), with the ESP SA pair of its last Quick Mode. */
  private static final class Peer {
    final int n;
    final Ikev1Responder responder;
    volatile ChildSaKeys child;
    volatile EspSa in;
    volatile EspSa out;
    volatile int espLocalPort = 4500;

    /** Its phase 1 came up and its INITIAL-CONTACT, if any, was acted on. */
    boolean contactHandled;

    Peer(int n, Ikev1Responder responder) {
      this.n = n;
      this.responder = responder;
    }

    String describe() {
      InetSocketAddress at = responder.remoteEndpoint();
      return "IKE SA "
          + n
          + " (ID "
          + responder.peerIdentity()
          + (at == null ? "" : ", at " + at.getAddress().getHostAddress() + ":" + at.getPort())
          + ")";
    }
  }

  private Peer newPeer() {
    Ikev1Responder r = new Ikev1Responder(cfg, this, new TraceRecorder(trace), random);
    r.enableDpd();
    Peer p = new Peer(peers.size() + removed.size() + 1, r);
    if (refuseOverlap) {
      r.quickModeGate(ci -> overlapping(p, ci));
    }
    peers.add(p);
    return p;
  }

  /**
   * Why a Quick Mode of peer {@code p} with initiator identity {@code ci} is refused: another IKE
   * SA's installed ESP SA pair already has an overlapping identity (two clients with one inner
   * address, RFC 3948 section 5.1); null when none has.
   */
  private String overlapping(Peer p, io.natt.wire.IdPayload ci) {
    for (Peer o : peers) {
      io.natt.wire.IdPayload theirs = o == p || o.out == null ? null : peerIdentity(o);
      if (theirs != null && overlaps(theirs, ci)) {
        String why =
            "its initiator identity overlaps the ESP SA pair of "
                + o.describe()
                + " (refuses overlapping tunnels, RFC 3948 section 5.1)";
        trace.note("emulated IUT: Quick Mode of " + p.describe() + " refused: " + why);
        return why;
      }
    }
    return null;
  }

  /**
   * Whether two IPv4 address or subnet identities share an address; other types never (it cannot
   * tell, so it does not refuse).
   */
  static boolean overlaps(io.natt.wire.IdPayload a, io.natt.wire.IdPayload b) {
    int[] x = prefix(a);
    int[] y = prefix(b);
    if (x == null || y == null) {
      return false;
    }
    int mask = x[1] & y[1];
    return (x[0] & mask) == (y[0] & mask);
  }

  /** An IPv4 address or subnet identity as {address, mask}; null for another type. */
  private static int[] prefix(io.natt.wire.IdPayload id) {
    java.nio.ByteBuffer d = java.nio.ByteBuffer.wrap(id.data());
    if (id.idType() == io.natt.wire.IdPayload.ID_IPV4_ADDR && id.data().length == 4) {
      return new int[] {d.getInt(), -1};
    }
    if (id.idType() == io.natt.wire.IdPayload.ID_IPV4_ADDR_SUBNET && id.data().length == 8) {
      return new int[] {d.getInt(), d.getInt()};
    }
    return null;
  }

  /**
   * Starts one on the testbed's IUT host for the target (its address, identities, PSK, protected
   * network), accepting every proposal and answering with the given knobs (a mutant when they
   * deviate).
   */
  public static Iut.Launcher launcher(Knobs knobs, SecureRandom random) {
    return launcher(knobs, random, false);
  }

  /**
   * As {@link #launcher(Knobs, SecureRandom)}; with {@code refuseOverlap} it refuses, with
   * INVALID_ID_INFORMATION, a Quick Mode whose initiator identity (ID_ci) overlaps that of an ESP
   * SA pair another IKE SA holds: a compliant way to keep two clients with one inner address apart
   * (RFC 3948 section 5.1), not a deviation.
   */
  public static Iut.Launcher launcher(Knobs knobs, SecureRandom random, boolean refuseOverlap) {
    return (testbed, target) ->
        start(
            testbed.openIutPort(List.of(500, 4500)),
            testbed.iut().address(),
            responderConfig(target, knobs),
            random,
            refuseOverlap);
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
    EmulatedIut e = new EmulatedIut(ns, t, cfg, random, false);
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
    return start(port, address, cfg, random, false);
  }

  private static EmulatedIut start(
      DatagramPort port,
      Inet4Address address,
      ResponderConfig cfg,
      SecureRandom random,
      boolean refuseOverlap) {
    EmulatedIut e = new EmulatedIut(null, port, cfg, random, refuseOverlap);
    e.trace.note(
        "emulated IUT serving on "
            + address.getHostAddress()
            + ": "
            + cfg
            + (refuseOverlap ? ", refuses overlapping tunnels" : ""));
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
        Peer p = current;
        serving = p;
        Optional<ChildSaKeys> c = p.responder.serve(Duration.ofMillis(200));
        if (initiator == null) {
          natDetection = current.responder.natDetection();
        }
        c.ifPresent(k -> install(p, k));
        initialContacts();
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
      install(current, k);
    } catch (RuntimeException e) {
      trace.note("emulated IUT: its initiation failed: " + e.getMessage());
    }
  }

  /** Where its ESP and keepalives go: its initiator's peer, or the initiator it answered. */
  private InetSocketAddress remote() {
    return remote(current);
  }

  /**
   * Where the ESP of peer {@code p} goes: its initiator's endpoint (or its own initiator's peer).
   */
  private InetSocketAddress remote(Peer p) {
    io.natt.ike.Ikev1Initiator i = initiator;
    return i != null ? i.remoteEndpoint() : p.responder.remoteEndpoint();
  }

  /** The harness's port-500 endpoint (its own initiator's peer, or the initiator it answered). */
  private InetSocketAddress remote500() {
    io.natt.ike.Ikev1Initiator i = initiator;
    return i != null
        ? new InetSocketAddress(i.remoteEndpoint().getAddress(), 500)
        : current.responder.initiator500();
  }

  private void install(Peer p, ChildSaKeys k) {
    p.in = new EspSa(k.spiIn(), k.cipher(), k.encIn(), k.integrity(), k.authIn());
    p.out = new EspSa(k.spiOut(), k.cipher(), k.encOut(), k.integrity(), k.authOut());
    p.espLocalPort = initiator != null ? initiator.localPort() : p.responder.localPort();
    p.child = k;
    child = k;
    SaKeysOf.esp(k).forEach(trace::addKeys);
    trace.note("emulated IUT: ESP SA pair installed " + k);
    if (natDetection.localBehindNat()
        && !cfg.knobs().keepaliveInterval().isZero()
        && keepalives == null) {
      startKeepalives();
    }
    if (initiator == null && p.responder.peerDoesDpd() && dpd == null) {
      dpd =
          EmulatedDpd.start(
              p.responder, trace, cfg.knobs().has(Knobs.Deviation.KEEPALIVE_AS_LIVENESS));
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
      if (v instanceof PacketView.Ike ike) {
        if (!routedElsewhere(x, ike)) {
          return d;
        }
        continue;
      }
      handleNonIke(x, v);
    }
    return Optional.empty();
  }

  /**
   * Hands an IKE datagram to the responder of the IKE SA it belongs to when that is not the one
   * serving (a further client's); a new Main or Aggressive Mode while the current IKE SA is up
   * starts a further one. Returns false when the serving responder is to handle it, as with one IKE
   * SA (its own messages, and whatever belongs to no IKE SA).
   */
  private boolean routedElsewhere(Datagram x, PacketView.Ike ike) {
    if (initiator != null) {
      return false;
    }
    boolean starts = startsPhase1(ike.header());
    for (Peer r : removed) {
      if (r.responder.owns(ike.header())) {
        trace.record(Direction.RECEIVED, x, ike);
        trace.note("emulated IUT: ignored IKE of the removed " + r.describe());
        return true;
      }
    }
    Peer owner = null;
    for (Peer p : peers) {
      if (p.responder.owns(ike.header()) || (starts && p.responder.sameInitiator(ike.header()))) {
        owner = p;
        break;
      }
    }
    if (owner == null && starts && current.responder.established()) {
      owner = newPeer();
      trace.note(
          "emulated IUT: a new phase 1 from "
              + x.from()
              + " while "
              + current.describe()
              + " is up: IKE SA "
              + owner.n
              + " beside it");
      current = owner;
    }
    if (owner == null || owner == serving) {
      return false;
    }
    Peer o = owner;
    o.responder.handle(x).ifPresent(k -> install(o, k));
    initialContacts();
    return true;
  }

  /** A plaintext Main or Aggressive Mode message 1 (no responder cookie yet). */
  private static boolean startsPhase1(io.natt.wire.IsakmpHeader h) {
    int ex = h.exchangeType();
    return !h.encrypted()
        && (ex == io.natt.wire.ExchangeType.IDENTITY_PROTECTION.code()
            || ex == io.natt.wire.ExchangeType.AGGRESSIVE.code())
        && java.util.Arrays.equals(h.responderCookie(), new byte[8]);
  }

  /**
   * RFC 3947 section 6: acts on the INITIAL-CONTACT of each IKE SA that came up since the last
   * call. The other IKE SAs whose initiator sent the same ID are removed (a Delete of each, its ESP
   * SAs forgotten), never by the address and port the notification came from; with the deviation
   * initial-contact-by-address, those of the same address are.
   */
  private void initialContacts() {
    if (initiator != null) {
      return;
    }
    boolean byAddress = cfg.knobs().has(Knobs.Deviation.INITIAL_CONTACT_BY_ADDRESS);
    for (Peer p : peers) {
      if (p.contactHandled || !p.responder.established()) {
        continue;
      }
      p.contactHandled = true;
      if (!p.responder.initialContact()) {
        continue;
      }
      if (cfg.knobs().has(Knobs.Deviation.INITIAL_CONTACT_IGNORED)) {
        trace.note(
            "emulated IUT: INITIAL-CONTACT in "
                + p.describe()
                + " not acted on (deviation initial-contact-ignored)");
        continue;
      }
      InetSocketAddress from = p.responder.remoteEndpoint();
      for (Peer o : peers) {
        if (o == p || !o.responder.established()) {
          continue;
        }
        InetSocketAddress at = o.responder.remoteEndpoint();
        boolean match =
            byAddress
                ? at != null && from != null && at.getAddress().equals(from.getAddress())
                : java.util.Objects.equals(o.responder.peerIdentity(), p.responder.peerIdentity());
        if (match) {
          remove(
              o,
              "INITIAL-CONTACT in "
                  + p.describe()
                  + (byAddress
                      ? ": removes the IKE SA of the same address (deviation"
                          + " initial-contact-by-address)"
                      : ": removes the IKE SA of the same ID (RFC 3947 section 6)"));
        }
      }
    }
  }

  private void remove(Peer o, String why) {
    trace.note("emulated IUT: " + why + ": " + o.describe());
    o.responder.deleteIkeSa();
    o.in = null;
    o.out = null;
    o.child = null;
    peers.remove(o);
    removed.add(o);
    if (current == o && !peers.isEmpty()) {
      current = peers.get(peers.size() - 1);
    }
  }

  /** The peer whose inbound ESP SA has this SPI, else the current one. */
  private Peer espPeer(PacketView.Esp esp) {
    for (Peer p : peers) {
      EspSa sa = p.in;
      if (sa != null && sa.spi() == esp.esp().spi()) {
        return p;
      }
    }
    return current;
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
      current.responder.authenticated(
          d.from(), d.to().getPort(), "a NAT-keepalive (deviation follow-keepalives)");
      return;
    }
    if (!(v instanceof PacketView.Esp esp) || espPeer(esp).in == null) {
      trace.record(Direction.RECEIVED, d, v);
      return;
    }
    Peer p = espPeer(esp);
    EspSa.Opened o;
    try {
      o = p.in.open(d.payload());
    } catch (EspException e) {
      trace.record(Direction.RECEIVED, d, esp);
      trace.note("emulated IUT: ESP packet not accepted: " + e.getMessage());
      return;
    }
    ChildSaKeys pc = p.child;
    if (o.nextHeader() != EspSa.NEXT_HEADER_IPV4
        && pc != null
        && io.natt.wire.IpsecAttr.isTransport(pc.encapsulationMode())) {
      answerTransport(p, d, esp, o);
      return;
    }
    trace.record(Direction.RECEIVED, d, new PacketView.Esp(esp.esp(), Optional.of(o.inner())));
    p.responder.authenticated(d.from(), d.to().getPort(), "a valid ESP packet");
    if (dp != null) {
      dp.esp();
    }
    p.espLocalPort = d.to().getPort();
    if (!innerSourceAllowed(p, o.inner())) {
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
    answerEcho(p, o.inner());
  }

  /**
   * Transport mode: the segment comes in the outer IPv4 header (the initiator as it came, this
   * IUT's own address); a UDP checksum is fixed with the initiator's NAT-OA (RFC 3948 section
   * 3.1.2) and must then be valid. An ICMP echo request is answered, and a UDP datagram is echoed
   * back from the port it was sent to (L2TP's 1701 in the persona's scenarios), its checksum over
   * this IUT's own addresses, as a host computes it.
   */
  private void answerTransport(Peer pr, Datagram d, PacketView.Esp esp, EspSa.Opened o) {
    Ikev1Responder responder = pr.responder;
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
    pr.espLocalPort = d.to().getPort();
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
      byte[] sealed = pr.out.seal(segment, p.protocol(), random);
      Datagram sent = transport.send(pr.espLocalPort, remote(pr), sealed);
      trace.record(
          Direction.SENT,
          sent,
          new PacketView.Esp(EspPacket.decode(sealed), Optional.of(t.sent(p.protocol(), segment))));
      echoReplies.incrementAndGet();
    } catch (MalformedException e) {
      trace.note("emulated IUT: transport-mode segment does not decode: " + e.getMessage());
    }
  }

  /**
   * Answers an ICMP echo request for the protected network through the tunnel: through the SA pair
   * of the peer it came from, or with the deviation overlap-newest-sa through the newest pair whose
   * peer identity covers the reply's destination (with two clients of one private address, RFC 3948
   * section 5.1, the first client's replies then go to the second).
   */
  private void answerEcho(Peer p, byte[] inner) {
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
      if (cfg.knobs().has(Knobs.Deviation.OVERLAP_NEWEST_SA)) {
        Peer newest = newestCovering(ip.src()).orElse(p);
        if (newest != p) {
          trace.note(
              "emulated IUT: reply by inner destination through the newest SA (deviation"
                  + " overlap-newest-sa)");
          p = newest;
        }
      }
      byte[] sealed = p.out.seal(replyIp, random);
      if (cfg.knobs().has(Knobs.Deviation.ESP_SPI_ZERO)) {
        java.util.Arrays.fill(sealed, 0, 4, (byte) 0);
        trace.note("emulated IUT: ESP-in-UDP reply with SPI 0 (deviation esp-spi-zero)");
      }
      int from = p.espLocalPort;
      if (cfg.knobs().has(Knobs.Deviation.ESP_FROM_500)) {
        from = 500;
        trace.note("emulated IUT: ESP-in-UDP reply from port 500 (deviation esp-from-500)");
      }
      Datagram d = transport.send(from, remote(p), sealed);
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
   * Whether the inner packet's source lies in the peer's side of the policy ({@link
   * #peerIdentity}); without one, every source.
   */
  private boolean innerSourceAllowed(Peer p, byte[] inner) {
    byte[] src;
    try {
      src = Ipv4Packet.decode(inner).src();
    } catch (MalformedException e) {
      return true;
    }
    return covers(peerIdentity(p), src);
  }

  /**
   * The peer's side of its policy: the initiator's identity (ID_ci) of the last Quick Mode this
   * peer's responder answered, as its own Quick Mode message 2 repeats it, or the responder's
   * identity (ID_cr) of the Quick Mode the emulated IUT started itself; null without one.
   */
  private io.natt.wire.IdPayload peerIdentity(Peer p) {
    io.natt.wire.IdPayload ci = null;
    for (io.natt.trace.TraceEntry e : trace.at(Trace.PEER)) {
      if (e.direction() == Direction.SENT
          && e.view() instanceof PacketView.Ike i
          && i.decrypted()
          && i.header().exchangeType() == io.natt.wire.ExchangeType.QUICK.code()
          && (initiator != null || p.responder.owns(i.header()))) {
        List<io.natt.wire.IdPayload> ids = i.all(io.natt.wire.IdPayload.class);
        if (ids.size() >= 2) {
          // the peer's side: ID_ci when the peer initiated, ID_cr when the emulated IUT did
          ci = ids.get(initiator != null ? 1 : 0);
        }
      }
    }
    return ci;
  }

  /** The newest peer with an ESP SA pair whose policy covers this inner address. */
  private Optional<Peer> newestCovering(byte[] address) {
    Peer found = null;
    for (Peer p : peers) {
      if (p.out != null && peerIdentity(p) != null && covers(peerIdentity(p), address)) {
        found = p;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether an IPv4 address or subnet identity covers the address (null, or another type: yes). */
  static boolean covers(io.natt.wire.IdPayload id, byte[] address) {
    int[] p = id == null ? null : prefix(id);
    if (p == null || address.length != 4) {
      return true;
    }
    int a = java.nio.ByteBuffer.wrap(address).getInt();
    return (a & p[1]) == (p[0] & p[1]);
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
