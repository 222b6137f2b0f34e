package io.natt.crypto;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/** IKEv1 hash algorithms (RFC 2409 Appendix A "Hash Algorithm" attribute). */
public enum HashAlg {
  SHA1(2, 20),
  SHA2_256(4, 32);

  private final int attribute;
  private final int length;

  HashAlg(int attribute, int length) {
    this.attribute = attribute;
    this.length = length;
  }

  /** Value of the IKEv1 Hash Algorithm attribute (2 = SHA, 4 = SHA2-256). */
  public int ikeAttributeValue() {
    return attribute;
  }

  /** Digest length in bytes. */
  public int length() {
    return length;
  }

  /** A fresh Bouncy Castle digest for this algorithm. */
  Digest newDigest() {
    return this == SHA1 ? new SHA1Digest() : new SHA256Digest();
  }

  /** HASH(parts[0] | parts[1] | ...). */
  public byte[] digest(byte[]... parts) {
    Digest d = newDigest();
    for (byte[] p : parts) {
      Bytes.requireNonNull(p, "hash input");
      d.update(p, 0, p.length);
    }
    byte[] out = new byte[d.getDigestSize()];
    d.doFinal(out, 0);
    return out;
  }

  /** The algorithm for an IKEv1 Hash Algorithm attribute value. */
  public static HashAlg fromAttribute(int value) {
    for (HashAlg h : values()) {
      if (h.attribute == value) {
        return h;
      }
    }
    throw new CryptoException("unsupported IKEv1 hash algorithm attribute " + value);
  }
}
