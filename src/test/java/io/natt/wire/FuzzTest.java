package io.natt.wire;

import static io.natt.wire.Vectors.b;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.testng.annotations.Test;

/**
 * Seeded random mutation and truncation of valid encodings. Every decoder must either succeed or
 * throw {@link MalformedException}; a successful decode must re-encode to exactly the bytes it
 * consumed (and toString must work).
 */
public class FuzzTest {
  private static final long SEED = 0x4e41542d54L; // "NAT-T"
  private static final int ITERATIONS = 20_000;

  private static final List<byte[]> SEEDS =
      List.of(
          b(Vectors.MM1),
          b(Vectors.MM3),
          b(Vectors.INFO_NOTIFY),
          b(Vectors.ENCRYPTED),
          b(Vectors.QM1_CHAIN),
          b(Vectors.DELETE_CHAIN),
          b(Vectors.ESP),
          b("ff"),
          b("00000000" + Vectors.INFO_NOTIFY),
          b(Vectors.IPV4_UDP),
          b(Vectors.ICMP_ECHO),
          b(Vectors.ETH_ICMP),
          b(Vectors.IKEV2_SA_INIT),
          b(Vectors.IKEV2_AUTH_SK),
          b("0102030405 03 04"));

  @Test
  public void mutatedInputsOnlyEverFailAsMalformed() {
    Random rnd = new Random(SEED);
    int successes = 0;
    int malformed = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] base = SEEDS.get(rnd.nextInt(SEEDS.size()));
      byte[] d = mutate(base, rnd);
      for (int decoder = 0; decoder < 10; decoder++) {
        try {
          run(decoder, d);
          successes++;
        } catch (MalformedException e) {
          malformed++;
          if (e.getMessage() == null || e.field() == null || e.offset() < 0) {
            fail("incomplete MalformedException " + e);
          }
        } catch (Throwable t) {
          throw new AssertionError(
              "iteration " + i + " decoder " + decoder + " input " + Hex.hex(d) + ": " + t, t);
        }
      }
    }
    // both outcomes must really occur, otherwise the mutations are too weak or too strong
    org.testng.Assert.assertTrue(successes > 1000, "successes " + successes);
    org.testng.Assert.assertTrue(malformed > 1000, "malformed " + malformed);
  }

  private static void run(int decoder, byte[] d) {
    switch (decoder) {
      case 0 -> {
        IsakmpMessage m = IsakmpMessage.decode(d);
        assertEquals(m.encode(), Arrays.copyOf(d, (int) m.header().length()));
        m.toString();
      }
      case 1 -> {
        // payload chain as after decryption: first type from the first byte's neighbour
        WireReader r = new WireReader(d);
        List<Payload> ps = Payloads.decodeChain(d.length > 0 ? d[d.length - 1] & 0xFF : 8, r);
        assertEquals(Payloads.encodeChain(ps), Arrays.copyOf(d, r.position()));
        ps.toString();
      }
      case 2 -> {
        WireReader r = new WireReader(d);
        List<Payload> ps = Payloads.decodeChain(8, r);
        assertEquals(Payloads.encodeChain(ps), Arrays.copyOf(d, r.position()));
        ps.toString();
      }
      case 3 -> {
        Udp4500 u = Udp4500.decode(d);
        assertEquals(u.encode(), d);
        u.toString();
        if (u instanceof Udp4500.NonEsp n) {
          n.message().toString();
        }
      }
      case 4 -> {
        Ipv4Packet ip = Ipv4Packet.decode(d);
        assertEquals(ip.encode(), Arrays.copyOf(d, ip.totalLength()));
        ip.headerChecksumValid();
        ip.toString();
        UdpDatagram u = UdpDatagram.decode(ip.payload());
        u.checksumValid(ip.src(), ip.dst());
        u.toString();
      }
      case 5 -> {
        EthernetFrame f = EthernetFrame.decode(d);
        assertEquals(f.encode(), d);
        Ipv4Packet ip = f.ipv4();
        IcmpMessage m = IcmpMessage.decode(ip.payload());
        m.checksumValid();
        m.echoId();
        m.echoSeq();
        m.echoData();
        m.toString();
      }
      case 6 -> {
        UdpDatagram u = UdpDatagram.decode(d);
        assertEquals(u.encodeWithoutChecksum(), Arrays.copyOf(d, u.length()));
      }
      case 7 -> EspTrailer.strip(d).toString();
      case 8 -> {
        Ikev2Message m = Ikev2Message.decode(d);
        assertEquals(m.encode(), Arrays.copyOf(d, (int) m.header().length()));
        m.summary();
      }
      case 9 -> PacketView.classify(d.length % 2 == 0 ? 500 : 4500, 4500, d).summary();
      default -> throw new IllegalStateException();
    }
  }

  private static byte[] mutate(byte[] base, Random rnd) {
    byte[] d = base.clone();
    int ops = 1 + rnd.nextInt(4);
    for (int k = 0; k < ops; k++) {
      switch (rnd.nextInt(6)) {
        case 0 -> { // flip a random byte
          if (d.length > 0) {
            d[rnd.nextInt(d.length)] = (byte) rnd.nextInt(256);
          }
        }
        case 1 -> d = Arrays.copyOf(d, d.length == 0 ? 0 : rnd.nextInt(d.length + 1));
        case 2 -> { // extreme value into a 16-bit field (lengths live there)
          if (d.length > 1) {
            int at = rnd.nextInt(d.length - 1);
            int v =
                switch (rnd.nextInt(4)) {
                  case 0 -> 0;
                  case 1 -> 0xFFFF;
                  case 2 -> rnd.nextInt(8);
                  default -> ((d[at] & 0xFF) << 8 | (d[at + 1] & 0xFF)) + rnd.nextInt(9) - 4;
                };
            d[at] = (byte) (v >> 8);
            d[at + 1] = (byte) v;
          }
        }
        case 3 -> { // insert random bytes
          int at = rnd.nextInt(d.length + 1);
          byte[] ins = new byte[1 + rnd.nextInt(8)];
          rnd.nextBytes(ins);
          byte[] n = new byte[d.length + ins.length];
          System.arraycopy(d, 0, n, 0, at);
          System.arraycopy(ins, 0, n, at, ins.length);
          System.arraycopy(d, at, n, at + ins.length, d.length - at);
          d = n;
        }
        case 4 -> { // delete a range
          if (d.length > 0) {
            int at = rnd.nextInt(d.length);
            int len = 1 + rnd.nextInt(Math.min(8, d.length - at));
            byte[] n = new byte[d.length - len];
            System.arraycopy(d, 0, n, 0, at);
            System.arraycopy(d, at + len, n, at, d.length - at - len);
            d = n;
          }
        }
        default -> { // flip one bit
          if (d.length > 0) {
            d[rnd.nextInt(d.length)] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
      }
    }
    return d;
  }
}
