package io.natt.ike;

import io.natt.wire.Datagram;
import io.natt.wire.PacketView;

/** Told of every IKE packet the engine sends or receives (decrypted), and of its conclusions. */
public interface PeerListener {
  void sent(Datagram d, PacketView view);

  void received(Datagram d, PacketView view);

  /** A conclusion worth a line in the log ("NAT detected in front of the harness"). */
  void note(String text);

  PeerListener NONE =
      new PeerListener() {
        @Override
        public void sent(Datagram d, PacketView view) {}

        @Override
        public void received(Datagram d, PacketView view) {}

        @Override
        public void note(String text) {}
      };
}
