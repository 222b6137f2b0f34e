package io.natt.iut;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.natt.scenario.Integration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/** Asks a real charon, loaded as the bundled IUT is, which algorithms it has. */
public class CharonAlgorithmsIntegrationTest {
  @Test
  public void theBundledCharonHasTheModpGroups() {
    Integration.require();
    CharonAlgorithms a = CharonAlgorithms.probe();
    assertTrue(a.has("dh", "MODP_2048"), a.sections().toString());
    assertTrue(a.has("dh", "MODP_1536"), a.sections().toString());
    assertTrue(a.has("encryption", "AES_CBC"), a.sections().toString());
    assertTrue(a.has("prf", "PRF_HMAC_SHA2_256"), a.sections().toString());
    assertTrue(a.tunCreated(), a.log());
    assertNoDoctorNamespaceLeft();
  }

  /** The fault a fresh Debian machine had: without the openssl plugin charon has no MODP group. */
  @Test
  public void withoutTheOpensslPluginCharonHasNoModpGroup() {
    Integration.require();
    CharonAlgorithms a = CharonAlgorithms.probe(conf -> conf.replace(" openssl ", " "));
    assertFalse(a.has("dh", "MODP_2048"), a.sections().toString());
    assertTrue(a.has("encryption", "AES_CBC"), "the aes plugin still gives AES_CBC");
    assertNoDoctorNamespaceLeft();
  }

  private static void assertNoDoctorNamespaceLeft() {
    String mine = "natt-" + ProcessHandle.current().pid() + "-doctor";
    try (var s = Files.list(Path.of("/run/netns"))) {
      assertFalse(
          s.anyMatch(p -> p.getFileName().toString().startsWith(mine)), "a doctor namespace left");
    } catch (java.io.IOException e) {
      // no /run/netns at all: nothing left
    }
  }
}
