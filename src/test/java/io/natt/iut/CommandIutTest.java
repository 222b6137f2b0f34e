package io.natt.iut;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/** The parts of CommandIut that need no namespace. */
public class CommandIutTest {
  @Test
  public void addressesAsProcNetUdpPrintsThem() throws Exception {
    // 127.0.0.1 is 0100007F in /proc/net/udp on a little-endian machine
    String hex = CommandIut.procHex((Inet4Address) InetAddress.getByName("127.0.0.1"));
    assertEquals(
        hex,
        java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN
            ? "0100007F"
            : "7F000001");
  }

  @Test
  public void tailKeepsTheLastLines() {
    assertEquals(CommandIut.tail("a\nb\nc\n", 2), "b\nc\n");
    assertEquals(CommandIut.tail("", 2), "");
  }

  @Test
  public void foldersOfGoneHarnessesAreRemovedOurOwnAreNot() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long dead = p.pid();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path theirs = Files.createTempDirectory(tmp, CommandIut.DIR_PREFIX + dead + "-");
    Files.writeString(theirs.resolve("psk"), "old key");
    Path ours =
        Files.createTempDirectory(tmp, CommandIut.DIR_PREFIX + ProcessHandle.current().pid() + "-");
    try {
      CommandIut.removeLeftovers();
      assertFalse(Files.exists(theirs), "a dead run's folder and key are removed");
      assertTrue(Files.exists(ours), "this run's folder stays");
    } finally {
      Files.deleteIfExists(ours);
    }
  }
}
