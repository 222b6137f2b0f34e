package io.natt.net;

import io.natt.sys.NsExecutor;
import io.natt.sys.SetupException;
import io.natt.wire.Datagram;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * UDP sockets of one host (IKE on 500, NAT-T on 4500), created inside the host's namespace.
 * Everything received on any of them lands in one queue, in arrival order.
 */
public final class UdpTransport implements DatagramPort {
  private final Inet4Address localAddress;
  private final Map<Integer, DatagramChannel> sockets = new LinkedHashMap<>();
  private final BlockingQueue<Datagram> inbound = new LinkedBlockingQueue<>();
  private volatile boolean closed;

  private UdpTransport(Inet4Address localAddress) {
    this.localAddress = localAddress;
  }

  /** Opens one socket per port on the given address, in the namespace of {@code ns}. */
  public static UdpTransport open(NsExecutor ns, Inet4Address address, List<Integer> ports) {
    UdpTransport t = new UdpTransport(address);
    try {
      for (int port : ports) {
        DatagramChannel ch =
            ns.call(
                () -> {
                  DatagramChannel c = DatagramChannel.open();
                  c.bind(new InetSocketAddress(address, port));
                  return c;
                });
        t.sockets.put(port, ch);
        Thread reader = new Thread(() -> t.readLoop(port, ch), "udp-" + port);
        reader.setDaemon(true);
        reader.start();
      }
    } catch (RuntimeException e) {
      t.close();
      throw new SetupException(
          "cannot open UDP sockets on " + address.getHostAddress() + " " + ports + ": " + e, e);
    }
    return t;
  }

  private void readLoop(int port, DatagramChannel ch) {
    ByteBuffer buf = ByteBuffer.allocate(65535);
    InetSocketAddress local = new InetSocketAddress(localAddress, port);
    while (!closed) {
      try {
        buf.clear();
        InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
        buf.flip();
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        inbound.add(Datagram.now(from, local, data));
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Sends from the socket bound to {@code localPort}; returns the datagram as sent. */
  @Override
  public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
    DatagramChannel ch = sockets.get(localPort);
    if (ch == null) {
      throw new IllegalArgumentException("no socket on local port " + localPort);
    }
    Datagram d = Datagram.now(new InetSocketAddress(localAddress, localPort), to, payload);
    try {
      ch.send(ByteBuffer.wrap(payload), to);
    } catch (SocketException e) {
      throw new SetupException("sending to " + to + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new SetupException("sending to " + to + " failed: " + e.getMessage(), e);
    }
    return d;
  }

  /** The next received datagram, waiting at most {@code timeout}. */
  @Override
  public Optional<Datagram> receive(Duration timeout) {
    try {
      return Optional.ofNullable(inbound.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public Inet4Address localAddress() {
    return localAddress;
  }

  @Override
  public void close() {
    closed = true;
    for (DatagramChannel ch : sockets.values()) {
      try {
        ch.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
