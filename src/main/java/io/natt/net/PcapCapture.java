package io.natt.net;

import io.natt.sys.NsExecutor;
import io.natt.sys.SetupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

/**
 * A Pcap4J capture on one interface inside a namespace: writes a pcap file and keeps every frame in
 * memory for the trace.
 */
public final class PcapCapture implements Capture {
  private final String point;
  private final Path file;
  private final List<CapturedFrame> frames = new ArrayList<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile PcapHandle handle;

  private PcapCapture(String point, Path file) {
    this.point = point;
    this.file = file;
  }

  /** Starts capturing UDP and ICMP on {@code iface} (in the namespace of {@code ns}) into file. */
  public static PcapCapture start(NsExecutor ns, String iface, String point, Path file) {
    PcapCapture c = new PcapCapture(point, file);
    ns.startDaemon("pcap-" + point, () -> c.run(iface));
    try {
      if (!c.started.await(10, TimeUnit.SECONDS)) {
        throw new SetupException("capture on " + iface + " did not start within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SetupException("interrupted while starting capture", e);
    }
    if (c.failure.get() != null) {
      throw c.failure.get();
    }
    return c;
  }

  private void run(String iface) {
    PcapDumper dumper = null;
    try {
      Files.createDirectories(file.getParent());
      PcapNetworkInterface nif = Pcaps.getDevByName(iface);
      if (nif == null) {
        throw new SetupException("no interface " + iface + " to capture on");
      }
      handle = nif.openLive(65536, PromiscuousMode.PROMISCUOUS, 10);
      handle.setFilter("udp or icmp", BpfCompileMode.OPTIMIZE);
      dumper = handle.dumpOpen(file.toString());
      PcapDumper d = dumper;
      PcapHandle h = handle;
      started.countDown();
      RawPacketListener listener =
          packet -> {
            Timestamp ts = h.getTimestamp();
            try {
              d.dumpRaw(packet, ts);
              d.flush();
            } catch (Exception e) {
              failure.compareAndSet(null, new SetupException("writing " + file + ": " + e, e));
            }
            synchronized (frames) {
              frames.add(new CapturedFrame(point, ts.toInstant(), packet.clone()));
            }
          };
      try {
        h.loop(-1, listener);
      } catch (InterruptedException e) {
        // breakLoop() ends the capture
      }
    } catch (SetupException e) {
      failure.compareAndSet(null, e);
    } catch (Exception e) {
      failure.compareAndSet(null, new SetupException("capture on " + iface + " failed: " + e, e));
    } finally {
      started.countDown();
      if (dumper != null) {
        dumper.close();
      }
      if (handle != null) {
        handle.close();
      }
      finished.countDown();
    }
  }

  @Override
  public String point() {
    return point;
  }

  @Override
  public Path file() {
    return file;
  }

  /** The frames captured so far, in order. */
  @Override
  public List<CapturedFrame> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  /** Stops the capture (after a short grace period so in-flight frames are written). */
  @Override
  public void close() {
    PcapHandle h = handle;
    if (h != null && h.isOpen()) {
      try {
        Thread.sleep(200);
        h.breakLoop();
      } catch (Exception e) {
        // ends anyway below
      }
    }
    try {
      finished.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
