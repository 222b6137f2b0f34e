package io.natt.corpus;

import io.natt.trace.Direction;
import io.natt.trace.SaKeys;
import io.natt.trace.Trace;
import io.natt.trace.TraceEntry;
import io.natt.trace.TraceFile;
import io.natt.wire.Datagram;
import io.natt.wire.PacketView;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * Generates the corpus's synthetic traces from a recorded one: each adds compliant but unusual
 * traffic to a real strongSwan run (retransmissions, a second client behind the same NAT, a second
 * client with the same inner address behind a NAT of its own, a keepalive before the float, an
 * informational and a DPD from the IUT after the float, a message the IUT cannot decrypt answered
 * by a notification on 4500, IKEv2 messages). Run on purpose with
 *
 * <pre>
 * mvn -q test -Dtest=CorpusGenerator -Dnatt.generateCorpus=true -Djacoco.skip=true
 * </pre>
 */
public class CorpusGenerator {
  static final Path BASE =
      Path.of("src/test/resources/corpus/recorded/3947-after-float-new-main-mode.trace");
  static final Path OUT = Path.of("src/test/resources/corpus/generated");

  /** An entry to be: point, direction, datagram, view. */
  record Item(String point, Direction dir, Datagram d, PacketView view) {
    static Item of(TraceEntry e) {
      return new Item(e.point(), e.direction(), e.datagram(), e.view());
    }

    static Item raw(
        String point,
        Direction dir,
        InetSocketAddress from,
        InetSocketAddress to,
        byte[] bytes,
        long nanos) {
      return new Item(
          point,
          dir,
          new Datagram(from, to, bytes, java.time.Instant.EPOCH.plusNanos(nanos), nanos),
          PacketView.classify(from.getPort(), to.getPort(), bytes));
    }
  }

  /** Facts of the base run the generators need. */
  record Base(
      Trace trace,
      InetSocketAddress harness500,
      InetSocketAddress harness4500,
      InetSocketAddress iut500,
      InetSocketAddress iut4500,
      InetSocketAddress public500,
      InetSocketAddress public4500,
      byte[] ckyI,
      byte[] ckyR,
      long floatNanos,
      long mm4Nanos,
      long endNanos) {}

  static Base base(Trace t) {
    List<TraceEntry> peer = t.at(Trace.PEER);
    String side = t.context().iutSidePoint();
    TraceEntry m5 =
        peer.stream()
            .filter(e -> e.direction() == Direction.SENT && e.isIke() && e.from().getPort() == 4500)
            .findFirst()
            .orElseThrow();
    PacketView.Ike m5v = (PacketView.Ike) m5.view();
    TraceEntry m1 =
        peer.stream()
            .filter(e -> e.direction() == Direction.SENT && e.isIke())
            .findFirst()
            .orElseThrow();
    TraceEntry mm4 =
        peer.stream()
            .filter(e -> e.direction() == Direction.RECEIVED && e.isIke())
            .filter(e -> e.datagram().monoNanos() < m5.datagram().monoNanos())
            .reduce((a, b) -> b)
            .orElseThrow();
    byte[] m5bytes = m5.datagram().payload();
    TraceEntry m5pub =
        t.at(side).stream()
            .filter(e -> Arrays.equals(e.datagram().payload(), m5bytes))
            .findFirst()
            .orElseThrow();
    byte[] m1bytes = m1.datagram().payload();
    TraceEntry m1pub =
        t.at(side).stream()
            .filter(e -> Arrays.equals(e.datagram().payload(), m1bytes))
            .findFirst()
            .orElseThrow();
    long end = t.entries().stream().mapToLong(e -> e.datagram().monoNanos()).max().orElseThrow();
    return new Base(
        t,
        m1.from(),
        m5.from(),
        m1.to(),
        m5.to(),
        m1pub.from(),
        m5pub.from(),
        m5v.header().initiatorCookie(),
        m5v.header().responderCookie(),
        m5.datagram().monoNanos(),
        mm4.datagram().monoNanos(),
        end);
  }

  static Trace build(Base b, List<Item> items) {
    Trace out = new Trace();
    out.context(b.trace().context());
    for (SaKeys k : b.trace().keys()) {
      out.addKeys(k);
    }
    items.stream()
        .sorted(Comparator.comparingLong(i -> i.d().monoNanos()))
        .forEach(i -> out.restore(i.point(), i.dir(), i.d(), i.view()));
    return out;
  }

  static List<Item> items(Trace t) {
    return new ArrayList<>(t.entries().stream().map(Item::of).toList());
  }

  /** A packet seen both at the harness and at the NAT's public side (the IUT's side). */
  static List<Item> both(
      Base b, boolean fromHarness, int harnessPort, int iutPort, byte[] bytes, long nanos) {
    InetSocketAddress priv = harnessPort == 500 ? b.harness500() : b.harness4500();
    InetSocketAddress pub = harnessPort == 500 ? b.public500() : b.public4500();
    InetSocketAddress iut = iutPort == 500 ? b.iut500() : b.iut4500();
    String side = b.trace().context().iutSidePoint();
    List<Item> out = new ArrayList<>();
    if (fromHarness) {
      out.add(Item.raw(Trace.PEER, Direction.SENT, priv, iut, bytes, nanos));
      out.add(Item.raw(side, Direction.OBSERVED, pub, iut, bytes, nanos + 100_000));
    } else {
      out.add(Item.raw(side, Direction.OBSERVED, iut, pub, bytes, nanos));
      out.add(Item.raw(Trace.PEER, Direction.RECEIVED, iut, priv, bytes, nanos + 100_000));
    }
    return out;
  }

  static byte[] isakmp(
      byte[] ckyI,
      byte[] ckyR,
      int np,
      int exchange,
      int flags,
      long mid,
      byte[] body,
      boolean marker) {
    ByteBuffer bb = ByteBuffer.allocate((marker ? 4 : 0) + 28 + body.length);
    if (marker) {
      bb.putInt(0);
    }
    bb.put(ckyI)
        .put(ckyR)
        .put((byte) np)
        .put((byte) 0x10)
        .put((byte) exchange)
        .put((byte) flags)
        .putInt((int) mid)
        .putInt(28 + body.length)
        .put(body);
    return bb.array();
  }

  static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }

  // ------------------------------------------------------------------ the generators

  /** Every IKE message of the run sent again 300 ms later, and answered again. */
  static Trace retransmissions(Base b) {
    List<Item> out = items(b.trace());
    for (TraceEntry e : b.trace().entries()) {
      if (e.isIke()) {
        Datagram d = e.datagram();
        long n = d.monoNanos() + 300_000_000L;
        out.add(
            new Item(
                e.point(),
                e.direction(),
                new Datagram(d.from(), d.to(), d.payload(), d.time().plusMillis(300), n),
                e.view()));
      }
    }
    return build(b, out);
  }

  /**
   * A second client behind the same NAT runs the same exchanges at the same time, from other public
   * ports, with other cookies and SPIs (seen only at the NAT's public side).
   */
  static Trace secondClient(Base b) {
    List<Item> out = items(b.trace());
    String side = b.trace().context().iutSidePoint();
    Function<InetSocketAddress, InetSocketAddress> other =
        a ->
            a.getAddress().equals(b.public500().getAddress())
                ? new InetSocketAddress(
                    a.getAddress(), a.getPort() == 65535 ? 10000 : a.getPort() + 1)
                : a;
    for (TraceEntry e : b.trace().at(side)) {
      byte[] p = e.datagram().payload();
      if (e.view() instanceof PacketView.Ike i) {
        int at = i.marker() ? 4 : 0;
        p[at] ^= 0x5a;
        if (p.length > at + 8 && !isZero(Arrays.copyOfRange(p, at + 8, at + 16))) {
          p[at + 8] ^= 0x5a;
        }
      } else if (e.view() instanceof PacketView.Esp) {
        p[0] ^= 0x5a;
      } else if (!(e.view() instanceof PacketView.Keepalive)) {
        continue;
      }
      Datagram d = e.datagram();
      long n = d.monoNanos() + 3_000_000L;
      out.add(Item.raw(side, Direction.OBSERVED, other.apply(d.from()), other.apply(d.to()), p, n));
    }
    return build(b, out);
  }

  /**
   * A second client with the harness's own inner address (behind a NAT of its own, RFC 3948 5.1)
   * pings as well, a microsecond after the harness each time, with ICMP identifiers of its own, and
   * gets its own replies through its own SA (other SPIs): what a gateway that keeps the two tunnels
   * apart shows at the clients' points.
   */
  static Trace secondClientSameAddress(Base b) {
    List<Item> out = items(b.trace());
    for (TraceEntry e : b.trace().at(Trace.PEER)) {
      if (!(e.view() instanceof PacketView.Esp esp) || esp.inner().isEmpty()) {
        continue;
      }
      try {
        io.natt.wire.Ipv4Packet ip = io.natt.wire.Ipv4Packet.decode(esp.inner().get());
        if (ip.protocol() != io.natt.wire.Ipv4Packet.ICMP) {
          continue;
        }
        io.natt.wire.IcmpMessage m =
            io.natt.wire.IcmpMessage.decode(new io.natt.wire.WireReader(ip.payload()));
        int id = m.echoId() ^ 0x5a5a;
        io.natt.wire.IcmpMessage other =
            m.type() == io.natt.wire.IcmpMessage.ECHO_REQUEST
                ? io.natt.wire.IcmpMessage.echoRequest(id, m.echoSeq(), m.echoData())
                : io.natt.wire.IcmpMessage.echoReply(id, m.echoSeq(), m.echoData());
        byte[] inner =
            io.natt.wire.Ipv4Packet.of(
                    ip.src(), ip.dst(), io.natt.wire.Ipv4Packet.ICMP, other.encode())
                .encode();
        byte[] p = e.datagram().payload();
        p[0] ^= 0x5a;
        Datagram d = e.datagram();
        long n = d.monoNanos() + 1_000L;
        out.add(
            new Item(
                "client-2",
                e.direction(),
                new Datagram(d.from(), d.to(), p, d.time(), n),
                new PacketView.Esp(io.natt.wire.EspPacket.decode(p), Optional.of(inner))));
      } catch (io.natt.wire.MalformedException x) {
        // not an echo: left out
      }
    }
    return build(b, out);
  }

  /** The harness sends a NAT-keepalive from 4500 between Main Mode messages 4 and 5. */
  static Trace keepaliveBeforeFloat(Base b) {
    List<Item> out = items(b.trace());
    out.addAll(
        both(b, true, 4500, 4500, new byte[] {(byte) 0xff}, (b.mm4Nanos() + b.floatNanos()) / 2));
    return build(b, out);
  }

  /**
   * After the float, the IUT starts exchanges itself: an encrypted informational (a notification)
   * and a DPD R-U-THERE, both on the floated SA, to the harness's 4500 endpoint.
   */
  static Trace iutInformationalAfterFloat(Base b) {
    List<Item> out = items(b.trace());
    long at = b.endNanos() + 100_000_000L;
    out.addAll(
        both(
            b,
            false,
            4500,
            4500,
            isakmp(b.ckyI(), b.ckyR(), 8, 5, 1, 0x0badf00dL, filled(48, 0x42), true),
            at));
    out.addAll(
        both(
            b,
            false,
            4500,
            4500,
            isakmp(b.ckyI(), b.ckyR(), 8, 5, 1, 0x0cafe123L, filled(64, 0x43), true),
            at + 1_000_000_000L));
    return build(b, out);
  }

  /**
   * After the float, the harness sends on 500 an encrypted message with the floated SA's cookies
   * that the IUT cannot decrypt; the IUT answers with an encrypted notification for the floated SA,
   * which goes to its current endpoint on 4500.
   */
  static Trace undecryptableAnsweredOn4500(Base b) {
    List<Item> out = items(b.trace());
    long at = b.endNanos() + 100_000_000L;
    out.addAll(
        both(
            b,
            true,
            500,
            500,
            isakmp(b.ckyI(), b.ckyR(), 8, 32, 1, 0x11111111L, filled(48, 0x99), false),
            at));
    out.addAll(
        both(
            b,
            false,
            4500,
            4500,
            isakmp(b.ckyI(), b.ckyR(), 8, 5, 1, 0x22222222L, filled(48, 0x77), true),
            at + 5_000_000L));
    return build(b, out);
  }

  /** After the float, an IKEv2 IKE_SA_INIT on 500 and the IUT's IKEv2 answer on 500. */
  static Trace ikev2AfterFloat(Base b) {
    List<Item> out = items(b.trace());
    long at = b.endNanos() + 100_000_000L;
    byte[] spi = "natt-v2!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] spiR = "iut-v2-r".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    ByteBuffer req = ByteBuffer.allocate(28 + 12 + 28);
    req.put(spi)
        .put(new byte[8])
        .put((byte) 41)
        .put((byte) 0x20)
        .put((byte) 34)
        .put((byte) 0x08)
        .putInt(0)
        .putInt(68);
    req.put(new byte[] {41, 0, 0, 12, 0, 0, 0x40, 0x04, 1, 2, 3, 4});
    req.put(new byte[] {0, 0, 0, 28, 0, 0, 0x40, 0x05}).put(filled(20, 7));
    out.addAll(both(b, true, 500, 500, req.array(), at));
    ByteBuffer resp = ByteBuffer.allocate(28 + 8);
    resp.put(spi)
        .put(spiR)
        .put((byte) 41)
        .put((byte) 0x20)
        .put((byte) 34)
        .put((byte) 0x20)
        .putInt(0)
        .putInt(36);
    resp.put(new byte[] {0, 0, 0, 8, 0, 0, 0, 14});
    out.addAll(both(b, false, 500, 500, resp.array(), at + 2_000_000L));
    // and an IKEv2 message behind the marker on 4500
    byte[] marked = new byte[4 + 68];
    System.arraycopy(req.array(), 0, marked, 4, 68);
    marked[4 + 7] ^= 1;
    out.addAll(both(b, true, 4500, 4500, marked, at + 500_000_000L));
    return build(b, out);
  }

  static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  public void generate() {
    if (!Boolean.getBoolean("natt.generateCorpus")) {
      throw new SkipException("generates the corpus only with -Dnatt.generateCorpus=true");
    }
    Base b = base(TraceFile.read(BASE).trace());
    String from = "generated from " + BASE.getFileName() + ": ";
    write(
        retransmissions(b),
        from + "every IKE message retransmitted and answered again",
        "retransmissions");
    write(
        secondClient(b),
        from + "a second client behind the same NAT, other ports, cookies, SPIs",
        "second-client-same-nat");
    write(
        secondClientSameAddress(b),
        from + "a second client with the same inner address pings too, through its own SA",
        "second-client-same-address");
    write(
        keepaliveBeforeFloat(b),
        from + "a NAT-keepalive from the harness before the float",
        "keepalive-before-float");
    write(
        iutInformationalAfterFloat(b),
        from + "an informational and a DPD started by the IUT after the float, on 4500",
        "iut-informational-after-float");
    write(
        undecryptableAnsweredOn4500(b),
        from + "an undecryptable message on 500 answered by a notification on 4500",
        "undecryptable-answered-on-4500");
    write(
        ikev2AfterFloat(b),
        from + "IKEv2 IKE_SA_INIT on 500 and 4500 after the float, answered",
        "ikev2-after-float");
  }

  private static void write(Trace t, String title, String name) {
    TraceFile.write(t, title, OUT.resolve(name + ".trace"));
  }
}
