package io.natt.ike;

import io.natt.wire.Datagram;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/** How the engine sends and receives IKE datagrams; the runner connects it to real sockets. */
public interface Channel {
  /** Sends from the local port (500 or 4500) to {@code to}; returns the datagram as sent. */
  Datagram send(int localPort, InetSocketAddress to, byte[] payload);

  /** The next IKE datagram (port 500, or 4500 with the non-ESP marker), if one comes in time. */
  Optional<Datagram> receive(Duration timeout);
}
