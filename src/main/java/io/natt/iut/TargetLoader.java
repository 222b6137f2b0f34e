package io.natt.iut;

import io.natt.yaml.LoadException;
import io.natt.yaml.YamlDoc;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads a target profile (how to reach the IUT, what it claims) strictly, with located errors. */
public final class TargetLoader {
  // The accepted keys, also compared with testsuites/schema/target.schema.json by a test.
  static final List<String> TOP_KEYS =
      List.of(
          "name",
          "launch",
          "address",
          "ids",
          "auth",
          "protected",
          "protected-host",
          "claims",
          "known-results");
  private static final java.util.regex.Pattern REQUIREMENT_ID =
      java.util.regex.Pattern.compile("\\d{4}-[0-9a-z.]+-[a-z0-9-]+");
  static final List<String> ID_KEYS = List.of("local", "remote");
  static final List<String> AUTH_KEYS = List.of("psk", "psk-file");

  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.@_-]*");
  static final Pattern PICS_ITEM = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern CIDR = Pattern.compile("([0-9.]+)/(\\d{1,2})");

  /** Generated PSKs are this long. */
  static final int GENERATED_PSK_BYTES = 24;

  private TargetLoader() {}

  /**
   * Loads and checks one target profile.
   *
   * @param rnd for {@code psk: generate}
   * @throws LoadException for any mistake in the file, located at line and column
   */
  public static TargetProfile load(Path file, SecureRandom rnd) {
    YamlMap root = YamlDoc.load(file).map().allowedKeys(TOP_KEYS);
    root.requireKeys("name", "address", "ids", "auth", "protected", "protected-host", "claims");
    String name = root.get("name").string(NAME, "a short name of letters, digits, '.', '_', '-'");
    String launch = root.opt("launch").map(n -> n.oneOf("strongswan")).orElse("");
    Inet4Address address = address(root.get("address"));
    YamlMap ids = root.get("ids").map().allowedKeys(ID_KEYS).requireKeys("local", "remote");
    String local = ids.get("local").string(IDENTITY, "an identity such as harness.example.org");
    String remote = ids.get("remote").string(IDENTITY, "an identity such as gw.example.org");
    byte[] psk = psk(file, root.get("auth"), !launch.isEmpty(), rnd);
    YamlNode protNode = root.get("protected");
    int[] net = network(protNode);
    YamlNode hostNode = root.get("protected-host");
    Inet4Address host = hostNode.ipv4();
    int mask = net[1] == 0 ? 0 : -1 << (32 - net[1]);
    if ((toInt(host) & mask) != net[0]) {
      throw hostNode.error(
          host.getHostAddress() + " is not inside the protected network " + protNode.string());
    }
    Set<String> claims = new LinkedHashSet<>();
    for (YamlNode n : root.get("claims").list()) {
      if (!claims.add(n.string(PICS_ITEM, "a PICS item such as nat-t-rfc3947"))) {
        throw n.error("'" + n.string() + "' is listed twice");
      }
    }
    java.util.Map<String, String> known = new java.util.LinkedHashMap<>();
    if (root.has("known-results")) {
      YamlMap kr = root.get("known-results").map();
      for (String id : kr.keys()) {
        if (!REQUIREMENT_ID.matcher(id).matches()) {
          throw kr.keyNode(id)
              .error("'" + id + "' is not a requirement id such as 3947-4-float-follow");
        }
        known.put(id, kr.get(id).oneOf("PASS", "FAIL", "INCONCLUSIVE", "NOT_APPLICABLE", "ERROR"));
      }
    }
    return new TargetProfile(
        name,
        launch,
        address,
        local,
        remote,
        psk,
        protNode.string(),
        host,
        Collections.unmodifiableSet(claims),
        Collections.unmodifiableMap(known));
  }

  private static Inet4Address address(YamlNode n) {
    Inet4Address a = n.ipv4();
    int v = toInt(a);
    if ((v >>> 8) == 0xC00002) {
      throw n.error(
          "192.0.2.0/24 is reserved on these machines and the suite never sends there;"
              + " give the IUT's real address");
    }
    if (a.isAnyLocalAddress() || (v >>> 24) == 0) {
      throw n.error(a.getHostAddress() + " is not a usable address for the IUT");
    }
    if (a.isLoopbackAddress()) {
      throw n.error(a.getHostAddress() + " is a loopback address; give the IUT's real address");
    }
    if ((v >>> 28) >= 0xE) {
      throw n.error(
          a.getHostAddress()
              + " is a multicast or reserved address; give the IUT's unicast address");
    }
    return a;
  }

  /** Network address and prefix length of a.b.c.d/len, with host bits zero. */
  private static int[] network(YamlNode n) {
    String v = n.string();
    Matcher m = CIDR.matcher(v);
    if (!m.matches() || !YamlNode.isIpv4(m.group(1)) || Integer.parseInt(m.group(2)) > 32) {
      throw n.expected("a network written a.b.c.d/len, such as 10.9.0.0/24");
    }
    int len = Integer.parseInt(m.group(2));
    int mask = len == 0 ? 0 : -1 << (32 - len);
    int addr = ipv4(m.group(1));
    if ((addr & mask) != addr) {
      int netAddr = addr & mask;
      String fixed =
          (netAddr >>> 24)
              + "."
              + (netAddr >>> 16 & 255)
              + "."
              + (netAddr >>> 8 & 255)
              + "."
              + (netAddr & 255)
              + "/"
              + len;
      throw n.error("'" + v + "' has host bits set; did you mean " + fixed + "?");
    }
    return new int[] {addr, len};
  }

  private static int ipv4(String dotted) {
    int v = 0;
    for (String p : dotted.split("\\.")) {
      v = v << 8 | Integer.parseInt(p);
    }
    return v;
  }

  private static int toInt(Inet4Address a) {
    byte[] b = a.getAddress();
    return (b[0] & 255) << 24 | (b[1] & 255) << 16 | (b[2] & 255) << 8 | (b[3] & 255);
  }

  private static byte[] psk(Path file, YamlNode node, boolean launched, SecureRandom rnd) {
    YamlMap auth = node.map().allowedKeys(AUTH_KEYS);
    if (auth.has("psk") && auth.has("psk-file")) {
      throw node.error("give either psk or psk-file, not both");
    }
    if (auth.has("psk")) {
      YamlNode p = auth.get("psk");
      String v = p.string();
      if (v.equals("generate")) {
        if (!launched) {
          throw p.error(
              "'generate' only works with launch: strongswan (the suite configures the bundled"
                  + " IUT itself); for a remote device put the device's key in a psk-file");
        }
        byte[] b = new byte[GENERATED_PSK_BYTES];
        rnd.nextBytes(b);
        return b;
      }
      return v.getBytes(StandardCharsets.UTF_8);
    }
    if (auth.has("psk-file")) {
      YamlNode f = auth.get("psk-file");
      String name = f.string();
      Path dir = file.toAbsolutePath().getParent();
      Path p = dir.resolve(name);
      String content;
      try {
        content = Files.readString(p, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw f.error("no such file '" + name + "' (psk-file is named relative to the profile)");
      } catch (IOException | java.io.UncheckedIOException e) {
        throw f.error("cannot read '" + name + "': " + e.getMessage());
      }
      content = content.replaceAll("[\r\n]+$", "");
      if (content.isEmpty()) {
        throw f.error("the file '" + name + "' is empty; it must hold the pre-shared key");
      }
      return content.getBytes(StandardCharsets.UTF_8);
    }
    throw node.error("missing required key 'psk' or 'psk-file'");
  }
}
