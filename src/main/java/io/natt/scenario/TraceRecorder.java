package io.natt.scenario;

import io.natt.ike.PeerListener;
import io.natt.trace.Direction;
import io.natt.trace.Trace;
import io.natt.wire.Datagram;
import io.natt.wire.PacketView;

/** Writes what an IKE engine sends, receives and concludes into a trace. */
final class TraceRecorder implements PeerListener {
  private final Trace trace;

  TraceRecorder(Trace trace) {
    this.trace = trace;
  }

  @Override
  public void sent(Datagram d, PacketView view) {
    trace.record(Direction.SENT, d, view);
  }

  @Override
  public void received(Datagram d, PacketView view) {
    trace.record(Direction.RECEIVED, d, view);
  }

  @Override
  public void note(String text) {
    trace.note(text);
  }
}
