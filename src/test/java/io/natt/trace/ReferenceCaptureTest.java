package io.natt.trace;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.wire.IsakmpMessage;
import io.natt.wire.PacketView;
import io.natt.wire.Udp4500;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/**
 * Golden files: real strongSwan packets from captures/ decode without a malformed packet, and every
 * IKE message and UDP-4500 payload re-encodes byte for byte.
 */
public class ReferenceCaptureTest {
  @DataProvider
  public Object[][] captures() {
    return new Object[][] {
      {"captures/strongswan-ikev1-natt-public.pcap"},
      {"captures/strongswan-ikev1-natt-harness.pcap"}
    };
  }

  static List<byte[]> frames(Path file) throws Exception {
    List<byte[]> out = new ArrayList<>();
    try (PcapHandle h = Pcaps.openOffline(file.toString())) {
      byte[] f;
      while ((f = h.getNextRawPacket()) != null) {
        out.add(f);
      }
    }
    return out;
  }

  @Test(dataProvider = "captures")
  public void decodesAndRoundTrips(String file) throws Exception {
    Trace t = new Trace();
    for (byte[] f : frames(Path.of(file))) {
      t.observe("ref", Instant.now(), System.nanoTime(), f);
    }
    List<TraceEntry> all = t.at("ref");
    assertTrue(all.size() >= 15, "frames: " + all.size());
    int ike = 0;
    int esp = 0;
    for (TraceEntry e : all) {
      assertFalse(e.view() instanceof PacketView.Malformed, e.line(0));
      byte[] payload = e.datagram().payload();
      if (e.view() instanceof PacketView.Ike i) {
        ike++;
        byte[] isakmp =
            i.marker() ? java.util.Arrays.copyOfRange(payload, 4, payload.length) : payload;
        assertEquals(IsakmpMessage.decode(isakmp).encode(), isakmp, e.line(0));
      }
      if (e.from().getPort() == 4500 || e.to().getPort() == 4500) {
        assertEquals(Udp4500.decode(payload).encode(), payload, e.line(0));
        if (e.view() instanceof PacketView.Esp) {
          esp++;
        }
      }
    }
    assertEquals(ike, 9, "Main Mode 6 + Quick Mode 3");
    assertEquals(esp, 6, "3 echo requests and 3 replies");
  }
}
