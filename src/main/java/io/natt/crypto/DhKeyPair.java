package io.natt.crypto;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A Diffie-Hellman key pair. The public value is left-padded to the group length; the private key
 * never appears in {@link #toString()}. Arrays are copied in and out.
 */
public record DhKeyPair(DhGroup group, BigInteger privateKey, byte[] publicValue) {

  public DhKeyPair {
    if (group == null || privateKey == null || publicValue == null) {
      throw new CryptoException("DH key pair components must not be null");
    }
    if (publicValue.length != group.publicValueLength()) {
      throw new CryptoException(
          "DH public value length "
              + publicValue.length
              + " is not the "
              + group.publicValueLength()
              + " bytes of group "
              + group.id());
    }
    publicValue = publicValue.clone();
  }

  @Override
  public byte[] publicValue() {
    return publicValue.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DhKeyPair other
        && group == other.group
        && privateKey.equals(other.privateKey)
        && Arrays.equals(publicValue, other.publicValue);
  }

  @Override
  public int hashCode() {
    return 31 * group.hashCode() + Arrays.hashCode(publicValue);
  }

  @Override
  public String toString() {
    return "DhKeyPair[group=" + group + ", publicValue=" + publicValue.length + " bytes]";
  }
}
