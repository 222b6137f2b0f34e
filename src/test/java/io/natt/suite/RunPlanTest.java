package io.natt.suite;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.scenario.Plan;
import io.natt.scenario.Scenario;
import io.natt.scenario.ScenarioLoader;
import io.natt.sys.NetNs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.SocketPermission;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Permission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.testng.annotations.Test;

/**
 * `natt run --plan`: made from the scenario files and the target profile, without root, without a
 * namespace, without a socket, without starting a process.
 */
public class RunPlanTest {
  static final Path TARGET = Path.of("testsuites/targets/bundled-strongswan.yaml");
  static final Path CATALOG = Path.of("testsuites/requirements.yaml");
  static final Path SUITE = Path.of("testsuites");

  /** What the code under watch did that touches the network or starts a process. */
  @SuppressWarnings("removal")
  static final class Watch extends SecurityManager {
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void checkPermission(Permission perm) {
      if (perm instanceof SocketPermission) {
        seen.add("socket " + perm.getName() + " " + perm.getActions());
      } else if (perm instanceof java.io.FilePermission
          && perm.getActions().contains("execute")
          // JNA asks ldconfig where libpcap is when the replay step's capture file is read
          && !perm.getName().endsWith("/ldconfig")) {
        seen.add("exec " + perm.getName());
      }
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
      checkPermission(perm);
    }
  }

  record Made(int exit, String out, RunPlan plan, List<String> seen) {}

  /** Makes and prints the plan under watch; asserts no namespace and no socket came of it. */
  @SuppressWarnings("removal")
  static Made plan(SuiteSettings settings) throws IOException {
    Set<String> netnsBefore = netns();
    long socketsBefore = sockets();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Watch watch = new Watch();
    SecurityManager previous = System.getSecurityManager();
    System.setSecurityManager(watch);
    int exit;
    RunPlan plan;
    try {
      exit = RunPlan.print(settings, new PrintStream(bytes, true, StandardCharsets.UTF_8));
      plan = RunPlan.of(settings);
    } finally {
      System.setSecurityManager(previous);
    }
    assertEquals(netns(), netnsBefore, "the plan created or removed a network namespace");
    assertEquals(sockets(), socketsBefore, "the plan left a socket open");
    assertEquals(
        watch.seen, List.of(), "the plan opened a socket or started a process: " + watch.seen);
    return new Made(exit, bytes.toString(StandardCharsets.UTF_8), plan, watch.seen);
  }

  /**
   * The namespaces of this JVM (NetNs names them with its pid; other runs on the machine come and
   * go). A namespace of any other name would need `ip netns add`, which the watch sees as exec.
   */
  static Set<String> netns() throws IOException {
    String mine = NetNs.name("");
    Path dir = Path.of("/run/netns");
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(mine))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** Sockets this JVM holds open (links to socket:[...] in /proc/self/fd). */
  static long sockets() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                  return false;
                }
              })
          .count();
    }
  }

  /** The watch itself: a socket bound on loopback is seen (so the empty lists above mean it). */
  @Test
  @SuppressWarnings("removal")
  public void theWatchSeesASocket() throws IOException {
    Watch watch = new Watch();
    SecurityManager previous = System.getSecurityManager();
    System.setSecurityManager(watch);
    try (java.net.DatagramSocket s =
        new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      assertTrue(s.isBound());
    } finally {
      System.setSecurityManager(previous);
    }
    assertTrue(watch.seen.stream().anyMatch(x -> x.startsWith("socket ")), watch.seen.toString());
  }

  @Test
  public void bundledTargetOverTheSuite() throws IOException {
    SuiteSettings settings = new SuiteSettings(TARGET, List.of(SUITE), CATALOG, Path.of("unused"));
    Made m = plan(settings);
    assertEquals(m.exit(), 0, m.out());
    List<Path> files = settings.scenarioFiles();
    assertTrue(files.size() >= 20, "scenario files: " + files);
    assertEquals(m.plan().plans().size(), files.size(), m.out());
    assertEquals(m.plan().problems(), List.of());
    assertEquals(m.plan().backend(), "kernel");
    InetAddress target = InetAddress.getByName("198.51.100.2");
    assertEquals(m.plan().destinationAddresses(), Set.of(target), m.out());
    List<String> order = new ArrayList<>();
    for (Plan p : m.plan().plans()) {
      order.add(p.scenario().file().toString());
      // every scenario appears in the printed plan, each step with its line
      assertTrue(
          m.out().contains(p.scenario().id() + ": " + p.scenario().title()), p.scenario().id());
      if (p.runs()) {
        assertEquals(p.steps().size(), p.scenario().steps().size(), p.scenario().id());
        for (Scenario.Step st : p.scenario().steps()) {
          assertTrue(m.out().contains("line " + st.line() + " "), p.scenario().id());
        }
        assertFalse(p.destinations().isEmpty(), p.scenario().id());
        p.destinations().forEach(d -> assertEquals(d.getAddress(), target));
        // each harness port talks to one IUT port (what lets the kernel NAT accept every mapping
        // behaviour: the IUT cannot tell them apart)
        p.ports().forEach((from, to) -> assertEquals(to, Set.of(from), p.scenario().id()));
        assertTrue(
            p.setup().stream().anyMatch(l -> l.startsWith("harness: ")), p.setup().toString());
      }
    }
    List<String> sorted = new ArrayList<>(order);
    Collections.sort(sorted);
    assertEquals(order, sorted, "run order is by file path");
    // the bundled strongSwan claims what every scenario under testsuites/ needs; only what the
    // kernel NAT cannot do (a new port for the ESP or the IKE flow alone, a filtering other than
    // address-and-port-dependent) does not run
    long apart =
        m.plan().plans().stream()
            .filter(
                p ->
                    io.natt.scenario.Runner.needsFlowsApart(
                            p.scenario(), io.natt.nat.KernelTestbed.BACKEND)
                        .or(
                            () ->
                                io.natt.scenario.Runner.needsFiltering(
                                    p.scenario(), io.natt.nat.KernelTestbed.BACKEND))
                        .isPresent())
            .count();
    assertTrue(apart >= 1, "scenarios that rebind one flow alone");
    int running = files.size() - (int) apart;
    assertEquals(m.plan().running(), running, m.out());
    assertTrue(
        m.out()
            .contains(
                "Destinations: 198.51.100.2 (UDP ports 500, 4500), only the target's address"),
        m.out());
    assertTrue(m.out().contains(running + " of " + files.size() + " scenario(s) would run"));
    // behind a NAT the plan says what the IUT sees and how ports are mapped
    String floatPlan = section(m.out(), "3947-mm-float-behind-nat:");
    assertTrue(
        floatPlan.contains("the IUT sees it at 198.51.100.1 (ports mapped by the NAT)"), floatPlan);
    assertTrue(
        floatPlan.contains(
            "Main Mode messages 1,3,5 from 10.0.1.2:500 -> 198.51.100.2:500 (5 floats to 4500)"),
        floatPlan);
    assertTrue(
        floatPlan.contains("ICMP echo from 10.0.1.2 to 10.9.0.1 inside the tunnel"), floatPlan);
    String direct = section(m.out(), "3947-mm-direct-no-nat:");
    assertTrue(direct.contains("198.51.100.3 ports 500 and 4500"), direct);
    assertTrue(direct.contains("(no NAT)"), direct);
    // the harness as responder behind a forwarding NAT: the IUT initiates to the NAT's address
    String forwarded = section(m.out(), "3947-iut-initiates-to-harness-behind-nat:");
    assertTrue(
        forwarded.contains(
            "NAT office in front of the harness: UDP [500, 4500] of 198.51.100.1 forwarded"
                + " statically to 10.0.1.2"),
        forwarded);
    assertTrue(forwarded.contains("Main Mode to 198.51.100.1:500"), forwarded);
  }

  @Test
  public void theChosenBackendDecidesAddressesAndRefusals() throws IOException {
    Path scenario = Files.createTempFile("filtering", ".yaml");
    Files.writeString(
        scenario,
        Files.readString(Path.of("testsuites/rfc3947/mm-float-behind-nat.yaml"))
            .replace("filtering: address-and-port-dependent", "filtering: endpoint-independent"));
    Made kernel =
        plan(new SuiteSettings(TARGET, List.of(scenario), CATALOG, Path.of("unused"), "kernel"));
    assertEquals(kernel.exit(), 0, kernel.out());
    Plan k = kernel.plan().plans().get(0);
    assertFalse(k.runs());
    assertTrue(
        k.notApplicable().orElseThrow().contains("filtering: endpoint-independent"), k.toString());
    assertTrue(kernel.out().contains("NOT_APPLICABLE: NAT home: filtering"), kernel.out());
    assertTrue(kernel.out().contains("0 of 1 scenario(s) would run"), kernel.out());
    Made emulated =
        plan(new SuiteSettings(TARGET, List.of(scenario), CATALOG, Path.of("unused"), "emulated"));
    Plan e = emulated.plan().plans().get(0);
    assertTrue(e.runs(), emulated.out());
    assertTrue(emulated.out().contains("sockets on 198.51.100.1"), emulated.out());
    assertTrue(emulated.out().contains("1 of 1 scenario(s) would run"), emulated.out());
  }

  @Test
  public void theIutBehindANatIsAddressedAtTheNatsPublicAddressOnBothBackends() throws IOException {
    for (String nat : List.of("kernel", "emulated")) {
      Made m = planRunning("testsuites/rfc3947/both-behind-nats.yaml", nat);
      Plan p = m.plan().plans().get(0);
      assertTrue(
          p.setup().stream()
              .anyMatch(
                  l ->
                      l.startsWith("NAT gw in front of the IUT, forwarding UDP [500, 4500]")
                          && l.contains("addresses the IUT at 203.0.113.1")),
          m.out());
      assertTrue(
          p.steps().get(0).contains("-> 203.0.113.1 (the IUT's NAT; it reaches 198.51.100.2):500"),
          m.out());
      // datagrams really go to the target's address only
      assertEquals(
          m.plan().destinationAddresses(), Set.of(InetAddress.getByName("198.51.100.2")), nat);
    }
  }

  @Test
  public void remoteTemplateLikeProfile() throws IOException {
    Path dir = io.natt.testutil.TempDirs.create("remote-plan");
    Path profile = dir.resolve("my-gateway.yaml");
    String template =
        Files.readString(Path.of("testsuites/targets/remote-device.template.yaml"))
            .replace("psk-file: my-gateway.psk", "psk: \"lab only\"");
    assertTrue(template.contains("address: 203.0.113.10"), "the template's address changed");
    Files.writeString(profile, template);
    Made m = plan(new SuiteSettings(profile, List.of(SUITE), CATALOG, Path.of("unused")));
    assertEquals(m.exit(), 0, m.out());
    assertEquals(m.plan().backend(), "emulated", "a remote device defaults to the emulated NAT");
    assertTrue(InetAddress.getByName("203.0.113.10").equals(m.plan().target().address()), m.out());
    // PICS: the template claims no draft NAT-T, so the draft-02 scenario does not apply
    Plan draft = byId(m.plan(), "3947-draft-02-only");
    assertTrue(draft.notApplicable().orElseThrow().contains("nat-t-draft-02"), draft.toString());
    // a proposal the profile does not list, in a scenario about that proposal
    Plan aes256 = byId(m.plan(), "3947-aes256-sha1-behind-nat");
    assertTrue(aes256.notApplicable().isPresent(), aes256.toString());
    assertTrue(m.out().contains("NOT_APPLICABLE: "), m.out());
    long runs = m.plan().plans().stream().filter(Plan::runs).count();
    long applicable = m.plan().plans().stream().filter(p -> p.notApplicable().isEmpty()).count();
    assertTrue(applicable > 0 && applicable < m.plan().plans().size(), m.out());
    // whatever the run would refuse, the plan refuses too: as long as the IUT factory refuses
    // remote devices, every applicable scenario is refused with its reason and nothing is sent
    Optional<String> factory = iutFactoryRefusal(profile);
    if (factory.isPresent()) {
      assertEquals(runs, 0, m.out());
      for (Plan p : m.plan().plans()) {
        p.refused().ifPresent(r -> assertEquals(r, factory.get()));
      }
      assertEquals(m.plan().destinations(), Set.of());
      assertTrue(m.out().contains("REFUSED at set-up: " + factory.get()), m.out());
      assertTrue(m.out().contains("Destinations: none"), m.out());
      // the same profile as if its IUT could be started: its plans send to its address only
      Path launched = dir.resolve("launched.yaml");
      Files.writeString(launched, template + "\nlaunch: strongswan\n");
      io.natt.iut.TargetProfile startable =
          io.natt.iut.TargetLoader.load(launched, new SecureRandom());
      Set<InetAddress> to = new java.util.HashSet<>();
      int planned = 0;
      for (Plan p : m.plan().plans()) {
        Plan q = Plan.of(p.scenario(), startable, io.natt.nat.Testbeds.backend("emulated"));
        if (q.runs()) {
          planned++;
          q.destinations().forEach(d -> to.add(d.getAddress()));
        }
      }
      assertEquals(planned, applicable);
      assertEquals(to, Set.of(InetAddress.getByName("203.0.113.10")));
    } else {
      assertEquals(runs, applicable, m.out());
      assertEquals(
          m.plan().destinationAddresses(), Set.of(InetAddress.getByName("203.0.113.10")), m.out());
      assertTrue(
          m.out().contains("Destinations: 203.0.113.10 (UDP ports 500, 4500), only the target's"),
          m.out());
    }
    assertTrue(
        m.out().contains(runs + " of " + m.plan().plans().size() + " scenario(s) would run"));
  }

  /** What the IUT factory says about the profile's launch, as a run would meet it. */
  private static Optional<String> iutFactoryRefusal(Path profile) {
    try {
      io.natt.iut.Iuts.launcher(io.natt.iut.TargetLoader.load(profile, new SecureRandom()));
      return Optional.empty();
    } catch (io.natt.sys.SetupException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Test
  public void theHarnessAsResponderWaitsForTheIutToInitiate() throws IOException {
    for (String nat : List.of("kernel", "emulated")) {
      Made m = planRunning("testsuites/rfc3947/iut-initiates-behind-nat.yaml", nat);
      Plan p = m.plan().plans().get(0);
      String phase1 = p.steps().get(0);
      assertTrue(phase1.contains("the IUT is asked to initiate (swanctl --initiate"), phase1);
      assertTrue(phase1.contains("the harness answers messages 2,4,6"), phase1);
      assertTrue(
          p.steps().get(1).contains("answers the IUT's Quick Mode message 1"),
          p.steps().toString());
      assertEquals(
          m.plan().destinationAddresses(), Set.of(InetAddress.getByName("198.51.100.2")), m.out());
    }
    // a remote device without an initiate hook cannot take part: NOT_APPLICABLE, with the key
    Path dir = io.natt.testutil.TempDirs.create("remote-responder-plan");
    Path profile = dir.resolve("gw.yaml");
    Files.writeString(
        profile,
        Files.readString(Path.of("testsuites/targets/remote-device.template.yaml"))
            .replace("psk-file: my-gateway.psk", "psk: \"lab only\""));
    Made remote =
        plan(
            new SuiteSettings(
                profile,
                List.of(Path.of("testsuites/rfc3947/iut-initiates-direct-no-nat.yaml")),
                CATALOG,
                Path.of("unused")));
    assertEquals(remote.exit(), 0, remote.out());
    Plan r = remote.plan().plans().get(0);
    assertTrue(r.notApplicable().orElseThrow().contains("remote.initiate"), r.toString());
  }

  @Test
  public void everyKindOfStepHasAPlanLine() {
    // the fixture holds every kind of step; the visitor makes a kind without a description a
    // compile error, this keeps the fixture complete
    Scenario s =
        ScenarioLoader.load(
            Path.of("src/test/resources/fixtures/scenarios/good/every-step.yaml"), Set.of());
    Set<Class<?>> kinds = new java.util.HashSet<>();
    s.steps().forEach(st -> kinds.add(st.getClass()));
    assertEquals(kinds, Set.copyOf(Arrays.asList(Scenario.Step.class.getPermittedSubclasses())));
    io.natt.iut.TargetProfile t =
        io.natt.iut.TargetLoader.load(TARGET, new java.security.SecureRandom());
    Plan p = Plan.of(s, t, io.natt.nat.Testbeds.backend("emulated"));
    assertTrue(p.runs(), p.toString());
    assertEquals(p.steps().size(), s.steps().size());
    p.steps().forEach(l -> assertFalse(l.isBlank()));
  }

  @Test
  public void zeroUdpChecksumIsNotApplicableWithoutARawSocket() {
    Scenario s =
        ScenarioLoader.load(
            Path.of("testsuites/rfc3948/udp-checksum-zero-accepted.yaml"), Set.of());
    io.natt.iut.TargetProfile t =
        io.natt.iut.TargetLoader.load(TARGET, new java.security.SecureRandom());
    Plan emulated = Plan.of(s, t, io.natt.nat.Testbeds.backend("emulated"));
    assertFalse(emulated.runs(), emulated.toString());
    assertTrue(emulated.toString().contains("raw IPv4 socket"), emulated.toString());
    Plan kernel = Plan.of(s, t, io.natt.nat.Testbeds.backend("kernel"));
    assertTrue(kernel.runs(), kernel.toString());
    assertTrue(
        kernel.steps().stream().anyMatch(l -> l.contains("with UDP checksum 0")),
        kernel.steps().toString());
  }

  @Test
  public void fileErrorsExitTwo() throws IOException {
    Path bad = Path.of("src/test/resources/fixtures/scenarios/bad/port-501.yaml");
    Made m = plan(new SuiteSettings(TARGET, List.of(bad), CATALOG, Path.of("unused")));
    assertEquals(m.exit(), 2, m.out());
    assertTrue(m.out().contains("port-501.yaml:"), m.out());
    Path noTarget = Path.of("no/such/target.yaml");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        RunPlan.print(
            new SuiteSettings(noTarget, List.of(SUITE), CATALOG, Path.of("unused")),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals(exit, 2, out.toString(StandardCharsets.UTF_8));
  }

  /** The plan of one scenario file of the bundled target on a backend; it must run. */
  private static Made planRunning(String scenario, String nat) throws IOException {
    Made m =
        plan(
            new SuiteSettings(TARGET, List.of(Path.of(scenario)), CATALOG, Path.of("unused"), nat));
    assertEquals(m.exit(), 0, m.out());
    assertTrue(m.plan().plans().get(0).runs(), m.out());
    return m;
  }

  private static Plan byId(RunPlan plan, String id) {
    return plan.plans().stream()
        .filter(p -> p.scenario().id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no plan for " + id));
  }

  /** The printed plan of one scenario: from its header to the next blank line. */
  private static String section(String out, String header) {
    int at = out.indexOf(header);
    assertTrue(at >= 0, header + " not in\n" + out);
    int end = out.indexOf("\n\n", at);
    return out.substring(at, end < 0 ? out.length() : end);
  }
}
