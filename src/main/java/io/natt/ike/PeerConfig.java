package io.natt.ike;

import io.natt.crypto.DhGroup;
import io.natt.crypto.EspCipher;
import io.natt.crypto.EspIntegrity;
import io.natt.crypto.HashAlg;
import io.natt.crypto.Ike1Cipher;
import java.net.Inet4Address;
import java.time.Duration;

/**
 * What the harness's IKEv1 peer needs to know.
 *
 * @param localAddress the address the peer believes it has (behind a NAT: the private one); it goes
 *     into NAT-D and the Quick Mode ID
 * @param remoteAddress the IUT
 * @param remoteNet the IUT's protected network address, with {@code remotePrefix}
 * @param answerTimeout how long to wait for an answer before retransmitting
 * @param retransmits how many times a message is sent again when no answer comes
 * @param lastWait how long to wait for the answer after the last send before giving up
 */
public record PeerConfig(
    Inet4Address localAddress,
    Inet4Address remoteAddress,
    String localId,
    String remoteId,
    byte[] psk,
    Ike1Cipher cipher,
    HashAlg hash,
    DhGroup group,
    EspCipher espCipher,
    EspIntegrity espIntegrity,
    Inet4Address remoteNet,
    int remotePrefix,
    Knobs knobs,
    Duration answerTimeout,
    int retransmits,
    Duration lastWait) {

  /**
   * The lab's retransmissions: {@value #LAB_RETRANSMITS} times, each after {@code answerTimeout}.
   */
  public static final int LAB_RETRANSMITS = 3;

  /** With the lab's retransmissions, the last wait as long as the others. */
  public PeerConfig(
      Inet4Address localAddress,
      Inet4Address remoteAddress,
      String localId,
      String remoteId,
      byte[] psk,
      Ike1Cipher cipher,
      HashAlg hash,
      DhGroup group,
      EspCipher espCipher,
      EspIntegrity espIntegrity,
      Inet4Address remoteNet,
      int remotePrefix,
      Knobs knobs,
      Duration answerTimeout) {
    this(
        localAddress,
        remoteAddress,
        localId,
        remoteId,
        psk,
        cipher,
        hash,
        group,
        espCipher,
        espIntegrity,
        remoteNet,
        remotePrefix,
        knobs,
        answerTimeout,
        LAB_RETRANSMITS,
        answerTimeout);
  }

  @Override
  public String toString() {
    return "PeerConfig["
        + localId
        + " -> "
        + remoteId
        + ", "
        + cipher
        + "/"
        + hash
        + "/"
        + group
        + ", esp "
        + espCipher
        + "/"
        + espIntegrity
        + ", "
        + knobs
        + "]";
  }
}
