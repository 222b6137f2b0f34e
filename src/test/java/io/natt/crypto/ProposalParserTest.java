package io.natt.crypto;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** strongSwan-style proposal names, and messages that list what is accepted. */
public class ProposalParserTest {

  @DataProvider
  public Object[][] phase1Names() {
    return new Object[][] {
      {"aes192-sha384-modp3072", Ike1Cipher.AES_CBC_192, HashAlg.SHA2_384, DhGroup.MODP_3072},
      {"3des-md5-modp1024", Ike1Cipher.DES3_CBC, HashAlg.MD5, DhGroup.MODP_1024},
      {"aes256-sha512-ecp384", Ike1Cipher.AES_CBC_256, HashAlg.SHA2_512, DhGroup.ECP_384},
      {"aes128-sha256-ecp256", Ike1Cipher.AES_CBC_128, HashAlg.SHA2_256, DhGroup.ECP_256},
      {"aes128-sha1-modp4096", Ike1Cipher.AES_CBC_128, HashAlg.SHA1, DhGroup.MODP_4096},
      {"aes256-sha256-modp1536", Ike1Cipher.AES_CBC_256, HashAlg.SHA2_256, DhGroup.MODP_1536},
    };
  }

  @Test(dataProvider = "phase1Names")
  public void phase1(String name, Ike1Cipher c, HashAlg h, DhGroup g) {
    assertEquals(ProposalParser.phase1(name), new ProposalParser.Phase1(c, h, g));
  }

  @DataProvider
  public Object[][] espNames() {
    return new Object[][] {
      {"aes128gcm16", EspCipher.AES_GCM16_128, EspIntegrity.NONE},
      {"aes192gcm16", EspCipher.AES_GCM16_192, EspIntegrity.NONE},
      {"aes256gcm16", EspCipher.AES_GCM16_256, EspIntegrity.NONE},
      {"3des-sha1", EspCipher.DES3_CBC, EspIntegrity.HMAC_SHA1_96},
      {"aes128-sha512", EspCipher.AES_CBC_128, EspIntegrity.HMAC_SHA2_512_256},
      {"aes192-sha384", EspCipher.AES_CBC_192, EspIntegrity.HMAC_SHA2_384_192},
      {"aes256-sha256", EspCipher.AES_CBC_256, EspIntegrity.HMAC_SHA2_256_128},
    };
  }

  @Test(dataProvider = "espNames")
  public void esp(String name, EspCipher c, EspIntegrity i) {
    assertEquals(ProposalParser.phase2(name), new ProposalParser.Phase2(c, i));
  }

  @DataProvider
  public Object[][] badNames() {
    return new Object[][] {
      {
        true,
        "aes512-sha256-modp2048",
        "unknown cipher 'aes512' in 'aes512-sha256-modp2048'; expected one of"
            + " [3des, aes128, aes192, aes256]"
      },
      {
        true,
        "aes128-sha224-modp2048",
        "unknown hash 'sha224' in 'aes128-sha224-modp2048'; expected one of"
            + " [md5, sha1, sha256, sha384, sha512]"
      },
      {
        true,
        "aes128-sha256-ecp521",
        "unknown group 'ecp521' in 'aes128-sha256-ecp521'; expected one of"
            + " [modp1024, modp1536, modp2048, modp3072, modp4096, ecp256, ecp384]"
      },
      {
        true,
        "aes128-sha256",
        "expected cipher-hash-group such as aes128-sha256-modp2048, found 'aes128-sha256'"
      },
      {
        false,
        "aes128",
        "ESP cipher 'aes128' needs an integrity algorithm, for example 'aes128-sha256'; integrity"
            + " one of [sha1, sha256, sha384, sha512]"
      },
      {
        false,
        "aes128gcm16-sha256",
        "'aes128gcm16' is a combined mode (AES-GCM) with its own integrity: write 'aes128gcm16'"
            + " alone, without '-sha256'"
      },
      {
        false,
        "aes128gcm8",
        "unknown ESP cipher 'aes128gcm8' in 'aes128gcm8'; expected one of"
            + " [3des, aes128, aes192, aes256] followed by -integrity, or one of"
            + " [aes128gcm16, aes192gcm16, aes256gcm16] alone"
      },
      {
        false,
        "aes128-md5",
        "unknown integrity 'md5' in 'aes128-md5'; expected one of [sha1, sha256, sha384, sha512]"
      },
      {
        false,
        "aes128gcm16-modp2048-x",
        "expected cipher-integrity such as aes128-sha256, or a combined-mode cipher such as"
            + " aes128gcm16, found 'aes128gcm16-modp2048-x' (PFS groups in ESP proposals are not"
            + " supported)"
      },
    };
  }

  @Test(dataProvider = "badNames")
  public void badNamesSayWhatIsAccepted(boolean phase1, String name, String message) {
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () -> {
              if (phase1) {
                ProposalParser.phase1(name);
              } else {
                ProposalParser.phase2(name);
              }
            });
    assertEquals(e.getMessage(), message);
  }
}
