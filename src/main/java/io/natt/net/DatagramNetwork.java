package io.natt.net;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Where UDP sockets can be bound: the real network of one namespace ({@link SocketNetwork}), or an
 * in-memory one ({@link MemoryNetwork}) for runs without root. The emulated NAT opens its mapped
 * ports here.
 */
public interface DatagramNetwork {
  /** A bound UDP socket. */
  interface Socket extends AutoCloseable {
    /** The address and port it is bound to. */
    InetSocketAddress local();

    /** Sends one datagram from {@link #local()}. */
    void send(InetSocketAddress to, byte[] payload);

    /** Unbinds; what arrives afterwards is not delivered. Safe to call more than once. */
    @Override
    void close();
  }

  /**
   * Binds {@code local}; every datagram that arrives is handed to {@code sink} with its source.
   * Empty when the address and port cannot be had (taken, or a privileged port without the right);
   * a SetupException for anything else.
   */
  Optional<Socket> bind(InetSocketAddress local, BiConsumer<InetSocketAddress, byte[]> sink);
}
