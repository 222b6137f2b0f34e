package io.natt.esp;

import io.natt.crypto.EspCipher;
import io.natt.crypto.EspCrypto;
import io.natt.crypto.EspIntegrity;
import io.natt.wire.EspPacket;
import io.natt.wire.EspTrailer;
import io.natt.wire.MalformedException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One direction of an ESP security association (RFC 4303): seals inner IP packets (tunnel mode) or
 * transport-layer segments (transport mode, see {@link TransportChecksum} for the checksum fix
 * behind a NAT) into ESP, opens ESP into its payload and next header with ICV check and a 64-packet
 * anti-replay window. The
 *
 * <p>cipher decides the IV length and the padding alignment (4 bytes for AES-GCM); the ICV is the
 * HMAC's or, for AES-GCM, the tag (RFC 4106). Used by one thread at a time.
 *
 * @see EspCrypto for the algorithms and the KEYMAT layout (key, salt, integrity key)
 */
public final class EspSa {
  /** Next header value of an inner IPv4 packet (tunnel mode). */
  public static final int NEXT_HEADER_IPV4 = 4;

  private static final int WINDOW = 64;

  private final long spi;
  private final EspCipher cipher;
  private final EspCrypto crypto;
  private final byte[] ivBuf;
  private byte[] padded = new byte[0]; // plaintext with ESP trailer, reused by seal
  private long nextSeq = 1;
  private long highestSeen;
  private long window;

  public EspSa(long spi, EspCipher cipher, byte[] encKey, EspIntegrity integrity, byte[] authKey) {
    this.spi = spi;
    this.cipher = cipher;
    this.crypto = new EspCrypto(cipher, encKey, integrity, authKey);
    this.ivBuf = new byte[cipher.ivLength()];
  }

  public long spi() {
    return spi;
  }

  /** The result of opening one ESP packet. */
  public record Opened(long sequence, byte[] inner, int nextHeader) {}

  /**
   * Encrypts and authenticates an inner IPv4 packet; returns the ESP packet (header on). The packet
   * is built in one buffer: header, IV, ciphertext and ICV are written in place (this is the
   * harness's data path; {@code natt bench} measures it).
   */
  public byte[] seal(byte[] innerPacket, SecureRandom rnd) {
    return seal(innerPacket, NEXT_HEADER_IPV4, rnd);
  }

  /**
   * Encrypts and authenticates a payload with the given next header: an inner IPv4 packet (4) in
   * tunnel mode, or in transport mode the transport-layer segment itself (17 UDP, 1 ICMP, 6 TCP),
   * whose IP header is the outer one (RFC 4303 section 3.1.1).
   */
  public byte[] seal(byte[] innerPacket, int nextHeader, SecureRandom rnd) {
    int ivLen = cipher.ivLength();
    int paddedLen = EspTrailer.paddedLength(innerPacket.length, cipher.blockSize());
    if (padded.length < paddedLen) {
      padded = new byte[paddedLen];
    }
    EspTrailer.padInto(innerPacket, nextHeader, padded, paddedLen);
    long seq = nextSeq++;
    if (cipher.isAead()) {
      // RFC 4106 §3.1: the GCM IV must never repeat under a key, it need not be unpredictable;
      // the sequence number (never reused within the SA) as a 64-bit counter is the usual choice
      for (int k = 0; k < 8; k++) {
        ivBuf[k] = (byte) (seq >>> (56 - 8 * k));
      }
    } else {
      rnd.nextBytes(ivBuf); // CBC: an unpredictable IV (RFC 3602 §3)
    }
    int ctOff = 8 + ivLen;
    int authLen = ctOff + paddedLen;
    byte[] out = new byte[authLen + crypto.icvLength()];
    putInt(out, 0, spi);
    putInt(out, 4, seq);
    System.arraycopy(ivBuf, 0, out, 8, ivLen);
    if (cipher.isAead()) {
      // AES-GCM: SPI | sequence as additional data, ciphertext and tag written after the IV
      crypto.aeadSeal(out, 0, padded, 0, paddedLen);
    } else {
      crypto.encrypt(out, 8, padded, 0, paddedLen, out, ctOff);
      crypto.icv(out, 0, authLen, out, authLen);
    }
    return out;
  }

  private static void putInt(byte[] b, int off, long v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  /** Checks SPI, ICV and replay, then decrypts; throws {@link EspException} when not accepted. */
  public Opened open(byte[] espBytes) {
    EspPacket p;
    try {
      p = EspPacket.decode(espBytes);
    } catch (MalformedException e) {
      throw new EspException("not an ESP packet: " + e.getMessage());
    }
    if (p.spi() != spi) {
      throw new EspException(String.format("SPI %08x is not this SA's %08x", p.spi(), spi));
    }
    int icvLen = crypto.icvLength();
    int ivLen = cipher.ivLength();
    if (espBytes.length < 8 + ivLen + cipher.blockSize() + icvLen) {
      throw new EspException("ESP packet of " + espBytes.length + " bytes is too short");
    }
    int ctLen = espBytes.length - 8 - ivLen - icvLen;
    if (ctLen % cipher.blockSize() != 0) {
      throw new EspException("ciphertext length " + ctLen + " is not a multiple of the block");
    }
    byte[] header = Arrays.copyOfRange(espBytes, 0, 8);
    byte[] iv = Arrays.copyOfRange(espBytes, 8, 8 + ivLen);
    byte[] body = Arrays.copyOfRange(espBytes, 8 + ivLen, espBytes.length);
    byte[] pt =
        crypto
            .open(header, iv, body)
            .orElseThrow(() -> new EspException("ICV does not verify for seq " + p.sequence()));
    checkReplay(p.sequence());
    EspTrailer.Stripped s;
    try {
      s = EspTrailer.strip(pt);
    } catch (MalformedException e) {
      throw new EspException("bad ESP trailer: " + e.getMessage());
    }
    if (!s.padOk()) {
      throw new EspException("ESP padding is not 1, 2, 3, ... (seq " + p.sequence() + ")");
    }
    accept(p.sequence());
    return new Opened(p.sequence(), s.payload(), s.nextHeader());
  }

  private void checkReplay(long seq) {
    if (seq == 0) {
      throw new EspException("sequence number 0 is never valid");
    }
    if (seq > highestSeen) {
      return;
    }
    long diff = highestSeen - seq;
    if (diff >= WINDOW || (window & (1L << diff)) != 0) {
      throw new EspException("sequence number " + seq + " replayed or too old");
    }
  }

  private void accept(long seq) {
    if (seq > highestSeen) {
      long shift = seq - highestSeen;
      window = shift >= WINDOW ? 1 : (window << shift) | 1;
      highestSeen = seq;
    } else {
      window |= 1L << (highestSeen - seq);
    }
  }
}
