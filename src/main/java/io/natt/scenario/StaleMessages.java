package io.natt.scenario;

import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.wire.ExchangeType;
import io.natt.wire.PacketView;
import java.util.Arrays;
import java.util.List;

/**
 * Old messages of the harness, sent again on purpose: RFC 3947 section 4 says that after the float
 * a Main or Aggressive Mode packet with the IKE SA's cookies on port 500 is old and should be
 * dropped, and a scenario re-sends one to see that it is.
 */
final class StaleMessages {
  private StaleMessages() {}

  /**
   * The UDP payload of the harness's last Main or Aggressive Mode message with both cookies set,
   * without its non-ESP marker; with a marker again when it goes to {@code port} 4500.
   */
  static byte[] lastPhase1(Trace trace, int port) {
    List<TraceEntry> sent =
        trace.at(Trace.PEER).stream()
            .filter(e -> e.direction() == Direction.SENT)
            .filter(
                e ->
                    e.view() instanceof PacketView.Ike i
                        && (i.header().exchangeType() == ExchangeType.IDENTITY_PROTECTION.code()
                            || i.header().exchangeType() == ExchangeType.AGGRESSIVE.code())
                        && !allZero(i.header().responderCookie()))
            .toList();
    if (sent.isEmpty()) {
      throw new Runner.StepFailed(
          "send-raw resend: phase1 needs a Main or Aggressive Mode message of the harness with"
              + " both cookies (phase1 first)");
    }
    TraceEntry last = sent.get(sent.size() - 1);
    byte[] p = last.datagram().payload();
    boolean marker = ((PacketView.Ike) last.view()).marker();
    byte[] ike = marker ? Arrays.copyOfRange(p, 4, p.length) : p.clone();
    if (port != 4500) {
      return ike;
    }
    byte[] out = new byte[ike.length + 4];
    System.arraycopy(ike, 0, out, 4, ike.length);
    return out;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
