package io.natt.scenario;

import io.natt.ike.ChildSaKeys;
import io.natt.ike.IdPayloads;
import io.natt.ike.Ikev1Initiator;
import io.natt.ike.PeerConfig;
import io.natt.nat.ClientHosts;
import io.natt.nat.Testbed;
import io.natt.net.DatagramPort;
import io.natt.net.Interlock;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import java.net.Inet4Address;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The further clients of a scenario ({@code topology.harness.clients}), each a peer of its own on a
 * host of its own behind the harness's NAT: its own datagram port (through the same NAT), IKE
 * engine and ESP SAs, with the harness's proposals, knobs and identity. What each one sends and
 * receives is recorded in a trace of its own and handed to the run's trace at the end under the
 * observation point {@code client-N}, so that the checks (which judge the harness's own peer, point
 * {@code peer}) are not confused by a second IKE SA, and the ladders show both.
 */
final class ClientPeers implements AutoCloseable {
  /** The observation point of client {@code n}'s own packets. */
  static String point(int n) {
    return "client-" + n;
  }

  /** One further client. */
  static final class Client {
    final int n;
    final Inet4Address address;
    final Trace trace;
    final HarnessPeer peer;
    final Ikev1Initiator ike;
    final PeerConfig cfg;
    ChildSaKeys child;

    Client(
        int n,
        Inet4Address address,
        Trace trace,
        HarnessPeer peer,
        Ikev1Initiator ike,
        PeerConfig cfg) {
      this.n = n;
      this.trace = trace;
      this.address = address;
      this.peer = peer;
      this.ike = ike;
      this.cfg = cfg;
    }
  }

  private final Testbed testbed;
  private final Interlock interlock;
  private final PeerConfig harnessCfg;
  private final SecureRandom rnd;
  private final Map<Integer, Client> clients = new TreeMap<>();
  private final List<DatagramPort> ports = new ArrayList<>();

  ClientPeers(Testbed testbed, Interlock interlock, PeerConfig harnessCfg, SecureRandom rnd) {
    this.testbed = testbed;
    this.interlock = interlock;
    this.harnessCfg = harnessCfg;
    this.rnd = rnd;
  }

  /**
   * Client {@code n} (from 2), its port opened on first use, with its own identity ({@link
   * ClientHosts#identity}) or, {@code sharedIdentity}, the harness's (fixed at first use).
   */
  Client client(int n, boolean sharedIdentity) {
    Client c = clients.get(n);
    if (c != null) {
      return c;
    }
    Inet4Address own = testbed.client(n).address();
    DatagramPort port = interlock.guard(testbed.openClientPort(n, List.of(500, 4500)));
    ports.add(port);
    PeerConfig h = harnessCfg;
    PeerConfig cfg =
        new PeerConfig(
            own,
            h.remoteAddress(),
            sharedIdentity ? h.localId() : ClientHosts.identity(n, h.localId()),
            h.remoteId(),
            h.psk(),
            h.cipher(),
            h.hash(),
            h.group(),
            h.espCipher(),
            h.espIntegrity(),
            h.remoteNet(),
            h.remotePrefix(),
            h.knobs(),
            h.answerTimeout(),
            h.retransmits(),
            h.lastWait());
    Trace trace = new Trace();
    HarnessPeer peer = new HarnessPeer(port, trace, rnd);
    Ikev1Initiator ike = new Ikev1Initiator(cfg, peer, peer.recorder(), rnd);
    peer.attach(ike);
    c = new Client(n, own, trace, peer, ike, cfg);
    clients.put(n, c);
    return c;
  }

  /** Phase 1 of client {@code c}; keepalives as the harness's knobs say. */
  String phase1(Client c, boolean aggressive, boolean initialContact) {
    c.ike.initialContact(initialContact);
    if (aggressive) {
      c.ike.aggressiveMode();
    } else {
      c.ike.mainMode();
    }
    if (c.ike.natDetection().localBehindNat() && !c.cfg.knobs().keepaliveInterval().isZero()) {
      c.peer.startKeepalives(c.cfg.knobs().keepaliveInterval(), c.cfg.knobs().keepaliveByte());
    }
    return "client "
        + c.n
        + " ("
        + c.address.getHostAddress()
        + "): IKE SA up; NAT-T "
        + c.ike.natDetection().natTVariant()
        + (c.ike.floated() ? ", on 4500" : "")
        + (initialContact ? "; INITIAL-CONTACT sent" : "");
  }

  /** Quick Mode of client {@code c}: its own address inside the tunnel, to the protected net. */
  ChildSaKeys quickMode(Client c) {
    c.child =
        c.ike.quickMode(
            IdPayloads.host(c.address), IdPayloads.subnet(c.cfg.remoteNet(), c.cfg.remotePrefix()));
    c.peer.install(c.child);
    return c.child;
  }

  /** Lets every client receive for a while (what the IUT sends them lands in their traces). */
  void drainAll(Duration d) {
    for (Client c : clients.values()) {
      c.peer.drain(d);
    }
  }

  /** ESP that came to client {@code c} and did not open with its SA (another client's?). */
  static long foreignEsp(Trace t) {
    return t.notes().stream().filter(x -> x.contains("ESP packet not accepted")).count();
  }

  /**
   * Hands each client's packets, notes and keys to the run's trace (points {@code client-N}) and
   * returns the point names.
   */
  List<String> mergeInto(Trace run) {
    List<String> points = new ArrayList<>();
    for (Client c : clients.values()) {
      String point = point(c.n);
      points.add(point);
      for (TraceEntry e : c.trace.at(Trace.PEER)) {
        run.restore(point, e.direction(), e.datagram(), e.view());
      }
      c.trace.notes().forEach(x -> run.note(point + ": " + x.strip()));
      c.trace.keys().forEach(run::addKeys);
    }
    return points;
  }

  @Override
  public void close() {
    for (Client c : clients.values()) {
      c.peer.close();
    }
    for (DatagramPort p : ports) {
      p.close();
    }
  }
}
