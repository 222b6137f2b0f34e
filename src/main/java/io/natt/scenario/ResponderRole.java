package io.natt.scenario;

import io.natt.ike.ChildSaKeys;
import io.natt.ike.Ikev1Responder;
import io.natt.ike.Knobs;
import io.natt.ike.NatDetection;
import io.natt.ike.ResponderConfig;
import io.natt.iut.Initiation;
import io.natt.iut.Iut;
import io.natt.trace.Trace;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * The harness as the responder (a scenario's {@code harness.role: responder}): the harness's IKEv1
 * responder answers on the harness's datagram port, and the IUT initiates. The {@code phase1} step
 * asks the IUT to initiate ({@link Iut#initiate}) and serves until the IKE SA is up; {@code
 * quick-mode} serves until the IUT's Quick Mode completed, whose keys the peer then uses for its
 * ESP. Between steps the peer hands every IKE datagram to the responder, so it keeps answering.
 */
final class ResponderRole {
  /** How long the IUT gets, after it was asked to initiate, to bring up the IKE SA. */
  static final Duration PHASE1_WAIT = Duration.ofSeconds(30);

  /** How long the IUT gets to finish its Quick Mode once the IKE SA is up. */
  static final Duration QUICK_MODE_WAIT = Duration.ofSeconds(20);

  private static final Duration SLICE = Duration.ofMillis(50);

  private final Ikev1Responder responder;
  private final Trace trace;
  private final Initiation initiation;
  private int childrenTaken;

  /** When the last Quick Mode completed: an error notification after a later message 1 ends one. */
  private long quickModeSince = Long.MIN_VALUE;

  ResponderRole(
      ResponderConfig cfg,
      HarnessPeer peer,
      Trace trace,
      SecureRandom random,
      Initiation initiation) {
    this.responder = new Ikev1Responder(cfg, peer, peer.recorder(), random);
    this.trace = trace;
    this.initiation = initiation;
    peer.attach(responder, cfg.knobs());
  }

  /** The responder's config for the harness: accepts every algorithm it implements. */
  static ResponderConfig config(
      java.net.Inet4Address own,
      String ownId,
      String iutId,
      byte[] psk,
      String innerNet,
      Knobs knobs,
      Duration answerTimeout) {
    String[] net = innerNet.split("/");
    return ResponderConfig.acceptingAll(
        own, ownId, iutId, psk, Runner.ip(net[0]), Integer.parseInt(net[1]), knobs, answerTimeout);
  }

  /**
   * Why the target's IUT cannot be made to initiate, known before anything starts: a remote device
   * without an {@code initiate} hook, a daemon started by a launch command (no initiate hook yet).
   */
  static java.util.Optional<String> initiateRefusal(io.natt.iut.TargetProfile t) {
    if (t.isRemote() && (t.remote() == null || t.remote().initiate().isEmpty())) {
      return java.util.Optional.of(
          "the harness as responder needs the remote device to initiate: add remote.initiate (a"
              + " command that makes it initiate) to the target profile "
              + t.name());
    }
    if (t.launchesCommand()) {
      return java.util.Optional.of(
          "an IUT started by a launch command cannot be made to initiate yet (role: responder"
              + " needs the bundled strongSwan, the emulated IUT or a remote device with an"
              + " initiate hook)");
    }
    return java.util.Optional.empty();
  }

  /**
   * Whether the IUT is asked for a transport-mode Quick Mode: the scenario's first {@code
   * quick-mode} step says so (the loader refuses later ones of another mode with this role).
   */
  static boolean transport(List<Scenario.Step> steps) {
    return steps.stream()
        .filter(x -> x instanceof Scenario.Step.QuickMode)
        .map(x -> ((Scenario.Step.QuickMode) x).transport())
        .findFirst()
        .orElse(false);
  }

  /** How the target's IUT is made to initiate, in words. */
  static String how(io.natt.iut.TargetProfile t) {
    if (t.launchesStrongSwan()) {
      return "swanctl --initiate in charon's namespace";
    }
    if (t.isRemote() && t.remote() != null) {
      return "its initiate hook: " + t.remote().initiate();
    }
    return "its own initiator";
  }

  Ikev1Responder responder() {
    return responder;
  }

  /** Asks the IUT to initiate, then serves until the IKE SA is up. */
  String phase1(Iut iut) {
    String how = iut.initiate(initiation);
    trace.note("the IUT is asked to initiate: " + how);
    long deadline = System.nanoTime() + PHASE1_WAIT.toNanos();
    while (!responder.established() && System.nanoTime() < deadline) {
      responder.serve(SLICE);
    }
    if (!responder.established()) {
      throw new Runner.StepFailed(
          "the IUT did not bring up an IKE SA with the harness within "
              + PHASE1_WAIT.toSeconds()
              + " s of being asked to initiate ("
              + how
              + "); it sent "
              + (responder.messagesSent() == 0
                  ? "nothing the harness answered"
                  : "messages, " + responder.messagesSent() + " answers went back"));
    }
    trace.addKeys(SaKeysOf.ike(responder));
    NatDetection n = responder.natDetection();
    return "IKE SA up (the IUT initiated "
        + initiation.exchangeName()
        + "); NAT-T "
        + n.natTVariant()
        + (responder.floated() ? ", on 4500" : "");
  }

  /** Serves until the IUT's next Quick Mode completed; its keys (inbound = the harness's SPI). */
  ChildSaKeys quickMode() {
    long deadline = System.nanoTime() + QUICK_MODE_WAIT.toNanos();
    java.util.Optional<String> refusal = refusal();
    while (responder.children().size() <= childrenTaken
        && refusal.isEmpty()
        && System.nanoTime() < deadline) {
      responder.serve(SLICE);
      refusal = refusal();
    }
    List<ChildSaKeys> c = responder.children();
    if (c.size() <= childrenTaken && refusal.isPresent()) {
      throw new Runner.StepFailed(
          "the IUT ended its own Quick Mode with "
              + refusal.get()
              + " instead of message 3 (an IUT that cannot install the SA it negotiated, as"
              + " kernel-libipsec with transport mode, gives up there)");
    }
    if (c.size() <= childrenTaken) {
      throw new Runner.StepFailed(
          "the IUT started no Quick Mode that completed within "
              + QUICK_MODE_WAIT.toSeconds()
              + " s after its IKE SA came up");
    }
    quickModeSince = System.nanoTime();
    return c.get(childrenTaken++);
  }

  /**
   * The harness's end of the IUT's transport-mode SA pair: the IUT's NAT-OAi is its own address,
   * its NAT-OAr the harness's address as it sees it (without them, the addresses as they came).
   */
  TransportMode transportEnd(java.net.Inet4Address own) {
    return TransportMode.responder(
        responder.initiatorNatOa(),
        own,
        (java.net.Inet4Address) responder.remoteEndpoint().getAddress());
  }

  /**
   * The IUT's refusal of its own Quick Mode: the first error notification (type below 16384) it
   * sent after a Quick Mode message 1 of it, both since the last Quick Mode completed (the whole
   * exchange may have run while phase1 was still being served).
   */
  private java.util.Optional<String> refusal() {
    boolean offered = false;
    for (io.natt.trace.TraceEntry e : trace.at(Trace.PEER)) {
      if (e.direction() != io.natt.trace.Direction.RECEIVED
          || e.datagram().monoNanos() <= quickModeSince
          || !(e.view() instanceof io.natt.wire.PacketView.Ike i)
          || !i.decrypted()) {
        continue;
      }
      int type = i.header().exchangeType();
      if (type == io.natt.wire.ExchangeType.QUICK.code()
          && !i.all(io.natt.wire.SaPayload.class).isEmpty()) {
        offered = true;
      } else if (offered && type == io.natt.wire.ExchangeType.INFORMATIONAL.code()) {
        java.util.Optional<String> error =
            i.all(io.natt.wire.NotificationPayload.class).stream()
                .filter(x -> x.type() < 16384)
                .map(x -> x.notifyTypeValue().name())
                .findFirst();
        if (error.isPresent()) {
          return error;
        }
      }
    }
    return java.util.Optional.empty();
  }

  NatDetection natDetection() {
    return responder.natDetection();
  }

  boolean floated() {
    return responder.floated();
  }
}
