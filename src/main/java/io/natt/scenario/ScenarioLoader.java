package io.natt.scenario;

import io.natt.ike.Knobs;
import io.natt.iut.ProposalGrammar;
import io.natt.nat.ClientHosts;
import io.natt.nat.Testbed;
import io.natt.nat.Testbeds;
import io.natt.scenario.Scenario.HarnessSpec;
import io.natt.scenario.Scenario.IkeSpec;
import io.natt.scenario.Scenario.NatSpec;
import io.natt.scenario.Scenario.Step;
import io.natt.scenario.Scenario.TopologySpec;
import io.natt.yaml.LoadException;
import io.natt.yaml.Problems;
import io.natt.yaml.YamlDoc;
import io.natt.yaml.YamlMap;
import io.natt.yaml.YamlNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Loads a scenario file strictly: unknown keys, wrong types, unknown words and inconsistent
 * references are refused with a {@link LoadException} located at the offending line and column.
 * Every mistake of a file is reported, not only the first: a wrong part is recorded, a default
 * stands in for it, and reading goes on.
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
  static final List<String> NAT_KEYS =
      List.of("mapping", "filtering", "ports", "udp-timeout", "drop-fragments");
  static final List<String> HARNESS_PLACE_KEYS = List.of("behind", "clients", "forward");
  static final List<String> CLIENTS_KEYS = List.of("count", "behind", "same-address");
  static final List<String> IUT_PLACE_KEYS = List.of("behind", "forward");
  static final List<String> HARNESS_KEYS = List.of("role", "ike", "knobs", "persona");
  static final List<String> IKE_KEYS =
      List.of("version", "exchange", "auth", "proposal", "esp", "if-not-accepted");
  static final List<String> KNOB_KEYS =
      List.of("vendor-ids", "nat-d", "float", "encapsulation", "keepalive", "deviations");
  static final List<String> KEEPALIVE_KEYS = List.of("interval", "byte");

  /** Step kinds, with the settings each takes (empty: a bare word). */
  static final Map<String, List<String>> STEPS = steps();

  static final String[] NAT_TYPES = {
    "endpoint-independent", "address-dependent", "address-and-port-dependent"
  };
  static final String[] VERDICTS = {"PASS", "FAIL", "INCONCLUSIVE", "NOT_APPLICABLE", "ERROR"};
  static final String DEFAULT_PROPOSAL = "aes128-sha256-modp2048";
  static final String DEFAULT_ESP = "aes128-sha256";
  private static final NatSpec DEFAULT_NAT =
      new NatSpec(NAT_TYPES[0], NAT_TYPES[2], "random", Duration.ofSeconds(30));

  private final Path file;
  private final Set<String> known;
  private final Problems p = new Problems();
  private final Testbed.Backend backend;
  private final Map<String, YamlNode> natNodes = new LinkedHashMap<>();
  private final Map<String, YamlNode> natValues = new LinkedHashMap<>();
  private YamlNode harnessPlace;

  /** Whether the file's harness.role is responder (read before the steps). */
  private boolean responderRole;

  /** With role: responder, the mode of the first quick-mode step and its line. */
  private String responderFirstMode;

  private int responderFirstModeLine;

  /** Steps the harness as responder cannot take, and why. */
  static final Map<String, String> RESPONDER_REFUSES =
      Map.of(
          "delete",
          "is not built for the harness as responder (only its initiator sends a Delete)",
          "liveness",
          "starts a new Main Mode from the harness, which the harness as responder does not",
          "replay",
          "replays the initiator's datagrams of a capture; the harness as responder initiates"
              + " nothing",
          "play-dead",
          "is built for the harness as initiator only (its engine answers the IUT's R-U-THERE)");

  private YamlNode iutPlace;
  private boolean badReference;
  private List<String> harnessBehind = List.of();

  /**
   * UDP ports the harness's NAT forwards to it (topology.harness.forward), and where it says so.
   */
  private List<Integer> harnessForward = List.of();

  private YamlNode harnessForwardNode;

  /** The harness's keepalive interval (read before the steps; zero: none). */
  private java.time.Duration harnessKeepalive = java.time.Duration.ZERO;

  private Map<String, NatSpec> nats = Map.of();
  private boolean natsReadable = true;
  private boolean phase1Seen;
  private boolean quickModeSeen;
  private boolean kindKnown;
  private Personas.Persona persona;
  private boolean transportSeen;
  private int clients = 1;
  private List<String> clientBehind = List.of();
  private final Set<String> clientNatsNamed = new HashSet<>();
  private boolean sameAddress;
  private final Set<Integer> clientPhase1 = new HashSet<>();
  private final Set<Integer> clientQuickMode = new HashSet<>();

  private ScenarioLoader(Path file, Set<String> known, Testbed.Backend backend) {
    this.file = file;
    this.known = known;
    this.backend = backend;
  }

  private static Map<String, List<String>> steps() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(
        "phase1", List.of("client", "initial-contact", "id", "pad-message-5", "ike-fragmentation"));
    m.put("quick-mode", List.of("mode", "protocol", "port", "client"));
    m.put(
        "esp-ping", List.of("to", "count", "size", "udp-checksum", "from", "from-port", "client"));
    m.put("wait", List.of());
    m.put("expect-keepalive", List.of("from", "within"));
    m.put("nat-rebind", List.of("nat", "flows"));
    m.put("nat-expire", List.of());
    m.put("send-raw", List.of("port", "hex", "resend"));
    m.put("replay", List.of("file", "rewrite"));
    m.put("delete", List.of());
    m.put("liveness", List.of());
    m.put("iut-rekey", List.of());
    m.put("play-dead", List.of("for"));
    return Collections.unmodifiableMap(m);
  }

  /**
   * Loads and checks one scenario file, reporting every mistake in it, not only the first.
   *
   * @param knownRequirementIds the requirement catalog's ids; when empty, judged ids are only
   *     checked for their form
   * @throws LoadException for the mistakes in the file, each located at line and column, in file
   *     order ({@link LoadException#all()}); a YAML syntax error stops at the first
   */
  public static Scenario load(Path file, Set<String> knownRequirementIds) {
    return new ScenarioLoader(file, knownRequirementIds, null).scenario(YamlDoc.load(file));
  }

  /**
   * Loads and checks one scenario file, and also what the given NAT backend cannot realise of its
   * topology (a filtering behaviour, a placement), reported at the line of the NAT or placement.
   * Without a backend, a topology is refused only when no backend can realise it.
   */
  public static Scenario load(Path file, Set<String> knownRequirementIds, Testbed.Backend backend) {
    return new ScenarioLoader(file, knownRequirementIds, backend).scenario(YamlDoc.load(file));
  }

  /** The value of an optional key read by {@code read}; {@code fallback} when absent or wrong. */
  private <T> T read(YamlMap m, String key, Function<YamlNode, T> read, T fallback) {
    if (!m.has(key)) {
      return fallback;
    }
    return p.get(() -> read.apply(m.get(key)), fallback);
  }

  private Scenario scenario(YamlNode rootNode) {
    YamlMap root = rootNode.map();
    if (root.has(Mutant.BREAKS) && !root.has("steps")) {
      throw root.keyNode(Mutant.BREAKS)
          .error(
              "this is a mutant IUT file ('"
                  + Mutant.BREAKS
                  + "' names the requirement it breaks), not a scenario; 'natt validate'"
                  + " checks it as a mutant, 'natt run' runs scenarios only");
    }
    root.allowedKeys(p, TOP_KEYS)
        .requireKeys(p, "id", "title", "judges", "topology", "harness", "steps");
    String id =
        read(root, "id", n -> n.string(ID, "an id of lower-case letters, digits, '.' and '-'"), "");
    String title = read(root, "title", YamlNode::string, "");
    List<String> judges = read(root, "judges", this::judges, null);
    List<String> appliesWhen = new ArrayList<>();
    if (root.has("applies-when")) {
      for (YamlNode n : p.get(() -> root.get("applies-when").list(), List.<YamlNode>of())) {
        p.get(() -> n.string(PICS_ITEM, "a PICS item such as nat-t-rfc3947"))
            .ifPresent(
                item -> {
                  if (appliesWhen.contains(item)) {
                    p.add(n.error("'" + item + "' is listed twice"));
                  } else {
                    appliesWhen.add(item);
                  }
                });
      }
    }
    TopologySpec topology =
        read(root, "topology", this::topology, new TopologySpec(Map.of(), List.of(), List.of()));
    HarnessSpec harness = read(root, "harness", this::harness, null);
    harnessKeepalive =
        harness == null ? java.time.Duration.ZERO : harness.knobs().keepaliveInterval();
    List<Step> steps = read(root, "steps", this::steps, List.of());
    Map<String, String> expect = new LinkedHashMap<>();
    if (root.has("expect")) {
      p.get(() -> root.get("expect").map())
          .ifPresent(m -> m.keys().forEach(rid -> expectation(m, rid, judges, expect)));
    }
    p.throwIfAny();
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

  /** One entry of expect; {@code judges} is null when the judges could not be read. */
  private void expectation(YamlMap m, String rid, List<String> judges, Map<String, String> expect) {
    YamlNode key = m.keyNode(rid);
    if (!REQUIREMENT_ID.matcher(rid).matches()) {
      p.add(key.error("'" + rid + "' is not a requirement id (expected the form 3947-4-float)"));
    } else if (judges != null && !judges.contains(rid) && !known.contains(rid)) {
      p.add(
          key.error(
              "requirement '"
                  + rid
                  + "' is not judged by this scenario"
                  + (known.isEmpty() ? "" : " nor in the requirement catalog")
                  + YamlNode.hint(rid, judges)
                  + "; judges: "
                  + String.join(", ", judges)));
    }
    p.get(() -> m.get(rid).oneOf(VERDICTS)).ifPresent(v -> expect.put(rid, v));
  }

  /**
   * The judged ids. An id missing from the catalog is reported but kept, so that expect does not
   * report it a second time.
   */
  private List<String> judges(YamlNode node) {
    List<String> judges = new ArrayList<>();
    for (YamlNode n : node.nonEmptyList("requirement id")) {
      Optional<String> read =
          p.get(() -> n.string(REQUIREMENT_ID, "a requirement id such as 3947-4-float"));
      if (read.isEmpty()) {
        continue;
      }
      String rid = read.get();
      if (!known.isEmpty() && !known.contains(rid)) {
        p.add(
            n.error(
                "unknown requirement id '"
                    + rid
                    + "'"
                    + YamlNode.hint(rid, known)
                    + " (not in the requirement catalog)"));
      }
      if (judges.contains(rid)) {
        p.add(n.error("'" + rid + "' is listed twice"));
      } else {
        judges.add(rid);
      }
    }
    return judges;
  }

  private TopologySpec topology(YamlNode node) {
    YamlMap t = node.map().allowedKeys(p, TOPOLOGY_KEYS);
    Map<String, NatSpec> natMap = new LinkedHashMap<>();
    if (t.has("nats")) {
      Optional<YamlMap> m = p.get(() -> t.get("nats").map());
      if (m.isEmpty()) {
        natsReadable = false;
      }
      m.ifPresent(
          nm -> {
            for (String name : nm.keys()) {
              if (!NAT_NAME.matcher(name).matches()) {
                p.add(
                    nm.keyNode(name)
                        .error(
                            "'"
                                + name
                                + "' is not a NAT name (expected lower-case letters, digits and"
                                + " '-', starting with a letter)"));
              }
              // kept even when wrong, so that references to it are not reported as well
              natMap.put(name, p.get(() -> nat(nm.get(name)), DEFAULT_NAT));
              natNodes.put(name, nm.keyNode(name));
              natValues.put(name, nm.get(name));
            }
          });
    }
    nats = Collections.unmodifiableMap(natMap);
    List<String> harnessBehind = List.of();
    if (t.has("harness")) {
      harnessPlace = t.get("harness");
      harnessBehind =
          p.get(
              () -> {
                YamlMap h = t.get("harness").map().allowedKeys(p, HARNESS_PLACE_KEYS);
                List<String> own = read(h, "behind", this::behind, List.<String>of());
                // clients() keeps what it read before a mistake, so that steps are not refused too
                read(h, "clients", n -> clients(n, own), 1);
                harnessForward = forward(h, "harness");
                return own;
              },
              List.of());
    }
    List<String> iutBehind = List.of();
    List<Integer> forward = List.of();
    if (t.has("iut")) {
      iutPlace = t.get("iut");
      Optional<YamlMap> i = p.get(() -> t.get("iut").map().allowedKeys(p, IUT_PLACE_KEYS));
      if (i.isPresent()) {
        iutBehind = read(i.get(), "behind", this::behind, List.of());
        forward = forward(i.get(), "IUT");
      }
    }
    staticNats(iutBehind, "the IUT", "topology.iut.forward");
    if (!harnessForward.isEmpty()) {
      staticNats(harnessBehind, "the harness", "topology.harness.forward");
    }
    this.harnessBehind = harnessBehind;
    TopologySpec spec =
        new TopologySpec(
            nats,
            harnessBehind,
            iutBehind,
            forward,
            clients,
            clientBehind,
            sameAddress,
            harnessForward);
    for (String name : badReference ? List.<String>of() : nats.keySet()) {
      if (!harnessBehind.contains(name)
          && !iutBehind.contains(name)
          && !clientNatsNamed.contains(name)) {
        p.add(
            natNodes
                .get(name)
                .error(
                    "NAT '"
                        + name
                        + "' is defined, but neither the harness nor the IUT sits behind it (add"
                        + " it to topology.harness.behind, or remove it)"));
      }
    }
    if (natsReadable && !badReference) {
      realisable(spec);
    }
    return spec;
  }

  /** Refuses the behaviour keys of NATs that forward their ports to {@code who} statically. */
  private void staticNats(List<String> names, String who, String where) {
    for (String name : names) {
      YamlNode v = natValues.get(name);
      if (v == null || !v.isMap()) {
        continue;
      }
      for (String key : v.map().keys()) {
        // a NAT forwarding ports statically makes no mapping
        p.add(
            v.map()
                .keyNode(key)
                .error(
                    "'"
                        + key
                        + "' of NAT '"
                        + name
                        + "' would be ignored: a NAT in front of "
                        + who
                        + " forwards the ports listed in "
                        + where
                        + " statically (define it as "
                        + name
                        + ": {})"));
      }
    }
  }

  /**
   * The ports a NAT in front of {@code side} ("IUT", "harness") forwards to it, from {@code
   * forward:} of its place (empty when none); it needs {@code behind:} there.
   */
  private List<Integer> forward(YamlMap place, String side) {
    if (!place.has("forward")) {
      return List.of();
    }
    if (!place.has("behind")) {
      p.add(
          place
              .keyNode("forward")
              .error("'forward' needs the " + side + " behind a NAT (add 'behind: NAT-NAME')"));
    }
    if (side.equals("harness")) {
      harnessForwardNode = place.keyNode("forward");
    }
    return read(place, "forward", this::ports, List.of());
  }

  /**
   * Whether the chosen backend (or, with none chosen, any backend) can realise the topology: each
   * NAT in front of the harness on its own (reported at the NAT), then the placement (reported at
   * topology.iut or topology.harness).
   */
  private void realisable(TopologySpec spec) {
    Testbed.Layout layout;
    try {
      layout = spec.layout();
    } catch (IllegalArgumentException e) {
      return; // a NAT's behaviour was reported already
    }
    List<Testbed.Backend> backends =
        backend != null
            ? List.of(backend)
            : Testbeds.names().stream().map(Testbeds::backend).toList();
    boolean reported = false;
    for (Testbed.Nat n : layout.harnessBehind()) {
      Testbed.Layout alone = new Testbed.Layout(List.of(n), List.of());
      Optional<String> why = refusedByAll(backends, alone);
      if (why.isPresent()) {
        p.add(natNodes.get(n.name()).error(why.get()));
        reported = true;
      }
    }
    if (reported) {
      return;
    }
    Optional<String> why = refusedByAll(backends, layout);
    if (why.isPresent()) {
      YamlNode at = !layout.iutBehind().isEmpty() && iutPlace != null ? iutPlace : harnessPlace;
      p.add((at != null ? at : natNodes.values().iterator().next()).error(why.get()));
    }
  }

  /** The refusals when every backend refuses the layout, else empty. */
  private static Optional<String> refusedByAll(List<Testbed.Backend> backends, Testbed.Layout l) {
    List<String> why = new ArrayList<>();
    for (Testbed.Backend b : backends) {
      Optional<String> r = b.refusal(l);
      if (r.isEmpty()) {
        return Optional.empty();
      }
      why.add(r.get());
    }
    return Optional.of(
        String.join("; ", why.stream().distinct().toList())
            + (backends.size() > 1 ? " (no NAT backend can realise it)" : ""));
  }

  private List<Integer> ports(YamlNode node) {
    List<Integer> ports = new ArrayList<>();
    for (YamlNode n : node.nonEmptyList("port")) {
      p.get(() -> n.integer(1, 65535))
          .ifPresent(
              port -> {
                if (ports.contains(port)) {
                  p.add(n.error("port " + port + " is listed twice"));
                } else {
                  ports.add(port);
                }
              });
    }
    return List.copyOf(ports);
  }

  private NatSpec nat(YamlNode node) {
    YamlMap m = node.map().allowedKeys(p, NAT_KEYS);
    String mapping = read(m, "mapping", n -> n.oneOf(NAT_TYPES), DEFAULT_NAT.mapping());
    String filtering = read(m, "filtering", n -> n.oneOf(NAT_TYPES), DEFAULT_NAT.filtering());
    String ports = read(m, "ports", n -> n.oneOf("preserve", "random"), DEFAULT_NAT.ports());
    Duration timeout = read(m, "udp-timeout", YamlNode::positiveDuration, DEFAULT_NAT.udpTimeout());
    return new NatSpec(
        mapping, filtering, ports, timeout, read(m, "drop-fragments", YamlNode::bool, false));
  }

  private List<String> behind(YamlNode node) {
    List<YamlNode> names =
        node.isList() ? node.nonEmptyList("NAT name") : node.isMap() ? null : List.of(node);
    if (names == null) {
      throw node.expected("a NAT name or a list of NAT names");
    }
    List<String> out = new ArrayList<>();
    for (YamlNode n : names) {
      p.get(() -> natName(n))
          .ifPresent(
              name -> {
                if (out.contains(name)) {
                  p.add(n.error("NAT '" + name + "' is listed twice"));
                } else {
                  out.add(name);
                }
              });
    }
    return List.copyOf(out);
  }

  /**
   * {@code topology.harness.clients}: a number (every client behind the harness's NAT, each with an
   * address of its own), or {@code { count, behind, same-address }}: {@code behind} names each
   * client's NAT, the harness's ({@code own}) first; a client behind a NAT of its own sits on a LAN
   * of its own; {@code same-address: true} gives every client the harness's address (RFC 3948
   * section 5.1), which needs each behind a NAT of its own.
   */
  private int clients(YamlNode node, List<String> own) {
    if (!node.isMap()) {
      clients = node.integer(1, ClientHosts.MAX);
      return clients;
    }
    YamlMap m = node.map().allowedKeys(p, CLIENTS_KEYS);
    if (!m.has("count")) {
      m.requireKeys(p, "count");
      m.opt("behind").filter(YamlNode::isList).ifPresent(b -> b.list().forEach(this::clientNat));
      // unknown: the steps' client numbers are not refused for it as well
      clients = ClientHosts.MAX;
      return clients;
    }
    int count = m.get("count").integer(1, ClientHosts.MAX);
    clients = count;
    if (m.has("behind") && m.get("behind").isList()) {
      // NATs named here are in use, also when the list has a mistake
      m.get("behind").list().forEach(this::clientNat);
    }
    boolean same = read(m, "same-address", YamlNode::bool, false);
    if (!m.has("behind")) {
      if (same) {
        throw m.keyNode("same-address")
            .error(
                "same-address: true needs each client behind a NAT of its own (one LAN cannot hold"
                    + " two hosts with one address): add 'behind: [NAT-1, NAT-2, ...]'");
      }
      return count;
    }
    YamlNode b = m.get("behind");
    if (!b.isList()) {
      throw b.expected("a list of NAT names, one per client, the harness's NAT first");
    }
    List<YamlNode> items = b.nonEmptyList("NAT name");
    if (items.size() != count) {
      throw b.error(
          "lists "
              + items.size()
              + " NAT(s) for count: "
              + count
              + " (one per client, the harness's NAT first)");
    }
    if (own.size() != 1) {
      throw b.error(
          "clients behind NATs of their own need the harness behind exactly one NAT"
              + " (topology.harness.behind)");
    }
    List<String> names = new ArrayList<>();
    for (int k = 0; k < items.size(); k++) {
      YamlNode item = items.get(k);
      String name = natName(item);
      if (k == 0 && !name.equals(own.get(0))) {
        throw item.error(
            "client 1 is the harness: its NAT is '"
                + own.get(0)
                + "' (topology.harness.behind), not '"
                + name
                + "'");
      }
      if (k > 0 && names.contains(name) && (same || !name.equals(own.get(0)))) {
        throw item.error(
            same
                ? "clients with the same address cannot share NAT '"
                    + name
                    + "' (one LAN cannot hold two hosts with one address)"
                : "NAT '"
                    + name
                    + "' holds one client only (only the harness's NAT holds several, on its LAN)");
      }
      names.add(name);
    }
    clientBehind = List.copyOf(names);
    sameAddress = same;
    return count;
  }

  /** A NAT named in clients.behind: marked as in use (when it exists), never reported here. */
  private void clientNat(YamlNode n) {
    if (n.isScalar() && nats.containsKey(n.string())) {
      clientNatsNamed.add(n.string());
    }
  }

  /** A reference to a NAT of the topology (not checked when topology.nats could not be read). */
  private String natName(YamlNode n) {
    String name = n.string();
    if (natsReadable && !nats.containsKey(name)) {
      badReference = true;
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
    YamlMap h = node.map().allowedKeys(p, HARNESS_KEYS).requireKeys(p, "role", "ike");
    String role = read(h, "role", n -> n.oneOf("initiator", "responder"), "initiator");
    persona = read(h, "persona", ScenarioLoader::persona, null);
    IkeSpec ike = read(h, "ike", this::ike, null);
    responderRole = role.equals("responder");
    Knobs.Side side = responderRole ? Knobs.Side.HARNESS_RESPONDER : Knobs.Side.HARNESS;
    if (responderRole
        && harnessPlace != null
        && !harnessBehind.isEmpty()
        && harnessForward.isEmpty()) {
      p.add(
          harnessPlace.error(
              "with role: responder the IUT initiates, and a NAT in front of the harness"
                  + " forwards no ports to it: let it forward them (harness: { behind: NAT,"
                  + " forward: [500, 4500] }), or put the IUT behind the NAT (iut: { behind: NAT,"
                  + " forward: [500, 4500] }) and leave the harness on the public side"));
    }
    if (!responderRole && harnessForwardNode != null) {
      p.add(
          harnessForwardNode.error(
              "a NAT forwarding ports to the harness is for role: responder (the IUT initiates"
                  + " to the NAT's public address); the harness as initiator goes out through"
                  + " its NAT's mappings (leave 'forward' out)"));
    }
    if (responderRole && persona != null) {
      p.add(
          h.keyNode("persona")
              .error(
                  "a persona is a client that starts the negotiation; with role: responder the"
                      + " IUT initiates (leave persona out, or use role: initiator)"));
    }
    Knobs base = persona == null ? Knobs.rfc3947() : persona.knobs();
    Knobs knobs = read(h, "knobs", n -> knobs(n, p, side, base), base);
    if (ike != null
        && ike.exchange().equals("aggressive")
        && knobs.floatAt() == Knobs.FloatMode.EARLY
        && h.has("knobs")) {
      YamlMap k = h.get("knobs").map();
      p.add(
          (k.has("float") ? k.get("float") : h.get("knobs"))
              .error(
                  "early is a Main Mode float (at message 3, before NAT-D is known); Aggressive"
                      + " Mode learns of the NAT in message 2 and floats at message 3 with"
                      + " at-message-5"));
    }
    return new HarnessSpec(role, ike, knobs, persona == null ? "" : persona.name());
  }

  private static Personas.Persona persona(YamlNode n) {
    String name = n.string();
    return Personas.get(name)
        .orElseThrow(
            () ->
                n.error(
                    "unknown persona '"
                        + name
                        + "'"
                        + YamlNode.hint(name, Personas.names())
                        + "; known personas: "
                        + String.join(", ", Personas.names())));
  }

  /**
   * An ike key the persona also sets: absent, the persona's value; the same, fine; another value is
   * refused, since the persona would then not be what it says.
   */
  private String personaValue(YamlMap ike, String key, String own, String fallback) {
    if (persona == null) {
      return own;
    }
    String theirs =
        switch (key) {
          case "exchange" -> persona.exchange();
          case "proposal" -> persona.proposal();
          default -> persona.esp();
        };
    if (ike.has(key) && !own.equals(theirs)) {
      p.add(
          ike.get(key)
              .error(
                  "the persona "
                      + persona.name()
                      + " uses "
                      + key
                      + " "
                      + theirs
                      + "; remove '"
                      + key
                      + "' or the persona"));
    }
    return ike.has(key) ? own : theirs;
  }

  private IkeSpec ike(YamlNode node) {
    YamlMap ike = node.map().allowedKeys(p, IKE_KEYS).requireKeys(p, "version", "exchange", "auth");
    int version =
        read(
            ike,
            "version",
            v -> {
              int n = v.integer();
              if (n == 2) {
                throw v.error("IKEv2 scenarios are not supported yet");
              }
              if (n != 1) {
                throw v.expected("IKE version 1");
              }
              return n;
            },
            1);
    String exchange = read(ike, "exchange", n -> n.oneOf("main", "aggressive"), "main");
    String auth = read(ike, "auth", n -> n.oneOf("psk"), "psk");
    String proposal = read(ike, "proposal", ProposalGrammar::phase1, DEFAULT_PROPOSAL);
    String esp = read(ike, "esp", ProposalGrammar::esp, DEFAULT_ESP);
    exchange = personaValue(ike, "exchange", exchange, "main");
    proposal = personaValue(ike, "proposal", proposal, DEFAULT_PROPOSAL);
    esp = personaValue(ike, "esp", esp, DEFAULT_ESP);
    Scenario.IfNotAccepted ifNotAccepted =
        read(
            ike,
            "if-not-accepted",
            n -> n.oneOf(Scenario.IfNotAccepted.class),
            Scenario.IfNotAccepted.USE_ACCEPTED);
    return new IkeSpec(version, exchange, auth, proposal, esp, ifNotAccepted);
  }

  /** Knobs of the harness's peer, or of an emulated IUT (mutants); throws for every mistake. */
  static Knobs knobs(YamlNode node, Knobs.Side side) {
    Problems p = new Problems();
    Knobs k = knobs(node, p, side);
    p.throwIfAny();
    return k;
  }

  /**
   * Knobs for one side, with each mistake recorded in {@code p} (the default stands in for a wrong
   * value); a value that side would not act on is a mistake.
   */
  static Knobs knobs(YamlNode node, Problems p, Knobs.Side side) {
    return knobs(node, p, side, Knobs.rfc3947());
  }

  /** As above, each knob the file leaves out taken from {@code d} (a persona's knobs). */
  static Knobs knobs(YamlNode node, Problems p, Knobs.Side side, Knobs d) {
    YamlMap k = node.map().allowedKeys(p, KNOB_KEYS);
    List<Knobs.VendorIdChoice> vids = d.vendorIds();
    if (k.has("vendor-ids")) {
      vids =
          List.copyOf(
              distinct(p, k.get("vendor-ids"), n -> n.oneOf(Knobs.VendorIdChoice.class), vids));
    }
    Knobs.NatDMode natD = get(p, k, "nat-d", n -> n.oneOf(Knobs.NatDMode.class), d.natD());
    Knobs.FloatMode floatAt =
        get(
            p,
            k,
            "float",
            n -> {
              Knobs.FloatMode f = n.oneOf(Knobs.FloatMode.class);
              if (!f.honouredBy(side)) {
                throw n.error(
                    YamlNode.word(f)
                        + " is something only an initiator does; "
                        + side
                        + " would ignore it (it knows at-message-5 and never)");
              }
              return f;
            },
            d.floatAt());
    int encap =
        get(
            p,
            k,
            "encapsulation",
            n -> n.integerOneOf(1, 2, 3, 4, 61443, 61444),
            d.encapsulationMode());
    Duration interval = d.keepaliveInterval();
    int keepaliveByte = d.keepaliveByte();
    if (k.has("keepalive")) {
      Optional<YamlMap> ka = p.get(() -> k.get("keepalive").map().allowedKeys(p, KEEPALIVE_KEYS));
      if (ka.isPresent()) {
        interval = get(p, ka.get(), "interval", YamlNode::duration, interval);
        keepaliveByte = get(p, ka.get(), "byte", n -> n.integer(0, 255), keepaliveByte);
      }
    }
    Set<Knobs.Deviation> deviations = new LinkedHashSet<>();
    if (k.has("deviations")) {
      deviations.addAll(
          distinct(
              p,
              k.get("deviations"),
              n -> {
                Knobs.Deviation dev = n.oneOf(Knobs.Deviation.class);
                if (!dev.honouredBy(side)) {
                  throw n.error(
                      "'"
                          + dev.word()
                          + "' is honoured only by the emulated IUT (a mutant's iut-knobs); "
                          + side
                          + " would ignore it");
                }
                return dev;
              },
              List.of()));
    }
    return new Knobs(vids, natD, floatAt, encap, interval, keepaliveByte, deviations);
  }

  private static <T> T get(
      Problems p, YamlMap m, String key, Function<YamlNode, T> read, T fallback) {
    return m.has(key) ? p.get(() -> read.apply(m.get(key)), fallback) : fallback;
  }

  /** The items of a list, each read by {@code read}, refusing repeats. */
  private static <T> Set<T> distinct(
      Problems p, YamlNode list, Function<YamlNode, T> read, List<T> fallback) {
    Optional<List<YamlNode>> items = p.get(list::list);
    if (items.isEmpty()) {
      return new LinkedHashSet<>(fallback);
    }
    Set<T> out = new LinkedHashSet<>();
    for (YamlNode n : items.get()) {
      p.get(() -> read.apply(n))
          .ifPresent(
              v -> {
                if (!out.add(v)) {
                  p.add(n.error("'" + n.string() + "' is listed twice"));
                }
              });
    }
    return out;
  }

  private List<Step> steps(YamlNode node) {
    List<Step> out = new ArrayList<>();
    for (YamlNode item : node.nonEmptyList("step")) {
      kindKnown = false;
      p.get(() -> step(item)).ifPresent(out::add);
      if (!kindKnown) {
        // a step that could not be told is not held against the order of the later ones
        phase1Seen = true;
        quickModeSeen = true;
      }
    }
    return out;
  }

  /** One step; the order checks need an earlier phase1 / quick-mode of any form, right or not. */
  private Step step(YamlNode item) {
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
    kindKnown = true;
    if (responderRole && RESPONDER_REFUSES.containsKey(kind)) {
      p.add(kindNode.error(kind + " " + RESPONDER_REFUSES.get(kind)));
    }
    int client = peekClient(value);
    boolean afterPhase1 = client == 1 ? phase1Seen : clientPhase1.contains(client);
    boolean afterQuickMode = client == 1 ? quickModeSeen : clientQuickMode.contains(client);
    if (client == 1) {
      phase1Seen |= kind.equals("phase1");
      quickModeSeen |= kind.equals("quick-mode");
    } else if (kind.equals("phase1")) {
      clientPhase1.add(client);
    } else if (kind.equals("quick-mode")) {
      clientQuickMode.add(client);
    }
    int line = item.line();
    return switch (kind) {
      case "phase1" -> {
        if (value == null) {
          yield new Step.Phase1(line);
        }
        yield forClient(settings(item, value, kind), new Step.Phase1(line), true);
      }
      case "delete" -> new Step.Delete(bare(item, value, kind));
      case "liveness" -> new Step.Liveness(bare(item, value, kind));
      case "play-dead" -> playDead(item, value, kind, afterQuickMode);
      case "iut-rekey" ->
          new Step.IutRekey(
              item.line(), value != null && value.oneOf("child", "ike").equals("ike"));
      case "quick-mode" -> {
        if (!afterPhase1) {
          p.add(item.error("quick-mode needs an earlier phase1 step"));
        }
        if (value == null) {
          transportSeen = persona != null && persona.mode().equals("transport");
          responderMode(item, transportSeen);
          yield persona == null
              ? new Step.QuickMode(line, "tunnel")
              : new Step.QuickMode(line, persona.mode(), persona.protocol(), persona.port());
        }
        YamlMap m = value.map().allowedKeys(p, STEPS.get(kind));
        Step.QuickMode qm = quickMode(m, line);
        transportSeen = qm.transport();
        responderMode(item, qm.transport());
        if (responderRole && m.has("protocol")) {
          p.add(
              m.keyNode("protocol")
                  .error(
                      "with role: responder the IUT initiates and chooses its Quick Mode IDs (in"
                          + " transport mode its own and the harness's address): protocol and"
                          + " port selectors cannot be asked of it"));
        }
        Step onClient = forClient(m, qm, false);
        if (qm.transport() && onClient instanceof Step.OnClient oc && oc.client() > 1) {
          p.add(
              m.keyNode("client")
                  .error(
                      "transport mode is for the harness itself (client 1); further clients run"
                          + " tunnel mode"));
        }
        yield onClient;
      }
      case "esp-ping" -> {
        if (!afterQuickMode) {
          p.add(
              item.error(
                  "esp-ping needs an earlier quick-mode step (the ESP SAs come from Quick Mode)"));
        }
        YamlMap m = settings(item, value, kind).requireKeys(p, "to");
        String target =
            read(
                m,
                "to",
                to -> {
                  String t = to.string();
                  if (!t.equals("iut.protected") && !t.equals("iut") && !YamlNode.isIpv4(t)) {
                    throw to.expected("iut.protected, iut or an IPv4 address");
                  }
                  if (t.equals("iut") != transportSeen) {
                    throw to.error(
                        transportSeen
                            ? "the last quick-mode is in transport mode, whose ends are the two"
                                + " hosts: write 'to: iut' (the IUT's own address)"
                            : "'to: iut' is for a transport-mode SA (quick-mode: { mode:"
                                + " transport }); a tunnel leads to iut.protected");
                  }
                  return t;
                },
                "iut.protected");
        int count = read(m, "count", n -> n.integer(1, 100), 3);
        List<Integer> sizes = read(m, "size", ScenarioLoader::echoSizes, List.of());
        boolean zero = read(m, "udp-checksum", n -> n.oneOf("valid", "zero").equals("zero"), false);
        boolean spoofed =
            read(m, "from", n -> n.oneOf("harness", "spoofed").equals("spoofed"), false);
        if (transportSeen && (zero || spoofed)) {
          p.add(
              item.error(
                  "esp-ping in transport mode sends plain requests to the IUT itself;"
                      + " udp-checksum: zero and from: spoofed are for a tunnel"));
        }
        if (zero && spoofed) {
          p.add(item.error("esp-ping: from: spoofed and udp-checksum: zero cannot go together"));
        }
        int fromPort = read(m, "from-port", ScenarioLoader::secondHarnessPort, 0);
        if (fromPort != 0 && (transportSeen || zero || spoofed || m.has("client"))) {
          p.add(
              m.keyNode("from-port")
                  .error(
                      "esp-ping from-port is for the harness's own tunnel (client 1) with a valid"
                          + " checksum and its own inner source; not with to: iut, udp-checksum:"
                          + " zero, from: spoofed or client"));
        }
        Step ping = new Step.EspPing(line, target, count, sizes, zero, spoofed, fromPort);
        if ((zero || spoofed) && m.has("client")) {
          p.add(
              m.keyNode("client")
                  .error(
                      "esp-ping of another client takes neither udp-checksum: zero nor from:"
                          + " spoofed (those are the harness's, client 1)"));
        }
        yield forClient(m, ping, false);
      }
      case "wait" -> new Step.Wait(line, argument(item, value, kind).positiveDuration());
      case "expect-keepalive" -> {
        YamlMap m = settings(item, value, kind).requireKeys(p, "from", "within");
        String from = read(m, "from", n -> n.oneOf("harness", "iut"), "harness");
        Duration within = read(m, "within", YamlNode::positiveDuration, Duration.ofSeconds(1));
        yield new Step.ExpectKeepalive(line, from, within);
      }
      case "nat-rebind" -> natRebind(item, value, kind);
      case "nat-expire" -> new Step.NatExpire(line, harnessNat(argument(item, value, kind), kind));
      case "send-raw" -> {
        YamlMap m = settings(item, value, kind).requireKeys(p, "port");
        int port = read(m, "port", n -> n.integerOneOf(500, 4500), 500);
        if (m.has("resend")) {
          if (m.has("hex")) {
            p.add(m.get("resend").error("give either 'hex' or 'resend', not both"));
          }
          read(m, "resend", n -> n.oneOf("phase1"), "phase1");
          yield new Step.SendRaw(line, port, new byte[0], true);
        }
        m.requireKeys(p, "hex");
        byte[] bytes = read(m, "hex", ScenarioLoader::hex, new byte[0]);
        yield new Step.SendRaw(line, port, bytes);
      }
      case "replay" -> replay(item, settings(item, value, kind));
      default -> throw new IllegalStateException(kind); // STEPS and the switch agree
    };
  }

  /**
   * With role: responder the IUT is asked once, before the steps, for a tunnel or a transport Quick
   * Mode (the first quick-mode step's mode); a later quick-mode of the other mode is refused.
   */
  private void responderMode(YamlNode item, boolean transport) {
    if (!responderRole) {
      return;
    }
    if (responderFirstMode == null) {
      responderFirstMode = transport ? "transport" : "tunnel";
      responderFirstModeLine = item.line();
    } else if (!responderFirstMode.equals(transport ? "transport" : "tunnel")) {
      p.add(
          item.error(
              "with role: responder the IUT is asked for one kind of Quick Mode: the first"
                  + " quick-mode (line "
                  + responderFirstModeLine
                  + ") asks for "
                  + responderFirstMode
                  + " mode"));
    }
  }

  /**
   * The settings of a quick-mode step: mode (tunnel or transport) and, in transport mode, the
   * protocol (udp) and port both Quick Mode IDs name (udp 1701: L2TP).
   */
  private Step.QuickMode quickMode(YamlMap m, int line) {
    String mode =
        read(
            m,
            "mode",
            n -> {
              String md = n.oneOf("tunnel", "transport");
              if (persona != null && !md.equals(persona.mode())) {
                throw n.error(
                    "the persona "
                        + persona.name()
                        + " negotiates "
                        + persona.mode()
                        + " mode; remove 'mode' or the persona");
              }
              return md;
            },
            persona == null ? "tunnel" : persona.mode());
    boolean fromPersona = persona != null && !m.has("protocol") && !m.has("port");
    int protocol =
        fromPersona
            ? persona.protocol()
            : read(m, "protocol", n -> n.oneOf("udp").equals("udp") ? 17 : 0, 0);
    int port = fromPersona ? persona.port() : read(m, "port", n -> n.integer(1, 65535), 0);

    if (mode.equals("tunnel") && m.has("protocol")) {
      p.add(
          m.keyNode("protocol")
              .error(
                  "protocol and port selectors are for mode: transport; in tunnel mode the"
                      + " harness's esp-ping sends ICMP between its inner address and the"
                      + " protected network"));
    } else if (m.has("port") && !m.has("protocol")) {
      p.add(m.keyNode("port").error("a port needs its protocol (protocol: udp)"));
    }
    return new Step.QuickMode(line, mode, protocol, port);
  }

  /**
   * {@code nat-rebind: NAT} (every flow), or {@code nat-rebind: { nat: NAT, flows: esp|ike|all }}:
   * only the ESP or the IKE flow to UDP 4500 gets a new public port, which only a backend that
   * tells them apart can do (the emulated NAT; elsewhere NOT_APPLICABLE).
   */
  private Step natRebind(YamlNode item, YamlNode value, String kind) {
    if (value == null || !value.isMap()) {
      return new Step.NatRebind(item.line(), harnessNat(argument(item, value, kind), kind));
    }
    YamlMap m = value.map().allowedKeys(p, STEPS.get(kind)).requireKeys(p, "nat");
    String nat = m.has("nat") ? p.get(() -> harnessNat(m.get("nat"), kind)).orElse("") : "";
    io.natt.nat.RebindFlows flows =
        read(
            m,
            "flows",
            n -> {
              String w = n.oneOf("all", "esp", "ike");
              return java.util.Arrays.stream(io.natt.nat.RebindFlows.values())
                  .filter(f -> f.word().equals(w))
                  .findFirst()
                  .orElseThrow();
            },
            io.natt.nat.RebindFlows.ALL);
    return new Step.NatRebind(item.line(), nat, flows);
  }

  /** A NAT of the topology that the harness sits behind (the runner acts on that NAT only). */
  private String harnessNat(YamlNode n, String kind) {
    String name = natName(n);
    if (natsReadable && !harnessBehind.contains(name)) {
      throw n.error(
          "NAT '"
              + name
              + "' is not in front of the harness; "
              + kind
              + " acts on the NAT in front of the harness"
              + (harnessBehind.isEmpty()
                  ? " (topology.harness.behind names none)"
                  : " (" + String.join(", ", harnessBehind) + ")"));
    }
    if (!harnessForward.isEmpty()) {
      throw n.error(
          "NAT '"
              + name
              + "' forwards UDP "
              + harnessForward
              + " to the harness statically: it has no mapping for "
              + kind
              + " to act on");
    }
    return name;
  }

  /**
   * The most padding a phase1 adds to Main Mode message 5: with the message, well below the 65507
   * bytes a UDP datagram carries, and enough for 10 IP fragments on a 1500-byte path.
   */
  static final int MAX_PAD = 16000;

  /** The client a step's settings name (1 when none, or when it cannot be read: reported later). */
  private static int peekClient(YamlNode value) {
    if (value == null || !value.isMap() || !value.map().has("client")) {
      return 1;
    }
    try {
      return value.map().get("client").integer(1, ClientHosts.MAX);
    } catch (LoadException e) {
      return 1;
    }
  }

  /**
   * The step as client {@code client:} runs it, when the settings name another client than the
   * harness or ask for INITIAL-CONTACT ({@code withInitialContact}: a phase1); else the step.
   */
  private Step forClient(YamlMap m, Step step, boolean withInitialContact) {
    int client =
        read(
            m,
            "client",
            n -> {
              int c = n.integer(1, ClientHosts.MAX);
              if (c > clients) {
                throw n.error(
                    "client "
                        + c
                        + " does not exist: topology.harness.clients is "
                        + clients
                        + " (write 'clients: "
                        + c
                        + "' there)");
              }
              return c;
            },
            1);
    boolean ic = withInitialContact && read(m, "initial-contact", YamlNode::bool, false);
    boolean shared =
        withInitialContact && read(m, "id", n -> n.oneOf("own", "shared"), "own").equals("shared");
    if (client == 1 && m.has("id")) {
      p.add(
          m.keyNode("id")
              .error(
                  "'id' is for a further client (client: 2 and up); the harness uses the target's"));
    }
    int pad = withInitialContact ? read(m, "pad-message-5", n -> n.integer(0, MAX_PAD), 0) : 0;
    boolean frag = withInitialContact && read(m, "ike-fragmentation", YamlNode::bool, false);
    return client == 1 && !ic && pad == 0 && !frag
        ? step
        : new Step.OnClient(step.line(), client, ic, shared, pad, frag, step);
  }

  private static int bare(YamlNode item, YamlNode value, String kind) {
    if (value != null) {
      throw value.error("takes no settings; write it as '- " + kind + "'");
    }
    return item.line();
  }

  private YamlMap settings(YamlNode item, YamlNode value, String kind) {
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
    return value.map().allowedKeys(p, STEPS.get(kind));
  }

  private static YamlNode argument(YamlNode item, YamlNode value, String kind) {
    if (value == null) {
      String example = kind.equals("wait") ? "5s" : "NAT-NAME";
      throw item.error("'" + kind + "' needs a value, written '- " + kind + ": " + example + "'");
    }
    return value;
  }

  /**
   * The second local port an esp-ping sends from (from-port): any UDP port from 1024 to 65535 but
   * 4500, the harness's NAT-T port.
   */
  private static int secondHarnessPort(YamlNode n) {
    int v = n.integer(1024, 65535);
    if (v == 4500) {
      throw n.error("from-port 4500 is the harness's own NAT-T port: name another, e.g. 4501");
    }
    return v;
  }

  /**
   * The ICMP echo data lengths of an esp-ping: one size or a list; each from 0 to {@link
   * #MAX_ECHO_DATA} (an inner packet that a 1500-byte path carries in ESP-in-UDP).
   */
  private static List<Integer> echoSizes(YamlNode n) {
    if (n.isList()) {
      List<Integer> out = new ArrayList<>();
      for (YamlNode x : n.list()) {
        out.add(x.integer(0, MAX_ECHO_DATA));
      }
      if (out.isEmpty()) {
        throw n.expected("one or more sizes in bytes (0 to " + MAX_ECHO_DATA + ")");
      }
      return out;
    }
    return List.of(n.integer(0, MAX_ECHO_DATA));
  }

  /**
   * The largest ICMP echo data an esp-ping sends: 1500 (the testbed's MTU) less the outer IPv4
   * (20), UDP (8), ESP header (8), the largest IV (16), padding, pad length and next header (at
   * most 17), the largest ICV (32), the inner IPv4 (20) and ICMP (8) headers.
   */
  static final int MAX_ECHO_DATA = 1500 - 20 - 8 - 8 - 16 - 17 - 32 - 20 - 8;

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
    m.requireKeys(p, "file");
    Path resolved =
        read(
            m,
            "file",
            f -> {
              String name = f.string();
              Path r = projectRoot().resolve(name).normalize();
              if (!Files.isRegularFile(r)) {
                throw f.error(
                    "no such file '"
                        + name
                        + "' (replay files are named relative to the project root)");
              }
              return r;
            },
            projectRoot());
    Set<String> rewrite =
        m.has("rewrite")
            ? distinct(p, m.get("rewrite"), r -> r.oneOf("cookies", "spis"), List.of())
            : Set.of();
    return new Step.Replay(
        item.line(), resolved, rewrite.contains("cookies"), rewrite.contains("spis"));
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

  /**
   * {@code play-dead: { for: 8s }}: the harness stops answering R-U-THERE and sends no ESP, while
   * its NAT-keepalives go on. It needs an ESP SA and keepalives to send: the harness behind a NAT
   * with a keepalive interval.
   */
  private Step playDead(YamlNode item, YamlNode value, String kind, boolean afterQuickMode) {
    YamlMap m = settings(item, value, kind).requireKeys(p, "for");
    Duration d = read(m, "for", YamlNode::positiveDuration, Duration.ofSeconds(1));
    if (!afterQuickMode) {
      p.add(item.error("play-dead needs an earlier quick-mode step (an SA to declare dead)"));
    }
    if (harnessBehind.isEmpty() || harnessKeepalive.isZero()) {
      p.add(
          item.error(
              "play-dead keeps only NAT-keepalives flowing: put the harness behind a NAT"
                  + " (topology.harness.behind) with knobs: { keepalive: { interval: 1s } }"));
    }
    return new Step.PlayDead(item.line(), d);
  }
}
