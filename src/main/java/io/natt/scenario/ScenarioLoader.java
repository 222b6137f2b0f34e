package io.natt.scenario;

import io.natt.ike.Knobs;
import io.natt.scenario.Scenario.HarnessSpec;
import io.natt.scenario.Scenario.IkeSpec;
import io.natt.scenario.Scenario.NatSpec;
import io.natt.scenario.Scenario.Step;
import io.natt.scenario.Scenario.TopologySpec;
import io.natt.yaml.LoadException;
import io.natt.yaml.YamlDoc;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads a scenario file strictly: unknown keys, wrong types, unknown words and inconsistent
 * references are refused with a {@link LoadException} located at the offending line and column.
 */
public final class ScenarioLoader {
  /** Scenario ids: 3947-mm-float-behind-nat. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9.-]*");

  /** Requirement ids: RFC number, section, short name (3947-4-float). */
  public static final Pattern REQUIREMENT_ID = Pattern.compile("\\d{4}-[0-9a-z.]+-[a-z0-9-]+");

  /** PICS items: nat-t-rfc3947. */
  public static final Pattern PICS_ITEM = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  static final Pattern NAT_NAME = Pattern.compile("[a-z][a-z0-9-]*");

  // The accepted keys, also compared with testsuites/schema/scenario.schema.json by a test.
  static final List<String> TOP_KEYS =
      List.of("id", "title", "judges", "applies-when", "topology", "harness", "steps", "expect");
  static final List<String> TOPOLOGY_KEYS = List.of("nats", "harness", "iut");
  static final List<String> NAT_KEYS = List.of("mapping", "filtering", "ports", "udp-timeout");
  static final List<String> HARNESS_PLACE_KEYS = List.of("behind");
  static final List<String> IUT_PLACE_KEYS = List.of("behind", "forward");
  static final List<String> HARNESS_KEYS = List.of("role", "ike", "knobs");
  static final List<String> IKE_KEYS = List.of("version", "exchange", "auth", "proposal", "esp");
  static final List<String> KNOB_KEYS =
      List.of("vendor-ids", "nat-d", "float", "encapsulation", "keepalive", "deviations");
  static final List<String> KEEPALIVE_KEYS = List.of("interval", "byte");

  /** Step kinds, with the settings each takes (empty: a bare word). */
  static final Map<String, List<String>> STEPS = steps();

  static final String[] NAT_TYPES = {
    "endpoint-independent", "address-dependent", "address-and-port-dependent"
  };
  static final String[] VERDICTS = {"PASS", "FAIL", "INCONCLUSIVE", "NOT_APPLICABLE", "ERROR"};

  private final Path file;
  private final Set<String> known;
  private Map<String, NatSpec> nats = Map.of();

  private ScenarioLoader(Path file, Set<String> known) {
    this.file = file;
    this.known = known;
  }

  private static Map<String, List<String>> steps() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("phase1", List.of());
    m.put("quick-mode", List.of("mode"));
    m.put("esp-ping", List.of("to", "count"));
    m.put("wait", List.of());
    m.put("expect-keepalive", List.of("from", "within"));
    m.put("nat-rebind", List.of());
    m.put("nat-expire", List.of());
    m.put("send-raw", List.of("port", "hex"));
    m.put("replay", List.of("file", "rewrite"));
    m.put("delete", List.of());
    m.put("liveness", List.of());
    return Collections.unmodifiableMap(m);
  }

  /**
   * Loads and checks one scenario file.
   *
   * @param knownRequirementIds the requirement catalog's ids; when empty, judged ids are only
   *     checked for their form
   * @throws LoadException for any mistake in the file, located at line and column
   */
  public static Scenario load(Path file, Set<String> knownRequirementIds) {
    return new ScenarioLoader(file, knownRequirementIds).scenario(YamlDoc.load(file));
  }

  private Scenario scenario(YamlNode rootNode) {
    YamlMap root = rootNode.map().allowedKeys(TOP_KEYS);
    root.requireKeys("id", "title", "judges", "topology", "harness", "steps");
    String id = root.get("id").string(ID, "an id of lower-case letters, digits, '.' and '-'");
    String title = root.get("title").string();
    List<String> judges = judges(root.get("judges"));
    List<String> appliesWhen = new ArrayList<>();
    if (root.has("applies-when")) {
      for (YamlNode n : root.get("applies-when").list()) {
        String item = n.string(PICS_ITEM, "a PICS item such as nat-t-rfc3947");
        if (appliesWhen.contains(item)) {
          throw n.error("'" + item + "' is listed twice");
        }
        appliesWhen.add(item);
      }
    }
    TopologySpec topology = topology(root.get("topology"));
    HarnessSpec harness = harness(root.get("harness"));
    List<Step> steps = steps(root.get("steps"));
    Map<String, String> expect = new LinkedHashMap<>();
    if (root.has("expect")) {
      YamlMap m = root.get("expect").map();
      for (String rid : m.keys()) {
        YamlNode key = m.keyNode(rid);
        if (!REQUIREMENT_ID.matcher(rid).matches()) {
          throw key.error("'" + rid + "' is not a requirement id (expected the form 3947-4-float)");
        }
        if (!judges.contains(rid) && !known.contains(rid)) {
          throw key.error(
              "requirement '"
                  + rid
                  + "' is not judged by this scenario"
                  + (known.isEmpty() ? "" : " nor in the requirement catalog")
                  + YamlNode.hint(rid, judges)
                  + "; judges: "
                  + String.join(", ", judges));
        }
        expect.put(rid, m.get(rid).oneOf(VERDICTS));
      }
    }
    return new Scenario(
        file,
        id,
        title,
        List.copyOf(judges),
        List.copyOf(appliesWhen),
        topology,
        harness,
        List.copyOf(steps),
        Collections.unmodifiableMap(expect));
  }

  private List<String> judges(YamlNode node) {
    List<String> judges = new ArrayList<>();
    for (YamlNode n : node.nonEmptyList("requirement id")) {
      String rid = n.string(REQUIREMENT_ID, "a requirement id such as 3947-4-float");
      if (!known.isEmpty() && !known.contains(rid)) {
        throw n.error(
            "unknown requirement id '"
                + rid
                + "'"
                + YamlNode.hint(rid, known)
                + " (not in the requirement catalog)");
      }
      if (judges.contains(rid)) {
        throw n.error("'" + rid + "' is listed twice");
      }
      judges.add(rid);
    }
    return judges;
  }

  private TopologySpec topology(YamlNode node) {
    YamlMap t = node.map().allowedKeys(TOPOLOGY_KEYS);
    Map<String, NatSpec> natMap = new LinkedHashMap<>();
    if (t.has("nats")) {
      YamlMap m = t.get("nats").map();
      for (String name : m.keys()) {
        if (!NAT_NAME.matcher(name).matches()) {
          throw m.keyNode(name)
              .error(
                  "'"
                      + name
                      + "' is not a NAT name (expected lower-case letters, digits and '-',"
                      + " starting with a letter)");
        }
        natMap.put(name, nat(m.get(name)));
      }
    }
    nats = Collections.unmodifiableMap(natMap);
    List<String> harnessBehind = List.of();
    if (t.has("harness")) {
      YamlMap h = t.get("harness").map().allowedKeys(HARNESS_PLACE_KEYS);
      harnessBehind = h.opt("behind").map(this::behind).orElse(List.of());
    }
    List<String> iutBehind = List.of();
    List<Integer> forward = List.of();
    if (t.has("iut")) {
      YamlMap i = t.get("iut").map().allowedKeys(IUT_PLACE_KEYS);
      iutBehind = i.opt("behind").map(this::behind).orElse(List.of());
      if (i.has("forward")) {
        if (iutBehind.isEmpty()) {
          throw i.keyNode("forward")
              .error("'forward' needs the IUT behind a NAT (add 'behind: NAT-NAME')");
        }
        List<Integer> ports = new ArrayList<>();
        for (YamlNode p : i.get("forward").nonEmptyList("port")) {
          int port = p.integer(1, 65535);
          if (ports.contains(port)) {
            throw p.error("port " + port + " is listed twice");
          }
          ports.add(port);
        }
        forward = List.copyOf(ports);
      }
    }
    return new TopologySpec(nats, harnessBehind, iutBehind, forward);
  }

  private NatSpec nat(YamlNode node) {
    YamlMap m = node.map().allowedKeys(NAT_KEYS);
    String mapping = m.opt("mapping").map(n -> n.oneOf(NAT_TYPES)).orElse(NAT_TYPES[0]);
    String filtering = m.opt("filtering").map(n -> n.oneOf(NAT_TYPES)).orElse(NAT_TYPES[2]);
    String ports = m.opt("ports").map(n -> n.oneOf("preserve", "random")).orElse("random");
    Duration timeout =
        m.opt("udp-timeout").map(YamlNode::positiveDuration).orElse(Duration.ofSeconds(30));
    return new NatSpec(mapping, filtering, ports, timeout);
  }

  private List<String> behind(YamlNode node) {
    List<YamlNode> names =
        node.isList() ? node.nonEmptyList("NAT name") : node.isMap() ? null : List.of(node);
    if (names == null) {
      throw node.expected("a NAT name or a list of NAT names");
    }
    List<String> out = new ArrayList<>();
    for (YamlNode n : names) {
      String name = natName(n);
      if (out.contains(name)) {
        throw n.error("NAT '" + name + "' is listed twice");
      }
      out.add(name);
    }
    return List.copyOf(out);
  }

  /** A reference to a NAT of the topology. */
  private String natName(YamlNode n) {
    String name = n.string();
    if (!nats.containsKey(name)) {
      throw n.error(
          "no NAT named '"
              + name
              + "'"
              + (nats.isEmpty()
                  ? " (topology.nats defines none)"
                  : YamlNode.hint(name, nats.keySet())
                      + "; topology.nats defines: "
                      + String.join(", ", nats.keySet())));
    }
    return name;
  }

  private HarnessSpec harness(YamlNode node) {
    YamlMap h = node.map().allowedKeys(HARNESS_KEYS).requireKeys("role", "ike");
    String role = h.get("role").oneOf("initiator", "responder");
    YamlMap ike =
        h.get("ike").map().allowedKeys(IKE_KEYS).requireKeys("version", "exchange", "auth");
    YamlNode v = ike.get("version");
    int version = v.integer();
    if (version == 2) {
      throw v.error("IKEv2 scenarios are not supported yet");
    }
    if (version != 1) {
      throw v.expected("IKE version 1");
    }
    String exchange = ike.get("exchange").oneOf("main", "aggressive");
    String auth = ike.get("auth").oneOf("psk");
    String proposal =
        ike.opt("proposal").map(n -> proposal(n, false)).orElse("aes128-sha256-modp2048");
    String esp = ike.opt("esp").map(n -> proposal(n, true)).orElse("aes128-sha256");
    Knobs knobs = h.opt("knobs").map(ScenarioLoader::knobs).orElse(Knobs.rfc3947());
    return new HarnessSpec(role, new IkeSpec(version, exchange, auth, proposal, esp), knobs);
  }

  /** A proposal string, checked by {@link ProposalParser} (the one table of algorithm names). */
  private static String proposal(YamlNode n, boolean esp) {
    String v = n.string();
    try {
      if (esp) {
        ProposalParser.phase2(v);
      } else {
        ProposalParser.phase1(v);
      }
    } catch (IllegalArgumentException e) {
      throw n.error(e.getMessage());
    }
    return v;
  }

  /** Knobs of the harness's peer, or of an emulated IUT (mutants). */
  static Knobs knobs(YamlNode node) {
    YamlMap k = node.map().allowedKeys(KNOB_KEYS);
    Knobs d = Knobs.rfc3947();
    List<Knobs.VendorIdChoice> vids = d.vendorIds();
    if (k.has("vendor-ids")) {
      Set<Knobs.VendorIdChoice> s = new LinkedHashSet<>();
      for (YamlNode n : k.get("vendor-ids").list()) {
        if (!s.add(n.oneOf(Knobs.VendorIdChoice.class))) {
          throw n.error("'" + n.string() + "' is listed twice");
        }
      }
      vids = List.copyOf(s);
    }
    Knobs.NatDMode natD = k.opt("nat-d").map(n -> n.oneOf(Knobs.NatDMode.class)).orElse(d.natD());
    Knobs.FloatMode floatAt =
        k.opt("float").map(n -> n.oneOf(Knobs.FloatMode.class)).orElse(d.floatAt());
    int encap =
        k.opt("encapsulation")
            .map(n -> n.integerOneOf(1, 2, 3, 4, 61443, 61444))
            .orElse(d.encapsulationMode());
    Duration interval = d.keepaliveInterval();
    int keepaliveByte = d.keepaliveByte();
    if (k.has("keepalive")) {
      YamlMap ka = k.get("keepalive").map().allowedKeys(KEEPALIVE_KEYS);
      interval = ka.opt("interval").map(YamlNode::duration).orElse(interval);
      keepaliveByte = ka.opt("byte").map(n -> n.integer(0, 255)).orElse(keepaliveByte);
    }
    Set<Knobs.Deviation> deviations = new LinkedHashSet<>();
    if (k.has("deviations")) {
      for (YamlNode n : k.get("deviations").list()) {
        if (!deviations.add(n.oneOf(Knobs.Deviation.class))) {
          throw n.error("'" + n.string() + "' is listed twice");
        }
      }
    }
    return new Knobs(vids, natD, floatAt, encap, interval, keepaliveByte, deviations);
  }

  private List<Step> steps(YamlNode node) {
    List<Step> out = new ArrayList<>();
    boolean phase1 = false;
    boolean quickMode = false;
    for (YamlNode item : node.nonEmptyList("step")) {
      String kind;
      YamlNode value = null;
      YamlNode kindNode = item;
      if (item.isMap()) {
        YamlMap m = item.map();
        if (m.size() != 1) {
          throw item.error(
              "a step is one word or one 'kind: settings' pair, found "
                  + m.size()
                  + " keys ("
                  + String.join(", ", m.keys())
                  + "); start each step with its own '-'");
        }
        kind = m.keys().iterator().next();
        kindNode = m.keyNode(kind);
        value = m.get(kind);
      } else if (item.isScalar()) {
        kind = item.string();
      } else {
        throw item.expected("a step (a word such as phase1, or kind: settings)");
      }
      if (!STEPS.containsKey(kind)) {
        throw kindNode.error(
            "unknown step '"
                + kind
                + "'"
                + YamlNode.hint(kind, STEPS.keySet())
                + "; known steps: "
                + String.join(", ", STEPS.keySet()));
      }
      int line = item.line();
      Step step =
          switch (kind) {
            case "phase1" -> new Step.Phase1(bare(item, value, kind));
            case "delete" -> new Step.Delete(bare(item, value, kind));
            case "liveness" -> new Step.Liveness(bare(item, value, kind));
            case "quick-mode" -> {
              if (!phase1) {
                throw item.error("quick-mode needs an earlier phase1 step");
              }
              String mode = "tunnel";
              if (value != null) {
                YamlMap m = value.map().allowedKeys(STEPS.get(kind));
                mode = m.opt("mode").map(n -> n.oneOf("tunnel", "transport")).orElse(mode);
              }
              yield new Step.QuickMode(line, mode);
            }
            case "esp-ping" -> {
              if (!quickMode) {
                throw item.error(
                    "esp-ping needs an earlier quick-mode step (the ESP SAs come from Quick Mode)");
              }
              YamlMap m = settings(item, value, kind).requireKeys("to");
              YamlNode to = m.get("to");
              String target = to.string();
              if (!target.equals("iut.protected") && !YamlNode.isIpv4(target)) {
                throw to.expected("iut.protected or an IPv4 address");
              }
              int count = m.opt("count").map(n -> n.integer(1, 100)).orElse(3);
              yield new Step.EspPing(line, target, count);
            }
            case "wait" -> new Step.Wait(line, argument(item, value, kind).positiveDuration());
            case "expect-keepalive" -> {
              YamlMap m = settings(item, value, kind).requireKeys("from", "within");
              yield new Step.ExpectKeepalive(
                  line, m.get("from").oneOf("harness", "iut"), m.get("within").positiveDuration());
            }
            case "nat-rebind" -> new Step.NatRebind(line, natName(argument(item, value, kind)));
            case "nat-expire" -> new Step.NatExpire(line, natName(argument(item, value, kind)));
            case "send-raw" -> {
              YamlMap m = settings(item, value, kind).requireKeys("port", "hex");
              int port = m.get("port").integerOneOf(500, 4500);
              yield new Step.SendRaw(line, port, hex(m.get("hex")));
            }
            case "replay" -> replay(item, settings(item, value, kind));
            default -> throw new IllegalStateException(kind); // STEPS and the switch agree
          };
      phase1 |= step instanceof Step.Phase1;
      quickMode |= step instanceof Step.QuickMode;
      out.add(step);
    }
    return out;
  }

  private static int bare(YamlNode item, YamlNode value, String kind) {
    if (value != null) {
      throw value.error("takes no settings; write it as '- " + kind + "'");
    }
    return item.line();
  }

  private static YamlMap settings(YamlNode item, YamlNode value, String kind) {
    if (value == null) {
      throw item.error(
          "'"
              + kind
              + "' needs settings, written '- "
              + kind
              + ": { "
              + String.join(": ..., ", STEPS.get(kind))
              + ": ... }'");
    }
    return value.map().allowedKeys(STEPS.get(kind));
  }

  private static YamlNode argument(YamlNode item, YamlNode value, String kind) {
    if (value == null) {
      String example = kind.equals("wait") ? "5s" : "NAT-NAME";
      throw item.error("'" + kind + "' needs a value, written '- " + kind + ": " + example + "'");
    }
    return value;
  }

  private static byte[] hex(YamlNode n) {
    String digits = n.string().replaceAll("\\s+", "");
    if (!digits.matches("[0-9a-fA-F]*")) {
      throw n.expected("hex digits (0-9, a-f; spaces allowed)");
    }
    if (digits.length() % 2 != 0) {
      throw n.error(
          "odd number of hex digits ("
              + digits.length()
              + "); each byte takes two, found "
              + n.found());
    }
    byte[] b = new byte[digits.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  private Step replay(YamlNode item, YamlMap m) {
    m.requireKeys("file");
    YamlNode f = m.get("file");
    String name = f.string();
    Path resolved = projectRoot().resolve(name).normalize();
    if (!Files.isRegularFile(resolved)) {
      throw f.error(
          "no such file '" + name + "' (replay files are named relative to the project root)");
    }
    boolean cookies = false;
    boolean spis = false;
    if (m.has("rewrite")) {
      for (YamlNode r : m.get("rewrite").list()) {
        if (r.oneOf("cookies", "spis").equals("cookies")) {
          cookies = true;
        } else {
          spis = true;
        }
      }
    }
    return new Step.Replay(item.line(), resolved, cookies, spis);
  }

  /**
   * The scenario's project root: the nearest directory above the file holding pom.xml or a
   * testsuites/ folder, else the working directory.
   */
  private Path projectRoot() {
    for (Path d = file.toAbsolutePath().getParent(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml")) || Files.isDirectory(d.resolve("testsuites"))) {
        return d;
      }
    }
    return Path.of("").toAbsolutePath();
  }
}
