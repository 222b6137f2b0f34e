package io.natt.iut;

import io.natt.yaml.Problems;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the harness needs to reach a remote device over a real network (the {@code remote:} block of
 * a target profile without {@code launch}).
 *
 * @param bind the local address the harness binds its sockets to (an address of the machine, or of
 *     the network namespace, the harness runs in)
 * @param natPortMin lowest public port the emulated NAT maps the harness's ports to
 * @param natPortMax highest such port
 * @param retransmitInterval how long the harness's IKE engine waits for an answer before it sends
 *     the same message again
 * @param retransmits how many times it sends a message again (so 1 + retransmits sends in all)
 * @param responseTimeout how long it waits after the last send before it gives up; also how long an
 *     ESP echo reply may take
 * @param beforeEach a command run through {@code sh -c} on the harness's machine before each
 *     scenario (e.g. to clear the device's SAs over ssh); empty for none
 * @param initiate a command run through {@code sh -c} to make the device initiate, for scenarios
 *     where the harness is the responder; empty for none (stored; used once the harness can be the
 *     responder)
 * @param version the device's implementation and version as the user knows it; empty: not known
 */
public record RemoteSettings(
    Inet4Address bind,
    int natPortMin,
    int natPortMax,
    Duration retransmitInterval,
    int retransmits,
    Duration responseTimeout,
    String beforeEach,
    String initiate,
    String version) {

  /** The key of the block in a target profile. */
  public static final String KEY = "remote";

  // also compared with testsuites/schema/target.schema.json by a test
  static final List<String> KEYS =
      List.of(
          "bind",
          "nat-ports",
          "retransmit-interval",
          "retransmits",
          "response-timeout",
          "before-each",
          "initiate",
          "version");

  public static final int DEFAULT_PORT_MIN = 10000;
  public static final int DEFAULT_PORT_MAX = 65535;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final int DEFAULT_RETRANSMITS = 3;
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");

  public RemoteSettings {
    beforeEach = beforeEach == null ? "" : beforeEach;
    initiate = initiate == null ? "" : initiate;
    version = version == null ? "" : version;
  }

  /** Only the bind address; everything else as by default. */
  public static RemoteSettings bindingTo(Inet4Address bind) {
    return new RemoteSettings(
        bind,
        DEFAULT_PORT_MIN,
        DEFAULT_PORT_MAX,
        DEFAULT_INTERVAL,
        DEFAULT_RETRANSMITS,
        DEFAULT_RESPONSE_TIMEOUT,
        "",
        "",
        "");
  }

  /**
   * Reads the {@code remote:} block, adding every mistake (located at its line) to {@code p}; null
   * when it has a mistake.
   */
  static RemoteSettings read(YamlNode node, Problems p) {
    YamlMap m = node.map().allowedKeys(p, KEYS);
    m.requireKeys(p, "bind");
    Inet4Address bind = m.has("bind") ? p.get(() -> bind(m.get("bind")), null) : null;
    int[] ports =
        m.has("nat-ports")
            ? p.get(() -> ports(m.get("nat-ports")), null)
            : new int[] {DEFAULT_PORT_MIN, DEFAULT_PORT_MAX};
    Duration interval =
        m.has("retransmit-interval")
            ? p.get(() -> m.get("retransmit-interval").positiveDuration(), null)
            : DEFAULT_INTERVAL;
    Integer retransmits =
        m.has("retransmits")
            ? p.get(() -> m.get("retransmits").integer(0, 20), null)
            : DEFAULT_RETRANSMITS;
    Duration response =
        m.has("response-timeout")
            ? p.get(() -> m.get("response-timeout").positiveDuration(), null)
            : DEFAULT_RESPONSE_TIMEOUT;
    String beforeEach =
        m.has("before-each") ? p.get(() -> command(m.get("before-each")), null) : "";
    String initiate = m.has("initiate") ? p.get(() -> command(m.get("initiate")), null) : "";
    String version = m.has("version") ? p.get(() -> text(m.get("version")), null) : "";
    if (bind == null
        || ports == null
        || interval == null
        || retransmits == null
        || response == null
        || beforeEach == null
        || initiate == null
        || version == null) {
      return null;
    }
    return new RemoteSettings(
        bind, ports[0], ports[1], interval, retransmits, response, beforeEach, initiate, version);
  }

  private static Inet4Address bind(YamlNode n) {
    Inet4Address a = n.ipv4();
    byte[] b = a.getAddress();
    if ((b[0] & 255) == 192 && b[1] == 0 && b[2] == 2) {
      throw n.error("192.0.2.0/24 is reserved on these machines; give this machine's address");
    }
    if (a.isAnyLocalAddress() || (b[0] & 255) >= 224) {
      throw n.error(
          a.getHostAddress()
              + " is not an address the harness can bind to; give one address of this machine"
              + " (the one facing the device)");
    }
    return a;
  }

  private static int[] ports(YamlNode n) {
    Matcher m = RANGE.matcher(n.string());
    if (!m.matches()) {
      throw n.expected("a port range LOW-HIGH such as 20000-29999");
    }
    int lo = Integer.parseInt(m.group(1));
    int hi = Integer.parseInt(m.group(2));
    if (lo < 1024 || hi > 65535 || lo > hi) {
      throw n.error(
          "'"
              + n.string()
              + "': the emulated NAT maps to unprivileged ports, LOW-HIGH with"
              + " 1024 <= LOW <= HIGH <= 65535");
    }
    if (hi - lo < 15) {
      throw n.error("'" + n.string() + "' has fewer than 16 ports; a scenario may need that many");
    }
    return new int[] {lo, hi};
  }

  private static String command(YamlNode n) {
    String c = n.string();
    if (c.isBlank()) {
      throw n.error("an empty command; leave the key out instead");
    }
    return c;
  }

  private static String text(YamlNode n) {
    String v = n.string();
    if (v.isBlank()) {
      throw n.error("empty; leave the key out when the version is not known");
    }
    return v;
  }

  /** The longest the harness's IKE engine waits for one answer, all sends included. */
  public Duration patience() {
    return retransmitInterval.multipliedBy(retransmits).plus(responseTimeout);
  }

  @Override
  public String toString() {
    return "remote[bind "
        + bind.getHostAddress()
        + ", nat-ports "
        + natPortMin
        + "-"
        + natPortMax
        + ", "
        + (1 + retransmits)
        + " sends "
        + retransmitInterval.toMillis()
        + " ms apart, then "
        + responseTimeout.toMillis()
        + " ms]";
  }
}
