package io.natt.ike;

import io.natt.crypto.DhGroup;
import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.crypto.HashAlg;
import io.natt.crypto.Ike1Cipher;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the harness's IKEv1 responder (an emulated IUT) needs to know.
 *
 * @param localAddress the address the responder believes it has; it goes into its NAT-D hash
 * @param localId the responder's FQDN identity (IDir)
 * @param remoteId the initiator identity it expects (a mismatch is only noted: one PSK for all)
 * @param ciphers, hashes, groups the phase-1 algorithms it accepts (PSK authentication only)
 * @param espCiphers, espIntegrities the ESP algorithms it accepts in Quick Mode
 * @param protectedNet the network behind the responder, with {@code protectedPrefix}
 * @param knobs its deviations: vendor IDs, NAT-D, float, encapsulation mode, keepalives
 * @param answerTimeout how long it waits for the next message of an exchange before retransmitting
 *     its last answer
 */
public record ResponderConfig(
    Inet4Address localAddress,
    String localId,
    String remoteId,
    byte[] psk,
    Set<Ike1Cipher> ciphers,
    Set<HashAlg> hashes,
    Set<DhGroup> groups,
    Set<EspCipher> espCiphers,
    Set<EspIntegrity> espIntegrities,
    Inet4Address protectedNet,
    int protectedPrefix,
    Knobs knobs,
    Duration answerTimeout) {

  public ResponderConfig {
    psk = psk.clone();
    ciphers = Set.copyOf(ciphers);
    hashes = Set.copyOf(hashes);
    groups = Set.copyOf(groups);
    espCiphers = Set.copyOf(espCiphers);
    espIntegrities = Set.copyOf(espIntegrities);
  }

  /** A responder accepting every algorithm the harness implements. */
  public static ResponderConfig acceptingAll(
      Inet4Address localAddress,
      String localId,
      String remoteId,
      byte[] psk,
      Inet4Address protectedNet,
      int protectedPrefix,
      Knobs knobs,
      Duration answerTimeout) {
    return new ResponderConfig(
        localAddress,
        localId,
        remoteId,
        psk,
        EnumSet.allOf(Ike1Cipher.class),
        EnumSet.allOf(HashAlg.class),
        EnumSet.allOf(DhGroup.class),
        EnumSet.allOf(EspCipher.class),
        EnumSet.allOf(EspIntegrity.class),
        protectedNet,
        protectedPrefix,
        knobs,
        answerTimeout);
  }

  @Override
  public byte[] psk() {
    return psk.clone();
  }

  public ResponderConfig withKnobs(Knobs k) {
    return new ResponderConfig(
        localAddress,
        localId,
        remoteId,
        psk,
        ciphers,
        hashes,
        groups,
        espCiphers,
        espIntegrities,
        protectedNet,
        protectedPrefix,
        k,
        answerTimeout);
  }

  public ResponderConfig withCiphers(Set<Ike1Cipher> c) {
    return new ResponderConfig(
        localAddress,
        localId,
        remoteId,
        psk,
        c,
        hashes,
        groups,
        espCiphers,
        espIntegrities,
        protectedNet,
        protectedPrefix,
        knobs,
        answerTimeout);
  }

  @Override
  public String toString() {
    return "ResponderConfig["
        + localId
        + " @ "
        + localAddress.getHostAddress()
        + ", protects "
        + protectedNet.getHostAddress()
        + "/"
        + protectedPrefix
        + ", "
        + ciphers
        + "/"
        + hashes
        + "/"
        + groups
        + ", esp "
        + espCiphers
        + "/"
        + espIntegrities
        + ", "
        + knobs
        + "]";
  }
}
