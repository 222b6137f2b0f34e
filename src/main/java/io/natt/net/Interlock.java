package io.natt.net;

import io.natt.sys.SetupException;
import io.natt.wire.Datagram;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The safety interlock: the harness sends only to its target's address. Wrapped around the datagram
 * port and the datagram network the harness sends through, it refuses, before anything is sent, a
 * datagram to any other address, and always one to 192.0.2.0/24 (reserved on these machines).
 * Traffic inside the tunnel travels ESP-encapsulated to the target's address, so it passes here as
 * a datagram to the target.
 */
public final class Interlock {
  /** A datagram the interlock kept from leaving. */
  public static final class Refused extends SetupException {
    private final InetSocketAddress to;

    Refused(InetSocketAddress to, String message) {
      super(message);
      this.to = to;
    }

    /** Where it would have gone. */
    public InetSocketAddress to() {
      return to;
    }
  }

  private final Set<Inet4Address> allowed;
  private final String target;

  private Interlock(Collection<Inet4Address> allowed, String target) {
    this.allowed = Set.copyOf(allowed);
    this.target = target;
  }

  /**
   * An interlock that lets datagrams through only to {@code allowed}.
   *
   * @param target how to name the target in a refusal (e.g. "target my-gw")
   */
  public static Interlock allowing(Collection<Inet4Address> allowed, String target) {
    return new Interlock(allowed, target);
  }

  /** Throws {@link Refused} unless a datagram may go to {@code to}. */
  public void check(InetSocketAddress to) {
    InetAddress a = to.getAddress();
    String where = a == null ? to.getHostString() : a.getHostAddress();
    if (a instanceof Inet4Address v4 && reserved(v4)) {
      throw new Refused(
          to,
          "interlock: refused to send to "
              + where
              + ":"
              + to.getPort()
              + ": 192.0.2.0/24 is reserved on these machines and nothing is ever sent there ("
              + target
              + ")");
    }
    if (!(a instanceof Inet4Address v4) || !allowed.contains(v4)) {
      throw new Refused(
          to,
          "interlock: refused to send to "
              + where
              + ":"
              + to.getPort()
              + ": the harness sends only to "
              + target
              + " at "
              + String.join(", ", allowed.stream().map(Inet4Address::getHostAddress).toList()));
    }
  }

  static boolean reserved(Inet4Address a) {
    byte[] b = a.getAddress();
    return (b[0] & 255) == 192 && b[1] == 0 && b[2] == 2;
  }

  /** The port, sending only where this interlock allows. */
  public DatagramPort guard(DatagramPort port) {
    return new DatagramPort() {
      @Override
      public Datagram send(int localPort, InetSocketAddress to, byte[] payload) {
        check(to);
        return port.send(localPort, to, payload);
      }

      @Override
      public Optional<Datagram> receive(Duration timeout) {
        return port.receive(timeout);
      }

      @Override
      public Inet4Address localAddress() {
        return port.localAddress();
      }

      @Override
      public void close() {
        port.close();
      }
    };
  }

  /** The network, whose sockets send only where this interlock allows. */
  public DatagramNetwork guard(DatagramNetwork network) {
    return (local, sink) ->
        network
            .bind(local, sink)
            .map(
                s ->
                    new DatagramNetwork.Socket() {
                      @Override
                      public InetSocketAddress local() {
                        return s.local();
                      }

                      @Override
                      public void send(InetSocketAddress to, byte[] payload) {
                        check(to);
                        s.send(to, payload);
                      }

                      @Override
                      public void close() {
                        s.close();
                      }
                    });
  }
}
