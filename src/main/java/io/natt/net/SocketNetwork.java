package io.natt.net;

import io.natt.sys.NsExecutor;
import io.natt.sys.SetupException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Real UDP sockets, created inside one namespace (through its {@link NsExecutor}) or, without one,
 * in the namespace the JVM runs in.
 */
public final class SocketNetwork implements DatagramNetwork {
  private final NsExecutor ns;

  /** Sockets in the namespace of {@code ns}; null for the JVM's own namespace. */
  public SocketNetwork(NsExecutor ns) {
    this.ns = ns;
  }

  @Override
  public Optional<Socket> bind(
      InetSocketAddress local, BiConsumer<InetSocketAddress, byte[]> sink) {
    DatagramChannel ch;
    try {
      ch = ns == null ? open(local) : ns.call(() -> open(local));
    } catch (BindException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new SetupException("cannot bind UDP " + local + ": " + e.getMessage(), e);
    } catch (SetupException e) {
      if (e.getCause() instanceof BindException) {
        return Optional.empty();
      }
      throw e;
    }
    Real s = new Real(ch, local);
    Thread reader = new Thread(() -> s.readLoop(sink), "udp-" + local.getPort());
    reader.setDaemon(true);
    reader.start();
    return Optional.of(s);
  }

  /** Why a UDP port cannot be bound, as {@link #probe} tells it. */
  public enum BindProblem {
    /** A privileged port (below net.ipv4.ip_unprivileged_port_start) without the right. */
    NOT_PERMITTED,
    /** Another socket has it. */
    IN_USE,
    /** The address is not one of this host (or of this network namespace). */
    NOT_LOCAL,
    /** Something else; see the message. */
    OTHER
  }

  /**
   * Binds {@code local} in the JVM's own namespace and closes it again at once; empty when it can
   * be bound, otherwise why not with the system's message.
   */
  public static Optional<java.util.Map.Entry<BindProblem, String>> probe(InetSocketAddress local) {
    try (DatagramChannel c = DatagramChannel.open()) {
      c.bind(local);
      return Optional.empty();
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      BindProblem p =
          m.contains("Permission denied") || m.contains("Operation not permitted")
              ? BindProblem.NOT_PERMITTED
              : m.contains("already in use")
                  ? BindProblem.IN_USE
                  : m.contains("Cannot assign requested address")
                      ? BindProblem.NOT_LOCAL
                      : BindProblem.OTHER;
      return Optional.of(java.util.Map.entry(p, m));
    }
  }

  private static DatagramChannel open(InetSocketAddress local) throws IOException {
    DatagramChannel c = DatagramChannel.open();
    try {
      c.bind(local);
      return c;
    } catch (IOException e) {
      c.close();
      throw e;
    }
  }

  private static final class Real implements Socket {
    private final DatagramChannel ch;
    private final InetSocketAddress local;
    private final AtomicBoolean closed = new AtomicBoolean();

    Real(DatagramChannel ch, InetSocketAddress local) {
      this.ch = ch;
      this.local = local;
    }

    void readLoop(BiConsumer<InetSocketAddress, byte[]> sink) {
      ByteBuffer buf = ByteBuffer.allocate(65535);
      while (!closed.get()) {
        try {
          buf.clear();
          InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
          buf.flip();
          byte[] data = new byte[buf.remaining()];
          buf.get(data);
          if (!closed.get()) {
            sink.accept(from, data);
          }
        } catch (ClosedChannelException e) {
          return;
        } catch (IOException e) {
          if (closed.get()) {
            return;
          }
        }
      }
    }

    @Override
    public InetSocketAddress local() {
      return local;
    }

    @Override
    public void send(InetSocketAddress to, byte[] payload) {
      try {
        ch.send(ByteBuffer.wrap(payload), to);
      } catch (IOException e) {
        throw new SetupException(
            "sending from " + local + " to " + to + " failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        try {
          ch.close();
        } catch (IOException e) {
          // closed anyway
        }
      }
    }
  }
}
