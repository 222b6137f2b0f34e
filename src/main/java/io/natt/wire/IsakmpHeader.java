package io.natt.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * The 28-byte ISAKMP header (RFC 2408 3.1). All fields are kept as received; version nibbles,
 * exchange type and flags may hold any value.
 */
public record IsakmpHeader(
    byte[] initiatorCookie,
    byte[] responderCookie,
    int nextPayload,
    int majorVersion,
    int minorVersion,
    int exchangeType,
    int flags,
    long messageId,
    long length) {

  public static final int SIZE = 28;
  public static final int FLAG_ENCRYPTION = 1;
  public static final int FLAG_COMMIT = 2;
  public static final int FLAG_AUTH_ONLY = 4;

  public IsakmpHeader {
    Objects.requireNonNull(initiatorCookie, "initiatorCookie");
    Objects.requireNonNull(responderCookie, "responderCookie");
    if (initiatorCookie.length != 8 || responderCookie.length != 8) {
      throw new IllegalArgumentException("cookies must be 8 bytes");
    }
    initiatorCookie = initiatorCookie.clone();
    responderCookie = responderCookie.clone();
  }

  /** An IKEv1 (1.0) header; length 0 (filled in by {@link IsakmpMessage#encode()}). */
  public static IsakmpHeader of(
      byte[] initiatorCookie, byte[] responderCookie, int exchangeType, int flags, long messageId) {
    return new IsakmpHeader(
        initiatorCookie, responderCookie, 0, 1, 0, exchangeType, flags, messageId, 0);
  }

  public static IsakmpHeader decode(WireReader r) {
    byte[] ic = r.bytes(8, "isakmp initiator cookie");
    byte[] rc = r.bytes(8, "isakmp responder cookie");
    int np = r.u8("isakmp next payload");
    int ver = r.u8("isakmp version");
    int ex = r.u8("isakmp exchange type");
    int fl = r.u8("isakmp flags");
    long mid = r.u32("isakmp message id");
    long len = r.u32("isakmp length");
    return new IsakmpHeader(ic, rc, np, ver >> 4, ver & 0xF, ex, fl, mid, len);
  }

  /** Writes all fields verbatim (including {@link #length()}). */
  public void encode(WireWriter w) {
    w.bytes(initiatorCookie)
        .bytes(responderCookie)
        .u8(nextPayload)
        .u8(((majorVersion & 0xF) << 4) | (minorVersion & 0xF))
        .u8(exchangeType)
        .u8(flags)
        .u32(messageId)
        .u32(length);
  }

  public byte[] encode() {
    WireWriter w = new WireWriter(SIZE);
    encode(w);
    return w.toByteArray();
  }

  @Override
  public byte[] initiatorCookie() {
    return initiatorCookie.clone();
  }

  @Override
  public byte[] responderCookie() {
    return responderCookie.clone();
  }

  public boolean encrypted() {
    return (flags & FLAG_ENCRYPTION) != 0;
  }

  public boolean commit() {
    return (flags & FLAG_COMMIT) != 0;
  }

  public boolean authOnly() {
    return (flags & FLAG_AUTH_ONLY) != 0;
  }

  public IsakmpHeader withLength(long newLength) {
    return new IsakmpHeader(
        initiatorCookie,
        responderCookie,
        nextPayload,
        majorVersion,
        minorVersion,
        exchangeType,
        flags,
        messageId,
        newLength);
  }

  public IsakmpHeader withNextPayload(int np) {
    return new IsakmpHeader(
        initiatorCookie,
        responderCookie,
        np,
        majorVersion,
        minorVersion,
        exchangeType,
        flags,
        messageId,
        length);
  }

  public IsakmpHeader withFlags(int newFlags) {
    return new IsakmpHeader(
        initiatorCookie,
        responderCookie,
        nextPayload,
        majorVersion,
        minorVersion,
        exchangeType,
        newFlags,
        messageId,
        length);
  }

  public IsakmpHeader withResponderCookie(byte[] rc) {
    return new IsakmpHeader(
        initiatorCookie,
        rc,
        nextPayload,
        majorVersion,
        minorVersion,
        exchangeType,
        flags,
        messageId,
        length);
  }

  public IsakmpHeader withMessageId(long mid) {
    return new IsakmpHeader(
        initiatorCookie,
        responderCookie,
        nextPayload,
        majorVersion,
        minorVersion,
        exchangeType,
        flags,
        mid,
        length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IsakmpHeader h
        && Arrays.equals(initiatorCookie, h.initiatorCookie)
        && Arrays.equals(responderCookie, h.responderCookie)
        && nextPayload == h.nextPayload
        && majorVersion == h.majorVersion
        && minorVersion == h.minorVersion
        && exchangeType == h.exchangeType
        && flags == h.flags
        && messageId == h.messageId
        && length == h.length;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(initiatorCookie),
        Arrays.hashCode(responderCookie),
        nextPayload,
        majorVersion,
        minorVersion,
        exchangeType,
        flags,
        messageId,
        length);
  }

  @Override
  public String toString() {
    return "IsakmpHeader[icookie="
        + Hex.hex(initiatorCookie)
        + ", rcookie="
        + Hex.hex(responderCookie)
        + ", np="
        + PayloadType.nameOf(nextPayload)
        + ", version="
        + majorVersion
        + "."
        + minorVersion
        + ", exchange="
        + ExchangeType.nameOf(exchangeType)
        + ", flags=0x"
        + Integer.toHexString(flags)
        + ", mid=0x"
        + Long.toHexString(messageId)
        + ", length="
        + length
        + "]";
  }
}
