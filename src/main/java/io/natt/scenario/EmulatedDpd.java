package io.natt.scenario;

import io.natt.ike.Ikev1Responder;
import io.natt.trace.Trace;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The emulated IUT's minimal dead-peer detection (RFC 3706), run when the initiator announced DPD:
 * after {@link #DELAY} without ESP or an R-U-THERE-ACK from the peer it sends an R-U-THERE, each
 * {@link #DELAY}; after {@link #TIMEOUT} without proof of life it deletes the IKE SA and stops.
 * NAT-keepalives are no proof of life (RFC 3948 section 4), unless the deviation
 * keepalive-as-liveness, which resets the timeout on each keepalive (the probes go on).
 */
final class EmulatedDpd implements AutoCloseable {
  static final Duration DELAY = Duration.ofSeconds(1);
  static final Duration TIMEOUT = Duration.ofSeconds(4);

  private final Ikev1Responder responder;
  private final Trace trace;
  private final boolean keepaliveAsLiveness;
  private final ScheduledExecutorService timer;
  private volatile long lastEsp = System.nanoTime();
  private volatile long lastKeepalive;
  private volatile boolean dead;

  private EmulatedDpd(Ikev1Responder responder, Trace trace, boolean keepaliveAsLiveness) {
    this.responder = responder;
    this.trace = trace;
    this.keepaliveAsLiveness = keepaliveAsLiveness;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "iut-dpd");
              t.setDaemon(true);
              return t;
            });
  }

  static EmulatedDpd start(Ikev1Responder responder, Trace trace, boolean keepaliveAsLiveness) {
    EmulatedDpd d = new EmulatedDpd(responder, trace, keepaliveAsLiveness);
    trace.note(
        "emulated IUT: dead-peer detection, R-U-THERE after "
            + DELAY.toMillis()
            + " ms idle, the peer dead after "
            + TIMEOUT.toMillis()
            + " ms without an answer"
            + (keepaliveAsLiveness ? " (deviation keepalive-as-liveness)" : ""));
    d.timer.scheduleAtFixedRate(d::tick, DELAY.toMillis(), DELAY.toMillis(), TimeUnit.MILLISECONDS);
    return d;
  }

  /** A valid ESP packet arrived. */
  void esp() {
    lastEsp = System.nanoTime();
  }

  /** A NAT-keepalive arrived. */
  void keepalive() {
    lastKeepalive = System.nanoTime();
  }

  private void tick() {
    if (dead) {
      return;
    }
    long now = System.nanoTime();
    long traffic = Math.max(lastEsp, responder.lastDpdAckNanos());
    long proof = keepaliveAsLiveness ? Math.max(traffic, lastKeepalive) : traffic;
    try {
      if (now - proof >= TIMEOUT.toNanos()) {
        dead = true;
        trace.note("emulated IUT: DPD timed out, the peer is dead: deleting the IKE SA");
        responder.deleteIkeSa();
        timer.shutdown();
      } else if (now - traffic >= DELAY.toNanos()) {
        responder.sendRuThere();
      }
    } catch (RuntimeException e) {
      trace.note("emulated IUT: DPD: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
