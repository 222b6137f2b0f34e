package io.natt.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench's own UDP pair on 127.0.0.1 (nothing else is ever addressed): a receiver bound to an
 * ephemeral loopback port, drained by a thread that counts what arrives, and two senders bound to
 * loopback, one blocking and one non-blocking. All are closed by {@link #close()}.
 */
final class Loopback implements AutoCloseable {
  /** Datagrams sent per Selector wake-up in the batched figure. */
  static final int BATCH = 16;

  private final DatagramChannel receiver;
  private final DatagramChannel sender;
  private final DatagramChannel nonBlocking;
  private final Selector selector;
  private final InetSocketAddress target;
  private final Thread drain;
  private final AtomicLong received = new AtomicLong();
  private volatile boolean closed;

  Loopback() throws IOException {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    DatagramChannel r = null;
    DatagramChannel s = null;
    DatagramChannel nb = null;
    Selector sel = null;
    try {
      r = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
      s = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
      nb = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
      nb.configureBlocking(false);
      sel = Selector.open();
      nb.register(sel, SelectionKey.OP_WRITE);
    } catch (IOException | RuntimeException e) {
      closeQuietly(r, s, nb, sel);
      throw e;
    }
    this.receiver = r;
    this.sender = s;
    this.nonBlocking = nb;
    this.selector = sel;
    this.target = (InetSocketAddress) r.getLocalAddress();
    this.drain = new Thread(this::drainLoop, "bench-loopback-receiver");
    drain.setDaemon(true);
    drain.start();
  }

  /** The receiver's address (127.0.0.1 and an ephemeral port). */
  InetSocketAddress target() {
    return target;
  }

  /** Datagrams the receiver got so far. */
  long received() {
    return received.get();
  }

  /** One datagram, sent as the harness sends (an unconnected channel, the peer's address given). */
  int send(ByteBuffer payload) throws IOException {
    payload.rewind();
    sender.send(payload, target);
    return 1;
  }

  /**
   * Up to {@link #BATCH} datagrams after one Selector wake-up on the non-blocking channel; stops
   * early when the socket's send buffer is full. Returns how many the kernel took.
   */
  int sendBatch(ByteBuffer payload) throws IOException {
    if (selector.select(100) == 0) {
      return 0;
    }
    selector.selectedKeys().clear();
    int n = 0;
    for (; n < BATCH; n++) {
      payload.rewind();
      if (nonBlocking.send(payload, target) == 0) {
        break;
      }
    }
    return n;
  }

  private void drainLoop() {
    ByteBuffer buf = ByteBuffer.allocateDirect(65536);
    while (!closed) {
      try {
        buf.clear();
        if (receiver.receive(buf) != null) {
          received.incrementAndGet();
        }
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(sender, nonBlocking, selector, receiver);
    try {
      drain.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable... all) {
    for (AutoCloseable c : all) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // closing anyway
        }
      }
    }
  }
}
