package io.natt.iut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.natt.nat.KernelTestbed;
import io.natt.nat.Testbed;
import io.natt.scenario.Integration;
import io.natt.sys.ProcessGroup;
import io.natt.sys.SetupException;
import io.natt.wire.Hex;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The launch-command contract, with small shell commands and a small Java program
 * (src/test/resources/launch/Listen.java, run by the JDK that runs the tests: nothing to install)
 * as the "daemon" in the IUT's namespace of a kernel testbed: the variables, the PSK file (mode
 * 600, exact bytes, gone afterwards), NATT_WORKDIR (gone afterwards), the private /run, prepare
 * outside the namespace and once, readiness on UDP 500 and the errors when it never comes, and that
 * after close no process of the command's group is left, also one that ignores SIGTERM.
 */
public class CommandIutContractTest {
  /** A "daemon" that opens UDP 500 on NATT_IUT_ADDRESS and sleeps. */
  static final String LISTEN =
      "exec '"
          + ProcessHandle.current().info().command().orElse("java")
          + "' '"
          + Path.of("src/test/resources/launch/Listen.java").toAbsolutePath()
          + "'";

  private Testbed testbed;
  private Path profileDir;
  private TargetProfile base;

  @BeforeClass
  public void testbed() throws Exception {
    Integration.require();
    testbed =
        KernelTestbed.BACKEND.build(
            new Testbed.Request(
                new Testbed.Layout(List.of(), List.of()), ip("198.51.100.2"), ip("10.9.0.1")));
    profileDir = io.natt.testutil.TempDirs.create("natt-profile-");
    byte[] psk = "s3cret with a space\tand a tab".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    TargetProfile.Builder b =
        TargetProfile.of(
            "contract",
            LaunchCommand.LAUNCH,
            ip("198.51.100.2"),
            "harness.example.org",
            "iut.example.org",
            psk,
            "10.9.0.0/24",
            ip("10.9.0.1"),
            Set.of("ikev1"))
            .toBuilder();
    b.phase1Proposals = List.of("aes128-sha256-modp2048");
    base = b.build();
  }

  @AfterClass(alwaysRun = true)
  public void removeTestbed() throws IOException {
    if (testbed != null) {
      testbed.close();
    }
    if (profileDir != null) {
      try (Stream<Path> s = Files.walk(profileDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private TargetProfile with(
      String command, Optional<String> prepare, Optional<String> stop, Optional<String> status) {
    return with(
        new LaunchCommand(
            command, prepare, stop, status, Optional.empty(), Duration.ofSeconds(20), profileDir));
  }

  private TargetProfile with(LaunchCommand c) {
    return base.withCommand(c);
  }

  @Test
  public void theCommandGetsItsVariablesFilesAndPrivateRun() throws Exception {
    String command =
        String.join(
            "; ",
            "env | grep '^NATT_' | sort >> \"$NATT_LOG\"",
            "echo \"psk-mode=$(stat -c %a \"$NATT_PSK_FILE\")\" >> \"$NATT_LOG\"",
            "echo \"psk-hex=$(od -An -tx1 -v \"$NATT_PSK_FILE\" | tr -d ' \\n')\" >> \"$NATT_LOG\"",
            "echo \"workdir=$(stat -c %a \"$NATT_WORKDIR\") entries=$(ls -A \"$NATT_WORKDIR\" | wc"
                + " -l)\" >> \"$NATT_LOG\"",
            "echo \"cwd=$(pwd)\" >> \"$NATT_LOG\"",
            "echo \"netns=$(readlink /proc/self/ns/net)\" >> \"$NATT_LOG\"",
            "echo \"uid=$(id -u)\" >> \"$NATT_LOG\"",
            "echo \"addr=$(ip -4 -o addr show dev \"$NATT_IUT_DEV\" | awk '{print $4}')\" >>"
                + " \"$NATT_LOG\"",
            "echo \"pgid=$(ps -o pgid= -p $$ | tr -d ' ') pid=$$\" >> \"$NATT_LOG\"",
            "echo \"lo=$(ip -4 -o addr show dev lo | awk '{print $4}' | tr '\\n' ' ')\" >>"
                + " \"$NATT_LOG\"",
            "echo marker-$$ > /run/natt-contract-marker",
            "echo config > \"$NATT_WORKDIR/daemon.conf\"",
            LISTEN);
    TargetProfile t =
        with(
            command,
            Optional.of("readlink /proc/self/ns/net >> prepared.txt"),
            Optional.empty(),
            Optional.of("echo \"status sees $(cat /run/natt-contract-marker) in $NATT_WORKDIR\""));
    CommandIut iut = CommandIut.start(testbed, t);
    Map<String, String> env = iut.environment();
    Path psk = Path.of(env.get("NATT_PSK_FILE"));
    Path work = Path.of(env.get("NATT_WORKDIR"));
    Path log = Path.of(env.get("NATT_LOG"));
    String text;
    try {
      text = awaitLog(iut, "pgid=");
      // every variable, as the command saw it
      assertTrue(text.contains("NATT_IUT_ADDRESS=198.51.100.2/24\n"), text);
      assertTrue(text.contains("NATT_IUT_DEV=" + testbed.iut().iface() + "\n"), text);
      assertTrue(text.contains("NATT_IUT_ID=iut.example.org\n"), text);
      assertTrue(text.contains("NATT_HARNESS_ID=harness.example.org\n"), text);
      assertTrue(text.contains("NATT_PROTECTED=10.9.0.0/24\n"), text);
      assertTrue(text.contains("NATT_PROTECTED_HOST=10.9.0.1\n"), text);
      assertTrue(
          text.contains(
              "NATT_HARNESS_ADDRESS=" + testbed.harnessPublicAddress().getHostAddress() + "\n"),
          text);
      assertTrue(text.contains("NATT_HARNESS_INNER_NET=" + testbed.harnessInnerNet() + "\n"), text);
      assertTrue(text.contains("NATT_PHASE1_PROPOSALS=aes128-sha256-modp2048\n"), text);
      assertTrue(text.contains("NATT_ESP_PROPOSALS=\n"), text);
      assertTrue(text.contains("NATT_PSK_FILE=" + psk + "\n"), text);
      assertTrue(text.contains("NATT_WORKDIR=" + work + "\n"), text);
      assertTrue(text.contains("NATT_LOG=" + log + "\n"), text);
      // the key, exactly, in a file only root reads; an empty folder of its own
      assertTrue(text.contains("psk-mode=600\n"), text);
      assertTrue(text.contains("psk-hex=" + Hex.hex(base.psk()) + "\n"), text);
      assertEquals(
          Files.getPosixFilePermissions(psk), PosixFilePermissions.fromString("rw-------"));
      assertTrue(text.contains("workdir=700 entries=0\n"), text);
      // in the profile's folder, as root, in the IUT's namespace, with its address on the device
      assertTrue(text.contains("cwd=" + profileDir + "\n"), text);
      assertTrue(text.contains("uid=0\n"), text);
      String own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
      assertFalse(text.contains("netns=" + own + "\n"), "not the harness's namespace: " + text);
      assertTrue(text.contains("addr=198.51.100.2/24\n"), text);
      assertTrue(text.contains("lo=127.0.0.1/8 10.9.0.1/32 \n"), "the protected host: " + text);
      // a process group of its own, led by the command
      Matcher m = Pattern.compile("pgid=(\\d+) pid=(\\d+)").matcher(text);
      assertTrue(m.find(), text);
      assertEquals(m.group(1), m.group(2));
      assertEquals(Integer.parseInt(m.group(1)), iut.processGroup());
      // /run is its own: the marker is not on the machine's /run, but status (in the daemon's
      // namespaces, with its variables) sees it
      assertFalse(Files.exists(Path.of("/run/natt-contract-marker")), "/run is private");
      assertEquals(iut.status(), "status sees marker-" + m.group(2) + " in " + work + "\n");
      // prepare ran on the harness's machine, outside the namespace
      assertEquals(Files.readString(profileDir.resolve("prepared.txt")), own + "\n");
      assertTrue(CommandIut.listens(iut.processGroup(), base.address()));
      assertTrue(CommandIut.inNamespace(iut.processGroup(), testbed.iut().namespace()));
      assertFalse(CommandIut.inNamespace(ProcessHandle.current().pid(), testbed.iut().namespace()));
      assertTrue(Files.exists(work.resolve("daemon.conf")));
    } finally {
      iut.close();
    }
    assertFalse(Files.exists(psk), "NATT_PSK_FILE removed");
    assertFalse(Files.exists(work), "NATT_WORKDIR removed");
    assertFalse(Files.exists(log), "NATT_LOG's file removed");
    assertEquals(ProcessGroup.members(iut.processGroup()), List.of(), "no process left");
    assertTrue(iut.log().startsWith(text), "the log is kept for the report after close");
    // a second start does not prepare again
    CommandIut again = CommandIut.start(testbed, t);
    again.close();
    assertEquals(Files.readAllLines(profileDir.resolve("prepared.txt")).size(), 1);
  }

  @Test
  public void aCommandThatNeverListensGivesAClearErrorAndLeavesNothing() {
    LaunchCommand c =
        new LaunchCommand(
            "echo \"daemon $$ here, config in $NATT_WORKDIR\"; exec sleep 600",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Duration.ofSeconds(2),
            profileDir);
    long t0 = System.nanoTime();
    SetupException e = expectThrows(SetupException.class, () -> CommandIut.start(testbed, with(c)));
    double secs = (System.nanoTime() - t0) / 1e9;
    assertTrue(
        e.getMessage()
            .startsWith(
                "the IUT did not listen on UDP 198.51.100.2:500 within 2 s (launch: ready-timeout):"
                    + " echo"),
        e.getMessage());
    assertTrue(e.getMessage().contains("\n--- end of NATT_LOG ---\ndaemon "), e.getMessage());
    assertTrue(secs >= 2 && secs < 10, "gave up after the timeout: " + secs + " s");
    Matcher m = Pattern.compile("daemon (\\d+) here, config in (\\S+)").matcher(e.getMessage());
    assertTrue(m.find(), e.getMessage());
    assertEquals(ProcessGroup.members(Integer.parseInt(m.group(1))), List.of());
    assertFalse(Files.exists(Path.of(m.group(2))), "NATT_WORKDIR removed");
  }

  @Test
  public void aCommandThatExitsEarlyGivesAClearError() {
    SetupException e =
        expectThrows(
            SetupException.class,
            () ->
                CommandIut.start(
                    testbed,
                    with(
                        "echo 'no such daemon' >&2; exit 3",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())));
    assertEquals(
        e.getMessage(),
        "the IUT's command exited (code 3) before UDP 500 listened on 198.51.100.2: echo 'no such"
            + " daemon' >&2; exit 3\n--- end of NATT_LOG ---\nno such daemon\n");
  }

  @Test
  public void aFailingPrepareStopsTheStart() {
    SetupException e =
        expectThrows(
            SetupException.class,
            () ->
                CommandIut.start(
                    testbed,
                    with(
                        LISTEN,
                        Optional.of("echo 'cannot fetch the daemon'; exit 7"),
                        Optional.empty(),
                        Optional.empty())));
    assertEquals(
        e.getMessage(),
        "the target's prepare command exited with code 7: echo 'cannot fetch the daemon'; exit 7\n"
            + "--- its output ---\ncannot fetch the daemon\n");
  }

  @Test
  public void aChildThatIgnoresSigtermIsStillEnded() throws Exception {
    String command =
        // the subshell waits for one long sleep after another (never a moment with fewer members,
        // unlike a loop of short ones); both ignore SIGTERM (an ignored signal stays ignored in
        // what the subshell starts)
        "(trap '' TERM; sleep 600; sleep 600) & echo child $! >> \"$NATT_LOG\"; " + LISTEN;
    CommandIut iut =
        CommandIut.start(
            testbed, with(command, Optional.empty(), Optional.empty(), Optional.empty()));
    int pgid = iut.processGroup();
    double secs;
    try {
      awaitLog(iut, "child ");
      List<Long> members = ProcessGroup.members(pgid);
      assertTrue(members.size() >= 3, "java, subshell, sleep: " + members);
    } finally {
      // also after a failed assertion: a daemon left in the class's namespace would make the
      // next test's IUT look ready at once
      long t0 = System.nanoTime();
      iut.close();
      secs = (System.nanoTime() - t0) / 1e9;
    }
    assertEquals(ProcessGroup.members(pgid), List.of(), "nothing of the group is left");
    assertTrue(
        secs >= CommandIut.GRACE.toSeconds() - 0.5,
        "the child outlived SIGTERM until SIGKILL: " + secs + " s");
    System.out.printf("close with a SIGTERM-ignoring child: %.1f s%n", secs);
  }

  @Test
  public void theStopCommandStopsIt() throws Exception {
    String command = "echo $$ > \"$NATT_WORKDIR/pid\"; " + LISTEN;
    String stop =
        "echo \"stop for $(cat \"$NATT_WORKDIR/pid\")\" >> \"$NATT_LOG\";"
            + " kill -TERM \"$(cat \"$NATT_WORKDIR/pid\")\"";
    CommandIut iut =
        CommandIut.start(
            testbed, with(command, Optional.empty(), Optional.of(stop), Optional.empty()));
    int pgid = iut.processGroup();
    long t0 = System.nanoTime();
    iut.close();
    double secs = (System.nanoTime() - t0) / 1e9;
    assertTrue(iut.log().contains("stop for " + pgid + "\n"), iut.log());
    assertEquals(ProcessGroup.members(pgid), List.of());
    assertTrue(secs < CommandIut.GRACE.toSeconds(), "stopped by the stop command: " + secs);
  }

  static String awaitLog(CommandIut iut, String what) throws InterruptedException {
    for (int i = 0; i < 100 && !iut.log().contains(what); i++) {
      Thread.sleep(50);
    }
    return iut.log();
  }

  private static String members(int pgid) {
    return ProcessGroup.members(pgid).toString();
  }

  static Inet4Address ip(String s) throws Exception {
    return (Inet4Address) InetAddress.getByName(s);
  }
}
