package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * NAT-D payload (RFC 3947 3.2): HASH(CKY-I | CKY-R | IP | Port). {@code type} is 20 (RFC 3947) or
 * 130 (draft-ietf-ipsec-nat-t-ike-02/03).
 */
public record NatDPayload(int type, byte[] hash) implements Payload {
  public NatDPayload {
    hash = Objects.requireNonNull(hash, "hash").clone();
  }

  /** An RFC 3947 NAT-D (type 20). */
  public static NatDPayload rfc(byte[] hash) {
    return new NatDPayload(PayloadType.NAT_D.code(), hash);
  }

  /** A draft NAT-D (type 130). */
  public static NatDPayload draft(byte[] hash) {
    return new NatDPayload(PayloadType.NAT_D_DRAFT.code(), hash);
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.bytes(hash);
  }

  static NatDPayload decodeBody(int type, WireReader r, String field) {
    return new NatDPayload(type, r.bytes(r.remaining(), field + " hash"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NatDPayload p && p.type == type && Arrays.equals(hash, p.hash);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "NatDPayload[" + PayloadType.nameOf(type) + ", hash=" + Hex.hex(hash) + "]";
  }
}
