package io.natt.iut;

import io.natt.yaml.LoadException;
import io.natt.yaml.Problems;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a target profile (how to reach the IUT, what it claims, which proposals it accepts)
 * strictly, with every mistake located at its line and column.
 */
public final class TargetLoader {
  /** The IUT's configured NAT-keepalive interval (RFC 3948 section 4's M). */
  static final String KEEPALIVE_KEY = "keepalive-interval";

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
          "known-results",
          "proposals",
          RemoteSettings.KEY,
          KEEPALIVE_KEY);

  private static final java.util.regex.Pattern REQUIREMENT_ID =
      java.util.regex.Pattern.compile("\\d{4}-[0-9a-z.]+-[a-z0-9-]+");
  static final List<String> ID_KEYS = List.of("local", "remote");
  static final List<String> AUTH_KEYS = List.of("psk", "psk-file");
  static final List<String> PROPOSAL_KEYS = List.of("phase1", "esp");

  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.@_-]*");
  static final Pattern PICS_ITEM = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern CIDR = Pattern.compile("([0-9.]+)/(\\d{1,2})");

  /** Generated PSKs are this long. */
  static final int GENERATED_PSK_BYTES = 24;

  private TargetLoader() {}

  /**
   * Loads and checks one target profile, reporting every mistake in it.
   *
   * @param rnd for {@code psk: generate}
   * @throws LoadException for the mistakes in the file, each located at line and column, in file
   *     order
   */
  public static TargetProfile load(Path file, SecureRandom rnd) {
    return load(file, rnd, false);
  }

  /** A template (NAME.template.yaml) documents the keys; it is copied and filled in, not run. */
  public static boolean isTemplate(Path file) {
    return file.getFileName().toString().endsWith(".template.yaml");
  }

  /**
   * Checks a target profile without keeping its key; in a template, a {@code psk-file} that does
   * not exist is not a mistake (the template names the file a user will create).
   */
  public static void validate(Path file) {
    load(file, new SecureRandom(), isTemplate(file));
  }

  private static TargetProfile load(Path file, SecureRandom rnd, boolean template) {
    Problems p = new Problems();
    YamlMap root = YamlDoc.load(file).map().allowedKeys(p, TOP_KEYS);
    root.requireKeys(p, "name", "address", "ids", "auth", "protected", "protected-host", "claims");
    String name =
        get(
            p,
            root,
            "name",
            n -> n.string(NAME, "a short name of letters, digits, '.', '_', '-'"),
            null);
    LaunchCommand command = launchCommand(root, file, p);
    String launch =
        command != null || (root.has("launch") && root.get("launch").isMap())
            ? LaunchCommand.LAUNCH
            : get(p, root, "launch", TargetLoader::launchWord, "");
    Inet4Address address = get(p, root, "address", TargetLoader::address, null);
    String local = null;
    String remote = null;
    if (root.has("ids")) {
      Optional<YamlMap> ids =
          p.get(
              () ->
                  root.get("ids").map().allowedKeys(p, ID_KEYS).requireKeys(p, "local", "remote"));
      if (ids.isPresent()) {
        local =
            get(
                p,
                ids.get(),
                "local",
                n -> n.string(IDENTITY, "an identity such as harness.example.org"),
                null);
        remote =
            get(
                p,
                ids.get(),
                "remote",
                n -> n.string(IDENTITY, "an identity such as gw.example.org"),
                null);
      }
    }
    boolean launched = root.has("launch"); // a wrong value is reported once, not again here
    byte[] psk = get(p, root, "auth", n -> psk(file, n, launched, rnd, template, p), null);
    int[] net = get(p, root, "protected", TargetLoader::network, null);
    Inet4Address host = get(p, root, "protected-host", YamlNode::ipv4, null);
    if (net != null && host != null) {
      int mask = net[1] == 0 ? 0 : -1 << (32 - net[1]);
      if ((toInt(host) & mask) != net[0]) {
        p.add(
            root.get("protected-host")
                .error(
                    host.getHostAddress()
                        + " is not inside the protected network "
                        + root.get("protected").string()));
      }
    }
    Set<String> claims = new LinkedHashSet<>();
    if (root.has("claims")) {
      for (YamlNode n : p.get(() -> root.get("claims").list(), List.<YamlNode>of())) {
        p.get(() -> n.string(PICS_ITEM, "a PICS item such as nat-t-rfc3947"))
            .ifPresent(
                c -> {
                  if (!claims.add(c)) {
                    p.add(n.error("'" + c + "' is listed twice"));
                  }
                });
      }
    }
    Map<String, String> known = new LinkedHashMap<>();
    if (root.has("known-results")) {
      p.get(() -> root.get("known-results").map())
          .ifPresent(
              kr -> {
                for (String id : kr.keys()) {
                  if (!REQUIREMENT_ID.matcher(id).matches()) {
                    p.add(
                        kr.keyNode(id)
                            .error(
                                "'"
                                    + id
                                    + "' is not a requirement id such as 3947-4-float-follow"));
                  }
                  p.get(
                          () ->
                              kr.get(id)
                                  .oneOf("PASS", "FAIL", "INCONCLUSIVE", "NOT_APPLICABLE", "ERROR"))
                      .ifPresent(v -> known.put(id, v));
                }
              });
    }
    List<String> phase1 = List.of();
    List<String> esp = List.of();
    if (root.has("proposals")) {
      Optional<YamlMap> pm = p.get(() -> root.get("proposals").map().allowedKeys(p, PROPOSAL_KEYS));
      if (pm.isPresent()) {
        phase1 = get(p, pm.get(), "phase1", n -> proposals(n, ProposalGrammar::phase1, p), phase1);
        esp = get(p, pm.get(), "esp", n -> proposals(n, ProposalGrammar::esp, p), esp);
      }
    }
    RemoteSettings remoteSettings = remote(root, launched, p);
    java.time.Duration keepalive =
        get(p, root, KEEPALIVE_KEY, TargetLoader::keepaliveInterval, null);
    p.throwIfAny();
    return new TargetProfile(
        name,
        launch,
        address,
        local,
        remote,
        psk,
        root.get("protected").string(),
        host,
        Collections.unmodifiableSet(claims),
        Collections.unmodifiableMap(known),
        phase1,
        esp,
        command,
        remoteSettings,
        keepalive);
  }

  /** {@code launch: { command: ... }}, or null when launch is a word or absent. */
  private static LaunchCommand launchCommand(YamlMap root, Path file, Problems p) {
    if (!root.has("launch") || !root.get("launch").isMap()) {
      return null;
    }
    return LaunchCommand.read(root.get("launch"), file.toAbsolutePath().getParent(), p);
  }

  /** Whole seconds, as devices (and charon's keep_alive) are configured. */
  private static java.time.Duration keepaliveInterval(YamlNode n) {
    java.time.Duration d = n.positiveDuration();
    if (d.toMillis() % 1000 != 0) {
      throw n.error("a keepalive interval in whole seconds, such as 20s, found " + n.found());
    }
    return d;
  }

  private static String launchWord(YamlNode n) {
    if (!n.isScalar() || n.isNull() || !n.string().equals("strongswan")) {
      throw n.expected("strongswan or a map such as { command: ./my-daemon.sh }");
    }
    return "strongswan";
  }

  /**
   * The {@code remote:} block: required for a device the project does not launch (the harness must
   * know which local address to bind), refused for one it launches (the settings would be ignored).
   */
  private static RemoteSettings remote(YamlMap root, boolean launched, Problems p) {
    if (launched) {
      if (root.has(RemoteSettings.KEY)) {
        p.add(
            root.keyNode(RemoteSettings.KEY)
                .error(
                    "remote: is for a device the project does not launch; a launched IUT is reached"
                        + " inside its own namespace (remove remote:, or remove launch:)"));
      }
      return null;
    }
    if (!root.has(RemoteSettings.KEY)) {
      p.add(
          root.node()
              .error(
                  "a remote device (no launch:) needs remote: { bind: ADDRESS }, the local"
                      + " address the harness binds to reach it"));
      return null;
    }
    return RemoteSettings.read(root.get(RemoteSettings.KEY), p);
  }

  private static <T> T get(
      Problems p, YamlMap m, String key, Function<YamlNode, T> read, T fallback) {
    return m.has(key) ? p.get(() -> read.apply(m.get(key)), fallback) : fallback;
  }

  /** A non-empty list of proposals, each checked by {@code read}, none twice. */
  private static List<String> proposals(
      YamlNode node, Function<YamlNode, String> read, Problems p) {
    List<String> out = new ArrayList<>();
    for (YamlNode n : node.nonEmptyList("proposal")) {
      p.get(() -> read.apply(n))
          .ifPresent(
              v -> {
                if (out.contains(v)) {
                  p.add(n.error("'" + v + "' is listed twice"));
                } else {
                  out.add(v);
                }
              });
    }
    return List.copyOf(out);
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

  private static byte[] psk(
      Path file,
      YamlNode node,
      boolean launched,
      SecureRandom rnd,
      boolean template,
      Problems problems) {
    YamlMap auth = node.map().allowedKeys(problems, AUTH_KEYS);
    if (auth.has("psk") && auth.has("psk-file")) {
      throw node.error("give either psk or psk-file, not both");
    }
    if (auth.has("psk")) {
      YamlNode p = auth.get("psk");
      String v = p.string();
      if (v.equals("generate")) {
        if (!launched) {
          throw p.error(
              "'generate' only works for an IUT the project launches (launch: strongswan, or"
                  + " launch: { command: ... }, which gets the key in NATT_PSK_FILE); for a remote"
                  + " device put the device's key in a psk-file");
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
        if (template) {
          return new byte[0]; // a template names the file a user will create
        }
        throw f.error("no such file '" + name + "' (psk-file is named relative to the profile)");
      } catch (IOException | java.io.UncheckedIOException e) {
        throw f.error("cannot read '" + name + "': " + e.getMessage());
      }
      // one trailing newline (\n or \r\n) ends the line; it is not part of the key
      content = content.replaceFirst("\\r?\\n\\z", "");
      if (content.isEmpty()) {
        throw f.error("the file '" + name + "' is empty; it must hold the pre-shared key");
      }
      return content.getBytes(StandardCharsets.UTF_8);
    }
    throw node.error("missing required key 'psk' or 'psk-file'");
  }
}
