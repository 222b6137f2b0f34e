package io.natt.crypto;

import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** IKEv1 pseudo-random functions: HMAC with the negotiated hash (RFC 2409 §5 default PRF). */
public enum Prf {
  HMAC_MD5(HashAlg.MD5),
  HMAC_SHA1(HashAlg.SHA1),
  HMAC_SHA2_256(HashAlg.SHA2_256),
  HMAC_SHA2_384(HashAlg.SHA2_384),
  HMAC_SHA2_512(HashAlg.SHA2_512);

  private final HashAlg hash;

  Prf(HashAlg hash) {
    this.hash = hash;
  }

  public HashAlg hash() {
    return hash;
  }

  /** Output length in bytes. */
  public int length() {
    return hash.length();
  }

  /** prf(key, data[0] | data[1] | ...) = HMAC over the concatenation of the data parts. */
  public byte[] apply(byte[] key, byte[]... data) {
    Bytes.requireNonNull(key, "PRF key");
    HMac mac = new HMac(hash.newDigest());
    mac.init(new KeyParameter(key));
    for (byte[] d : data) {
      Bytes.requireNonNull(d, "PRF input");
      mac.update(d, 0, d.length);
    }
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }

  /** The HMAC PRF built on the given hash (IKEv1 uses the HMAC of the negotiated hash). */
  public static Prf forHash(HashAlg hash) {
    for (Prf p : values()) {
      if (p.hash == hash) {
        return p;
      }
    }
    throw new CryptoException("no PRF for hash " + hash);
  }
}
