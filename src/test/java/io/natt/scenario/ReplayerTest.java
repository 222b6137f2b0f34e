package io.natt.scenario;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.wire.IsakmpMessage;
import io.natt.wire.PacketView;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.testng.annotations.Test;

/** The replay plan of a real capture: only the initiator's datagrams, rewritten as asked. */
public class ReplayerTest {
  static final Path CAPTURE = Path.of("captures/strongswan-ikev1-natt-harness.pcap");
  static final byte[] CKY_I = {1, 2, 3, 4, 5, 6, 7, 8};
  static final byte[] CKY_R = {9, 10, 11, 12, 13, 14, 15, 16};

  static PacketView view(Replayer.Packet p) {
    return PacketView.classify(p.dstPort(), p.dstPort(), p.payload());
  }

  @Test
  public void rewritesCookiesAndSpis() {
    List<Replayer.Packet> plan = Replayer.plan(CAPTURE, CKY_I, CKY_R, 0x12345678L, true, true);
    // Main Mode 1, 3, 5 and Quick Mode 1, 3, the three echo requests, the keepalives
    assertTrue(plan.size() >= 8, "plan: " + plan.size());
    int ike = 0;
    int esp = 0;
    for (Replayer.Packet p : plan) {
      PacketView v = view(p);
      if (v instanceof PacketView.Ike i) {
        ike++;
        assertEquals(i.header().initiatorCookie(), CKY_I);
        boolean first = i.header().exchangeType() == 2 && !i.header().encrypted() && ike == 1;
        assertEquals(i.header().responderCookie(), first ? new byte[8] : CKY_R);
      } else if (v instanceof PacketView.Esp e) {
        esp++;
        assertEquals(e.esp().spi(), 0x12345678L);
      }
      assertTrue(p.gapBefore().toMillis() <= 200, "gaps are capped");
    }
    assertEquals(ike, 5, "only the initiator's IKE messages");
    assertEquals(esp, 3, "only the initiator's ESP");
  }

  @Test
  public void leavesBytesAloneWithoutRewriting() {
    List<Replayer.Packet> plan = Replayer.plan(CAPTURE, CKY_I, CKY_R, 0x12345678L, false, false);
    Replayer.Packet first = plan.get(0);
    IsakmpMessage m = IsakmpMessage.decode(first.payload());
    assertFalse(Arrays.equals(m.header().initiatorCookie(), CKY_I));
    for (Replayer.Packet p : plan) {
      if (view(p) instanceof PacketView.Esp) {
        assertTrue(ByteBuffer.wrap(p.payload()).getInt(0) != 0x12345678);
      }
    }
  }
}
