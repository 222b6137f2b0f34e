package io.natt.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.DHBasicAgreement;
import org.bouncycastle.crypto.agreement.DHStandardGroups;
import org.bouncycastle.crypto.generators.DHBasicKeyPairGenerator;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.DHKeyGenerationParameters;
import org.bouncycastle.crypto.params.DHParameters;
import org.bouncycastle.crypto.params.DHPrivateKeyParameters;
import org.bouncycastle.crypto.params.DHPublicKeyParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * Diffie-Hellman groups usable in IKEv1.
 *
 * <p>MODP groups: group 2 (RFC 2409 §6.2) and groups 5, 14, 15 and 16 (RFC 3526), generator 2.
 * Private exponents have at least twice the bits of the group's (conservative) security strength:
 * 256 bits up to group 14, 320 for group 15, 384 for group 16. Public values and shared secrets are
 * left-padded to the length of the prime.
 *
 * <p>ECP groups 19 and 20 (RFC 5903, NIST P-256 and P-384): the KE payload carries x | y, each
 * coordinate left-padded to the field length (no SEC 1 0x04 prefix), and the shared secret is the x
 * coordinate of the common point alone (RFC 5903 §7). Peer points are checked to lie on the curve.
 */
public enum DhGroup {
  MODP_1024(2, DHStandardGroups.rfc2409_1024.getP(), 256),
  MODP_1536(5, DHStandardGroups.rfc3526_1536.getP(), 256),
  MODP_2048(14, DHStandardGroups.rfc3526_2048.getP(), 256),
  MODP_3072(15, DHStandardGroups.rfc3526_3072.getP(), 320),
  MODP_4096(16, DHStandardGroups.rfc3526_4096.getP(), 384),
  ECP_256(19, "secp256r1", 256),
  ECP_384(20, "secp384r1", 384);

  private final int id;
  private final BigInteger p;
  private final BigInteger pMinusOne;
  private final DHParameters params;
  private final int exponentBits;
  private final String curveName;
  private volatile ECDomainParameters curve;
  private final int length;

  DhGroup(int id, BigInteger p, int exponentBits) {
    this.id = id;
    this.p = p;
    this.pMinusOne = p.subtract(BigInteger.ONE);
    this.exponentBits = exponentBits;
    this.length = (p.bitLength() + 7) / 8;
    // No subgroup order: peer values are range-checked (RFC 2409 does not require more).
    this.params = new DHParameters(p, BigInteger.TWO, null, exponentBits);
    this.curveName = null;
  }

  DhGroup(int id, String curveName, int fieldBits) {
    this.id = id;
    this.curveName = curveName;
    this.p = null;
    this.pMinusOne = null;
    this.length = (fieldBits + 7) / 8;
    this.exponentBits = 0;
    this.params = null;
  }

  /** The curve, built on first use (so that MODP-only runs never pay for it). */
  private ECDomainParameters curve() {
    ECDomainParameters c = curve;
    if (c == null) {
      X9ECParameters x9 = ECNamedCurveTable.getByName(curveName);
      c = new ECDomainParameters(x9);
      curve = c;
    }
    return c;
  }

  /** IKEv1 Group Description attribute value / IANA group number. */
  public int id() {
    return id;
  }

  /** True for the elliptic-curve groups of RFC 5903. */
  public boolean isEcp() {
    return curveName != null;
  }

  /**
   * Length in bytes of the prime (MODP) or of one field element (ECP); also the length of the
   * shared secret.
   */
  public int length() {
    return length;
  }

  /** Length in bytes of a public value as carried in the KE payload (ECP: x | y). */
  public int publicValueLength() {
    return isEcp() ? 2 * length : length;
  }

  /** The prime modulus p (for ECP groups: the prime of the curve's field). */
  public BigInteger prime() {
    return isEcp() ? curve().getCurve().getField().getCharacteristic() : p;
  }

  /** The generator g of a MODP group (always 2). */
  public BigInteger generator() {
    if (isEcp()) {
      throw new CryptoException(this + " is an elliptic-curve group without a MODP generator");
    }
    return BigInteger.TWO;
  }

  /** Bits of the private exponent of a MODP group (0 for ECP groups). */
  int exponentBits() {
    return exponentBits;
  }

  /** Generates a fresh key pair; the public value has {@link #publicValueLength()} bytes. */
  public DhKeyPair generate(SecureRandom random) {
    if (random == null) {
      throw new CryptoException("SecureRandom must not be null");
    }
    if (isEcp()) {
      ECKeyPairGenerator gen = new ECKeyPairGenerator();
      gen.init(new ECKeyGenerationParameters(curve(), random));
      AsymmetricCipherKeyPair kp = gen.generateKeyPair();
      return keyPair(((ECPrivateKeyParameters) kp.getPrivate()).getD());
    }
    DHBasicKeyPairGenerator gen = new DHBasicKeyPairGenerator();
    gen.init(new DHKeyGenerationParameters(random, params));
    AsymmetricCipherKeyPair kp = gen.generateKeyPair();
    BigInteger x = ((DHPrivateKeyParameters) kp.getPrivate()).getX();
    BigInteger y = ((DHPublicKeyParameters) kp.getPublic()).getY();
    return new DhKeyPair(this, x, BigIntegers.asUnsignedByteArray(length, y));
  }

  /**
   * The key pair for a given private value (x for MODP, the scalar for ECP), with its public value
   * computed here. Used with the published test vectors.
   */
  public DhKeyPair keyPair(BigInteger privateKey) {
    if (privateKey == null || privateKey.signum() <= 0) {
      throw new CryptoException("private key must be a positive number");
    }
    if (isEcp()) {
      if (privateKey.compareTo(curve().getN()) >= 0) {
        throw new CryptoException("private key is not below the order of " + this);
      }
      ECPoint q = curve().getG().multiply(privateKey).normalize();
      return new DhKeyPair(this, privateKey, encodePoint(q));
    }
    if (privateKey.compareTo(pMinusOne) >= 0) {
      throw new CryptoException("private exponent is not below p-1 of group " + id);
    }
    return new DhKeyPair(
        this,
        privateKey,
        BigIntegers.asUnsignedByteArray(length, BigInteger.TWO.modPow(privateKey, p)));
  }

  /**
   * The shared secret computed from our key pair and the peer's public value: g^xy left-padded to
   * {@link #length()} for MODP, the x coordinate of the common point for ECP.
   *
   * @throws CryptoException if the peer value has the wrong length, is out of range (MODP) or not a
   *     point of the curve (ECP), or if the key pair belongs to another group
   */
  public byte[] sharedSecret(DhKeyPair own, byte[] peerPublic) {
    if (own == null) {
      throw new CryptoException("own DH key pair must not be null");
    }
    if (own.group() != this) {
      throw new CryptoException("DH key pair is for " + own.group() + ", not " + this);
    }
    if (isEcp()) {
      ECPoint peer = checkPeerPoint(peerPublic);
      ECPoint common = peer.multiply(own.privateKey()).normalize();
      if (common.isInfinity()) {
        throw new CryptoException("ECDH common point is the point at infinity");
      }
      return common.getAffineXCoord().getEncoded();
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

  /** Validates a MODP peer public value (length and 1 < y < p-1) and returns it as a number. */
  public BigInteger checkPublicValue(byte[] peerPublic) {
    if (isEcp()) {
      throw new CryptoException(this + " public values are points, not numbers");
    }
    checkLength(peerPublic);
    BigInteger y = new BigInteger(1, peerPublic);
    if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(pMinusOne) >= 0) {
      throw new CryptoException("DH public value out of range (must be 1 < y < p-1)");
    }
    return y;
  }

  private ECPoint checkPeerPoint(byte[] peerPublic) {
    checkLength(peerPublic);
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(peerPublic, 0, length));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(peerPublic, length, 2 * length));
    BigInteger fieldPrime = prime();
    if (x.compareTo(fieldPrime) >= 0 || y.compareTo(fieldPrime) >= 0) {
      throw new CryptoException("ECP public value: a coordinate is not below the field prime");
    }
    ECPoint point;
    try {
      point = curve().getCurve().createPoint(x, y);
    } catch (IllegalArgumentException e) {
      throw new CryptoException("ECP public value is not a point of " + this, e);
    }
    if (point.isInfinity() || !point.isValid()) {
      throw new CryptoException("ECP public value is not a point of " + this);
    }
    return point;
  }

  private void checkLength(byte[] peerPublic) {
    if (peerPublic == null) {
      throw new CryptoException("DH public value must not be null");
    }
    if (peerPublic.length != publicValueLength()) {
      throw new CryptoException(
          "DH public value length "
              + peerPublic.length
              + " is not the "
              + publicValueLength()
              + " bytes of group "
              + id);
    }
  }

  private byte[] encodePoint(ECPoint q) {
    byte[] x = q.getAffineXCoord().getEncoded();
    byte[] y = q.getAffineYCoord().getEncoded();
    return Bytes.concat(x, y);
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
