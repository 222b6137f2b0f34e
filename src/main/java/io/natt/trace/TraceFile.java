package io.natt.trace;

import io.natt.wire.Datagram;
import io.natt.wire.Hex;
import io.natt.wire.MalformedException;
import io.natt.wire.PacketView;
import io.natt.wire.Payloads;
import io.natt.wire.WireReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trace as a small text file, so that traces can be kept (the compliant-trace corpus) and judged
 * again. One line per item:
 *
 * <pre>
 * natt-trace 1
 * title A second Main Mode after the float
 * context iut=198.51.100.2 harness=10.0.1.2 nats=1 iut-side=nat-public points=peer,nat-public claims=ikev1,nat-t-rfc3947
 * esp-spi c1a2b3c4
 * entry point=peer dir=SENT t=1000000 from=10.0.1.2:500 to=198.51.100.2:500 udp=0011...
 * entry point=peer dir=RECEIVED t=2000000 from=... to=... udp=... plain=...   (decrypted IKE payloads)
 * entry point=peer dir=RECEIVED t=3000000 from=... to=... udp=... inner=...   (decrypted ESP inner packet)
 * entry point=nat-public dir=OBSERVED t=4000000 from=... to=... other=IPv4 protocol 1
 * observed-until t=5000000   (when the harness stopped observing; optional)
 * </pre>
 *
 * Each entry keeps its observation point, direction, time (nanoseconds from the first entry),
 * endpoints and the raw UDP payload; the decoded view is rebuilt from the bytes, plus, for what the
 * harness decrypted, the plaintext payload chain or the inner packet. Only ESP SPIs are kept of the
 * keys: no secret is written. Lines starting with '#' are comments.
 */
public final class TraceFile {
  public static final String MAGIC = "natt-trace 1";

  private TraceFile() {}

  /** A mistake in a trace file, with file:line. */
  public static final class TraceFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TraceFileException(String message) {
      super(message);
    }
  }

  /** The text of a trace; {@code title} says what it shows. */
  public static String format(Trace t, String title) {
    StringBuilder b = new StringBuilder(MAGIC).append('\n');
    b.append("title ").append(title.replace('\n', ' ')).append('\n');
    TraceContext c = t.context();
    b.append("context iut=")
        .append(c.iutAddress().getHostAddress())
        .append(c.iutBehindNat() ? " iut-own=" + c.iutOwnAddress().getHostAddress() : "")
        .append(" harness=")
        .append(c.harnessAddress().getHostAddress())
        .append(" nats=")
        .append(c.natsInFrontOfHarness())
        .append(" iut-side=")
        .append(c.iutSidePoint())
        .append(" points=")
        .append(String.join(",", c.points()))
        .append(" claims=")
        .append(String.join(",", c.claims()))
        .append(c.iutKeepalive() == null ? "" : " iut-keepalive-ms=" + c.iutKeepalive().toMillis())
        .append('\n');
    for (SaKeys k : t.keys()) {
      if (k instanceof SaKeys.Esp e) {
        b.append(String.format("esp-spi %08x%n", e.spi()));
      }
    }
    List<TraceEntry> es = t.entries();
    long t0 = es.stream().mapToLong(e -> e.datagram().monoNanos()).min().orElse(0);
    for (TraceEntry e : es) {
      b.append("entry point=")
          .append(e.point())
          .append(" dir=")
          .append(e.direction())
          .append(" t=")
          .append(e.datagram().monoNanos() - t0)
          .append(" from=")
          .append(TraceEntry.endpoint(e.from()))
          .append(" to=")
          .append(TraceEntry.endpoint(e.to()));
      if (e.view() instanceof PacketView.Other o) {
        b.append(" other=").append(o.description().replace('\n', ' '));
      } else if (e.view() instanceof PacketView.Malformed m && m.what().equals("captured frame")) {
        b.append(" frame=").append(Hex.hex(e.datagram().payload()));
      } else {
        b.append(" udp=").append(Hex.hex(e.datagram().payload()));
        if (e.view() instanceof PacketView.Ike i && i.decrypted()) {
          b.append(" plain=").append(Hex.hex(Payloads.encodeChain(i.payloads())));
        } else if (e.view() instanceof PacketView.Esp p && p.inner().isPresent()) {
          b.append(" inner=").append(Hex.hex(p.inner().get()));
        }
      }
      b.append('\n');
    }
    t.observedUntil().ifPresent(u -> b.append("observed-until t=").append(u - t0).append('\n'));
    return b.toString();
  }

  public static void write(Trace t, String title, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, format(t, title), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A trace read back, with its title. */
  public record Stored(String title, Trace trace) {}

  public static Stored read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TraceFileException(file + ": cannot read: " + e.getMessage());
    }
    return parse(file.toString(), lines);
  }

  static Stored parse(String name, List<String> lines) {
    Trace t = new Trace();
    String title = "";
    boolean magic = false;
    boolean context = false;
    for (int n = 1; n <= lines.size(); n++) {
      String line = lines.get(n - 1).strip();
      String where = name + ":" + n + ": ";
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!magic) {
        if (!line.equals(MAGIC)) {
          throw new TraceFileException(where + "expected '" + MAGIC + "' as the first line");
        }
        magic = true;
        continue;
      }
      int sp = line.indexOf(' ');
      String kind = sp < 0 ? line : line.substring(0, sp);
      String rest = sp < 0 ? "" : line.substring(sp + 1);
      try {
        switch (kind) {
          case "title" -> title = rest;
          case "context" -> {
            Map<String, String> f = fields(rest, List.of());
            t.context(
                new TraceContext(
                    inet4(need(f, "iut")),
                    inet4(need(f, "harness")),
                    Integer.parseInt(need(f, "nats")),
                    need(f, "iut-side"),
                    new LinkedHashSet<>(list(f.getOrDefault("claims", ""))),
                    list(need(f, "points")),
                    inet4(f.getOrDefault("iut-own", need(f, "iut"))),
                    f.containsKey("iut-keepalive-ms")
                        ? java.time.Duration.ofMillis(Long.parseLong(f.get("iut-keepalive-ms")))
                        : null));
            context = true;
          }
          case "esp-spi" ->
              t.addKeys(
                  new SaKeys.Esp(
                      Long.parseLong(rest.strip(), 16), "", new byte[0], "", new byte[0]));
          case "entry" -> entry(t, rest);
          case "observed-until" ->
              t.observedUntil(Long.parseLong(need(fields(rest, List.of()), "t")));
          default ->
              throw new IllegalArgumentException(
                  "unknown line kind '"
                      + kind
                      + "' (title, context, esp-spi, entry, observed-until)");
        }
      } catch (IllegalArgumentException | MalformedException e) {
        throw new TraceFileException(where + e.getMessage());
      }
    }
    if (!magic) {
      throw new TraceFileException(name + ": empty file, expected '" + MAGIC + "'");
    }
    if (!context) {
      throw new TraceFileException(name + ": no 'context' line");
    }
    return new Stored(title, t);
  }

  private static void entry(Trace t, String rest) {
    Map<String, String> f = fields(rest, List.of("other"));
    String point = need(f, "point");
    Direction dir;
    try {
      dir = Direction.valueOf(need(f, "dir"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dir: expected SENT, RECEIVED or OBSERVED");
    }
    long nanos = Long.parseLong(need(f, "t"));
    InetSocketAddress from = endpoint(need(f, "from"));
    InetSocketAddress to = endpoint(need(f, "to"));
    Instant time = Instant.EPOCH.plusNanos(nanos);
    if (f.containsKey("other")) {
      t.restore(
          point,
          dir,
          new Datagram(from, to, new byte[0], time, nanos),
          new PacketView.Other(f.get("other")));
      return;
    }
    if (f.containsKey("frame")) {
      byte[] frame = Hex.parse(f.get("frame"));
      t.restore(
          point,
          dir,
          new Datagram(from, to, frame, time, nanos),
          new PacketView.Malformed(
              "captured frame",
              new MalformedException("captured frame", 0, frame, "stored as undecodable")));
      return;
    }
    byte[] udp = Hex.parse(need(f, "udp"));
    PacketView v = PacketView.classify(from.getPort(), to.getPort(), udp);
    if (f.containsKey("plain")) {
      if (!(v instanceof PacketView.Ike i)) {
        throw new IllegalArgumentException("plain= on an entry that is not an IKEv1 message");
      }
      byte[] plain = Hex.parse(f.get("plain"));
      v =
          new PacketView.Ike(
              i.marker(),
              i.header(),
              Payloads.decodeChain(i.header().nextPayload(), new WireReader(plain)),
              true);
    } else if (f.containsKey("inner")) {
      if (!(v instanceof PacketView.Esp p)) {
        throw new IllegalArgumentException("inner= on an entry that is not ESP");
      }
      v = new PacketView.Esp(p.esp(), Optional.of(Hex.parse(f.get("inner"))));
    }
    t.restore(point, dir, new Datagram(from, to, udp, time, nanos), v);
  }

  /** key=value fields; a key in {@code tail} takes the rest of the line. */
  private static Map<String, String> fields(String s, List<String> tail) {
    Map<String, String> out = new LinkedHashMap<>();
    String rest = s.strip();
    while (!rest.isEmpty()) {
      int eq = rest.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, found '" + rest + "'");
      }
      String key = rest.substring(0, eq);
      String value;
      if (tail.contains(key)) {
        value = rest.substring(eq + 1);
        rest = "";
      } else {
        int sp = rest.indexOf(' ', eq);
        value = sp < 0 ? rest.substring(eq + 1) : rest.substring(eq + 1, sp);
        rest = sp < 0 ? "" : rest.substring(sp + 1).strip();
      }
      if (out.put(key, value) != null) {
        throw new IllegalArgumentException("duplicate key '" + key + "'");
      }
    }
    return out;
  }

  private static String need(Map<String, String> f, String key) {
    String v = f.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key + "=");
    }
    return v;
  }

  private static List<String> list(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
  }

  private static Inet4Address inet4(String s) {
    if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
    }
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
    }
  }

  private static InetSocketAddress endpoint(String s) {
    int c = s.lastIndexOf(':');
    if (c < 0) {
      throw new IllegalArgumentException("'" + s + "': expected address:port");
    }
    return new InetSocketAddress(inet4(s.substring(0, c)), Integer.parseInt(s.substring(c + 1)));
  }
}
