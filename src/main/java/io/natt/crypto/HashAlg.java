package io.natt.crypto;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * IKEv1 hash algorithms (RFC 2409 Appendix A "Hash Algorithm" attribute; 4, 5, 6 for SHA2 as the
 * IANA IKE registry and RFC 4868 use them).
 */
public enum HashAlg {
  MD5(1, 16),
  SHA1(2, 20),
  SHA2_256(4, 32),
  SHA2_384(5, 48),
  SHA2_512(6, 64);

  private final int attribute;
  private final int length;

  HashAlg(int attribute, int length) {
    this.attribute = attribute;
    this.length = length;
  }

  /** Value of the IKEv1 Hash Algorithm attribute (1 = MD5, 2 = SHA, 4/5/6 = SHA2-256/384/512). */
  public int ikeAttributeValue() {
    return attribute;
  }

  /** Digest length in bytes. */
  public int length() {
    return length;
  }

  /** A fresh Bouncy Castle digest for this algorithm. */
  Digest newDigest() {
    return switch (this) {
      case MD5 -> new MD5Digest();
      case SHA1 -> new SHA1Digest();
      case SHA2_256 -> new SHA256Digest();
      case SHA2_384 -> new SHA384Digest();
      case SHA2_512 -> new SHA512Digest();
    };
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
