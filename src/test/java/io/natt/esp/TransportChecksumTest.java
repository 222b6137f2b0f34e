package io.natt.esp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.wire.UdpDatagram;
import java.security.SecureRandom;
import java.util.Random;
import org.testng.annotations.Test;

/**
 * RFC 3948 section 3.1.2 option 1 against a full recomputation: a UDP datagram whose checksum was
 * computed over the original addresses (a client's private address, the server's as the client saw
 * it) verifies, after the incremental fix, over the addresses as received behind the NAT; and
 * transport-mode ESP carries the segment with its next header.
 */
public class TransportChecksumTest {
  static final byte[] CLIENT_PRIVATE = {10, 0, 1, 2};
  static final byte[] NAT_PUBLIC = {(byte) 198, 51, 100, 1};
  static final byte[] SERVER = {(byte) 198, 51, 100, 2};

  @Test
  public void fixedChecksumEqualsTheRecomputedOne() {
    Random r = new Random(7);
    for (int n = 0; n < 200; n++) {
      byte[] data = new byte[r.nextInt(300)];
      r.nextBytes(data);
      UdpDatagram u = UdpDatagram.of(1701, 1701, data);
      byte[] sent = u.encode(CLIENT_PRIVATE, SERVER);
      assertFalse(
          UdpDatagram.decode(sent).checksumValid(NAT_PUBLIC, SERVER),
          "over the translated address the sender's checksum is wrong");
      byte[] fixed =
          TransportChecksum.fix(
              sent,
              TransportChecksum.UDP_CHECKSUM,
              true,
              CLIENT_PRIVATE,
              SERVER,
              NAT_PUBLIC,
              SERVER);
      assertTrue(UdpDatagram.decode(fixed).checksumValid(NAT_PUBLIC, SERVER), "datagram " + n);
      assertEquals(fixed, u.encode(NAT_PUBLIC, SERVER), "same as a full recomputation");
    }
  }

  @Test
  public void bothAddressesMoved() {
    byte[] sent = UdpDatagram.of(1701, 1701, "l2tp".getBytes()).encode(SERVER, NAT_PUBLIC);
    // the client's stack sees the server's packet as from SERVER to its private address
    byte[] fixed =
        TransportChecksum.fix(
            sent, TransportChecksum.UDP_CHECKSUM, true, SERVER, NAT_PUBLIC, SERVER, CLIENT_PRIVATE);
    assertTrue(UdpDatagram.decode(fixed).checksumValid(SERVER, CLIENT_PRIVATE));
  }

  @Test
  public void zeroUdpChecksumStaysZero() {
    byte[] sent = UdpDatagram.of(1701, 1701, new byte[] {1, 2, 3}).encodeWithoutChecksum();
    byte[] fixed =
        TransportChecksum.fix(
            sent, TransportChecksum.UDP_CHECKSUM, true, CLIENT_PRIVATE, SERVER, NAT_PUBLIC, SERVER);
    assertEquals(fixed, sent);
  }

  @Test
  public void transportModeEspCarriesTheSegmentAndItsNextHeader() {
    byte[] enc = new byte[16];
    byte[] auth = new byte[32];
    new Random(3).nextBytes(enc);
    EspSa out = new EspSa(0x1234, EspCipher.AES_CBC_128, enc, EspIntegrity.HMAC_SHA2_256_128, auth);
    EspSa in = new EspSa(0x1234, EspCipher.AES_CBC_128, enc, EspIntegrity.HMAC_SHA2_256_128, auth);
    byte[] segment = UdpDatagram.of(1701, 1701, "hello".getBytes()).encode(CLIENT_PRIVATE, SERVER);
    EspSa.Opened o = in.open(out.seal(segment, 17, new SecureRandom()));
    assertEquals(o.nextHeader(), 17);
    assertEquals(o.inner(), segment);
  }
}
