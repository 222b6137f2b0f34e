package io.natt.net;

import io.natt.sys.SetupException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/** Reads the frames of a capture file (for replay steps and offline analysis). */
public final class PcapFile {
  private PcapFile() {}

  public static List<CapturedFrame> read(Path file, String point) {
    List<CapturedFrame> out = new ArrayList<>();
    try (PcapHandle h = Pcaps.openOffline(file.toString())) {
      byte[] f;
      while ((f = h.getNextRawPacket()) != null) {
        out.add(new CapturedFrame(point, h.getTimestamp().toInstant(), f));
      }
    } catch (PcapNativeException e) {
      throw new SetupException("cannot read capture " + file + ": " + e.getMessage(), e);
    } catch (org.pcap4j.core.NotOpenException e) {
      throw new SetupException("capture " + file + " closed while reading", e);
    }
    return out;
  }
}
