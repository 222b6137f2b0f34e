package io.natt.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.net.Inet4Address;

/**
 * A raw IPv4 socket (IPPROTO_RAW: the caller writes the whole IPv4 header) opened in the namespace
 * of an {@link NsExecutor}'s thread, so that it sends from that namespace whatever thread uses it.
 * For packets that a datagram socket cannot produce, such as UDP with checksum 0. Needs root
 * (CAP_NET_RAW).
 */
public final class RawIpv4Socket implements AutoCloseable {
  private static final int AF_INET = 2;
  private static final int SOCK_RAW = 3;
  private static final int IPPROTO_RAW = 255;

  interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen)
        throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private final int fd;
  private boolean closed;

  private RawIpv4Socket(int fd) {
    this.fd = fd;
  }

  /** Opens one in the executor's namespace. */
  public static RawIpv4Socket open(NsExecutor ns) {
    try {
      return ns.call(() -> new RawIpv4Socket(LibC.INSTANCE.socket(AF_INET, SOCK_RAW, IPPROTO_RAW)));
    } catch (LastErrorException e) {
      throw new SetupException(
          "cannot open a raw IPv4 socket in "
              + ns.namespace()
              + ": errno "
              + e.getErrorCode()
              + " (needs root)");
    }
  }

  /**
   * Sends a complete IPv4 packet to {@code dst} (the kernel fills in the id and header checksum).
   */
  public synchronized void send(byte[] ipv4Packet, Inet4Address dst) {
    if (closed) {
      throw new IllegalStateException("raw socket closed");
    }
    byte[] sa = new byte[16];
    // struct sockaddr_in: sin_family in host order (little-endian on the machines this runs on:
    // x86-64, arm64), sin_port 0, sin_addr in network order
    sa[0] = (byte) AF_INET;
    System.arraycopy(dst.getAddress(), 0, sa, 4, 4);
    try {
      LibC.INSTANCE.sendto(fd, ipv4Packet, ipv4Packet.length, 0, sa, sa.length);
    } catch (LastErrorException e) {
      throw new SetupException(
          "raw IPv4 send to " + dst.getHostAddress() + " failed: errno " + e.getErrorCode());
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      LibC.INSTANCE.close(fd);
    }
  }
}
