package io.natt.net;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A network in memory: sockets are bound addresses, a datagram goes to whatever is bound to its
 * destination (nothing there: lost, as UDP would be). Delivery runs on one thread of its own, in
 * the order sent, so a sender never runs its receiver's code. No root, no packets on any wire.
 */
public final class MemoryNetwork implements DatagramNetwork, AutoCloseable {
  private final Map<InetSocketAddress, BiConsumer<InetSocketAddress, byte[]>> bound =
      new ConcurrentHashMap<>();
  private final ExecutorService delivery =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "memory-network");
            t.setDaemon(true);
            return t;
          });

  @Override
  public Optional<Socket> bind(
      InetSocketAddress local, BiConsumer<InetSocketAddress, byte[]> sink) {
    if (bound.putIfAbsent(local, sink) != null) {
      return Optional.empty();
    }
    AtomicBoolean closed = new AtomicBoolean();
    return Optional.of(
        new Socket() {
          @Override
          public InetSocketAddress local() {
            return local;
          }

          @Override
          public void send(InetSocketAddress to, byte[] payload) {
            byte[] copy = payload.clone();
            if (!delivery.isShutdown()) {
              delivery.execute(
                  () -> {
                    BiConsumer<InetSocketAddress, byte[]> s = bound.get(to);
                    if (s != null) {
                      s.accept(local, copy);
                    }
                  });
            }
          }

          @Override
          public void close() {
            if (closed.compareAndSet(false, true)) {
              bound.remove(local, sink);
            }
          }
        });
  }

  /** Stops delivering. */
  @Override
  public void close() {
    delivery.shutdownNow();
    bound.clear();
  }
}
