package io.natt.wire;

/**
 * A decoding failure described as data: which field, at which absolute offset of the original
 * buffer, why, and a copy of the raw bytes that were being decoded.
 */
public final class MalformedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final int offset;
  private final byte[] raw;
  private final String reason;

  public MalformedException(String field, int offset, byte[] raw, String reason) {
    super(field + " at offset " + offset + ": " + reason);
    this.field = field;
    this.offset = offset;
    this.raw = raw == null ? new byte[0] : raw.clone();
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  public int offset() {
    return offset;
  }

  /** A copy of the whole buffer that was being decoded. */
  public byte[] raw() {
    return raw.clone();
  }

  public String reason() {
    return reason;
  }
}
