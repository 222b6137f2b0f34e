package io.natt.testutil;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/** tshark as an independent reader of our captures and key tables. */
public final class Tshark {
  private Tshark() {}

  /**
   * Every capture reads without a malformed packet and, with the key tables in {@code keys}
   * installed as a Wireshark profile, shows decrypted Quick Mode and ICMP echo replies.
   */
  public static void assertDecrypts(Path keys, List<Path> captures, Path scratch)
      throws IOException {
    Path profile = scratch.resolve("wireshark/profiles/natt");
    Files.createDirectories(profile);
    for (String table : List.of("esp_sa", "ikev1_decryption_table")) {
      Files.copy(keys.resolve(table), profile.resolve(table), StandardCopyOption.REPLACE_EXISTING);
    }
    for (Path cap : captures) {
      Exec.Result malformed =
          Exec.run(List.of("tshark", "-n", "-r", cap.toString(), "-Y", "_ws.malformed"), null);
      assertTrue(malformed.ok(), malformed.output());
      assertFalse(
          malformed.output().lines().anyMatch(l -> l.matches("\\s*\\d+ .*")),
          "malformed packets in " + cap + ":\n" + malformed.output());
      Exec.Result decoded =
          Exec.run(
              List.of(
                  "tshark",
                  "-n",
                  "-C",
                  "natt",
                  "-r",
                  cap.toString(),
                  "-o",
                  "esp.enable_encryption_decode:TRUE",
                  "-Y",
                  "icmp.type == 0 || (isakmp.exchangetype == 32 && isakmp.hash)"),
              null,
              Map.of("XDG_CONFIG_HOME", scratch.toAbsolutePath().toString()));
      assertTrue(decoded.ok(), decoded.output());
      assertTrue(
          decoded.output().contains("Echo (ping) reply"),
          "tshark did not decrypt ESP in " + cap + ":\n" + decoded.output());
      assertTrue(
          decoded.output().contains("Quick Mode"),
          "tshark did not decrypt Quick Mode in " + cap + ":\n" + decoded.output());
    }
  }
}
