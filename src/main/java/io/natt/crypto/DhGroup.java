package io.natt.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.DHBasicAgreement;
import org.bouncycastle.crypto.agreement.DHStandardGroups;
import org.bouncycastle.crypto.generators.DHBasicKeyPairGenerator;
import org.bouncycastle.crypto.params.DHKeyGenerationParameters;
import org.bouncycastle.crypto.params.DHParameters;
import org.bouncycastle.crypto.params.DHPrivateKeyParameters;
import org.bouncycastle.crypto.params.DHPublicKeyParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * MODP Diffie-Hellman groups usable in IKEv1: group 2 (RFC 2409 §6.2) and groups 5 and 14 (RFC
 * 3526). Generator 2. Private exponents are 256 random bits, at least twice the security strength
 * of each group (80, ~96 and 112 bits).
 */
public enum DhGroup {
  MODP_1024(2, DHStandardGroups.rfc2409_1024.getP()),
  MODP_1536(5, DHStandardGroups.rfc3526_1536.getP()),
  MODP_2048(14, DHStandardGroups.rfc3526_2048.getP());

  /** Bits of the private exponent. */
  static final int PRIVATE_EXPONENT_BITS = 256;

  private final int id;
  private final BigInteger p;
  private final BigInteger pMinusOne;
  private final int length;
  private final DHParameters params;

  DhGroup(int id, BigInteger p) {
    this.id = id;
    this.p = p;
    this.pMinusOne = p.subtract(BigInteger.ONE);
    this.length = (p.bitLength() + 7) / 8;
    // No subgroup order: peer values are range-checked (RFC 2409 does not require more).
    this.params = new DHParameters(p, BigInteger.TWO, null, PRIVATE_EXPONENT_BITS);
  }

  /** IKEv1 Group Description attribute value / IANA group number. */
  public int id() {
    return id;
  }

  /** Length in bytes of the prime, of public values (KE payload data) and of shared secrets. */
  public int length() {
    return length;
  }

  /** The prime modulus p. */
  public BigInteger prime() {
    return p;
  }

  /** The generator g (always 2). */
  public BigInteger generator() {
    return BigInteger.TWO;
  }

  /** Generates a fresh key pair; the public value is left-padded to {@link #length()}. */
  public DhKeyPair generate(SecureRandom random) {
    if (random == null) {
      throw new CryptoException("SecureRandom must not be null");
    }
    DHBasicKeyPairGenerator gen = new DHBasicKeyPairGenerator();
    gen.init(new DHKeyGenerationParameters(random, params));
    AsymmetricCipherKeyPair kp = gen.generateKeyPair();
    BigInteger x = ((DHPrivateKeyParameters) kp.getPrivate()).getX();
    BigInteger y = ((DHPublicKeyParameters) kp.getPublic()).getY();
    return new DhKeyPair(this, x, BigIntegers.asUnsignedByteArray(length, y));
  }

  /**
   * g^xy computed from our key pair and the peer's public value, left-padded to {@link #length()}.
   *
   * @throws CryptoException if the peer value has the wrong length or is not in [2, p-2], or if the
   *     key pair belongs to another group
   */
  public byte[] sharedSecret(DhKeyPair own, byte[] peerPublic) {
    if (own == null) {
      throw new CryptoException("own DH key pair must not be null");
    }
    if (own.group() != this) {
      throw new CryptoException("DH key pair is for " + own.group() + ", not " + this);
    }
    BigInteger y = checkPublicValue(peerPublic);
    DHBasicAgreement agreement = new DHBasicAgreement();
    agreement.init(new DHPrivateKeyParameters(own.privateKey(), params));
    BigInteger z;
    try {
      z = agreement.calculateAgreement(new DHPublicKeyParameters(y, params));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CryptoException("DH agreement failed: " + e.getMessage(), e);
    }
    return BigIntegers.asUnsignedByteArray(length, z);
  }

  /** Validates a peer public value (length and 1 < y < p-1) and returns it as a number. */
  public BigInteger checkPublicValue(byte[] peerPublic) {
    if (peerPublic == null) {
      throw new CryptoException("DH public value must not be null");
    }
    if (peerPublic.length != length) {
      throw new CryptoException(
          "DH public value length "
              + peerPublic.length
              + " is not the "
              + length
              + " bytes of group "
              + id);
    }
    BigInteger y = new BigInteger(1, peerPublic);
    if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(pMinusOne) >= 0) {
      throw new CryptoException("DH public value out of range (must be 1 < y < p-1)");
    }
    return y;
  }

  /** The group with the given IKEv1 Group Description / IANA number. */
  public static DhGroup byId(int id) {
    for (DhGroup g : values()) {
      if (g.id == id) {
        return g;
      }
    }
    throw new CryptoException("unsupported DH group " + id);
  }
}
