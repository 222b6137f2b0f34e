package io.natt.net;

import io.natt.wire.Datagram;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the harness's datagrams leave and arrive: a set of local UDP ports on one address, with the
 * shape of the IKE engine's channel. Sockets in a namespace ({@link UdpTransport}) are one
 * implementation; a NAT emulated inside the harness, which sends from mapped ports of a real
 * socket, is another. Everything received on any port comes out of {@link #receive} in arrival
 * order.
 */
public interface DatagramPort extends AutoCloseable {
  /** Sends from the local port (for example 500 or 4500) to {@code to}; returns it as sent. */
  Datagram send(int localPort, InetSocketAddress to, byte[] payload);

  /** The next received datagram, waiting at most {@code timeout}. */
  Optional<Datagram> receive(Duration timeout);

  /** The address the datagrams leave from, as the harness's peer believes it. */
  Inet4Address localAddress();

  /** Closes every port; safe to call more than once. */
  @Override
  void close();
}
