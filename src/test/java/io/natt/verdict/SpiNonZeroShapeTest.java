package io.natt.verdict;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.testng.annotations.Test;

/**
 * What 3948-2.1-spi-nonzero counts as IKE after the non-ESP marker: anything with the shape of an
 * ISAKMP header, also one the harness's decoder cannot read, so that a decoding gap of ours never
 * becomes a FAIL of the IUT; ESP with SPI 0 does not have that shape.
 */
public class SpiNonZeroShapeTest {
  private static byte[] markerAndHeader(int major, int bodyLength) {
    ByteBuffer b = ByteBuffer.allocate(4 + 28 + bodyLength);
    b.putInt(0); // the non-ESP marker
    b.put(new byte[16]); // cookies
    b.put((byte) 0x21); // next payload: unknown to the decoder
    b.put((byte) (major << 4));
    b.put((byte) 5).put((byte) 0).putInt(7);
    b.putInt(28 + bodyLength);
    return b.array();
  }

  @Test
  public void anIkeShapedMessageAfterTheMarkerIsIkeEvenWithAnUnreadableBody() {
    assertTrue(Checks.looksLikeIke(markerAndHeader(1, 40), 4));
    assertTrue(Checks.looksLikeIke(markerAndHeader(2, 0), 4));
  }

  @Test
  public void espWithSpiZeroIsNotIkeShaped() {
    Random rnd = new Random(3948);
    for (int k = 0; k < 1000; k++) {
      byte[] esp = new byte[4 + 4 + 16 + 16 * (1 + rnd.nextInt(80)) + 16];
      rnd.nextBytes(esp);
      esp[0] = esp[1] = esp[2] = esp[3] = 0;
      assertFalse(Checks.looksLikeIke(esp, 4), "random ESP body " + k);
    }
    assertFalse(Checks.looksLikeIke(markerAndHeader(3, 10), 4), "no IKE version 3");
    byte[] shortOne = markerAndHeader(1, 10);
    assertFalse(
        Checks.looksLikeIke(java.util.Arrays.copyOf(shortOne, shortOne.length - 1), 4),
        "the length field must match");
  }
}
