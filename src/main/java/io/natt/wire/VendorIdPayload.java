package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/** Vendor ID payload (RFC 2408 3.16); see {@link VendorIds} for known values. */
public record VendorIdPayload(byte[] data) implements Payload {
  public VendorIdPayload {
    data = Objects.requireNonNull(data, "data").clone();
  }

  @Override
  public int type() {
    return PayloadType.VENDOR_ID.code();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public void encodeBody(WireWriter w) {
    w.bytes(data);
  }

  static VendorIdPayload decodeBody(WireReader r, String field) {
    return new VendorIdPayload(r.bytes(r.remaining(), field + " data"));
  }

  /** Readable name of the vendor ID (see {@link VendorIds#name(byte[])}). */
  public String vendorName() {
    return VendorIds.name(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VendorIdPayload p && Arrays.equals(data, p.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "VendorIdPayload[" + VendorIds.name(data) + "]";
  }
}
