package io.natt.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * IKEv1 fragmentation as strongSwan, Cisco and Microsoft implement it (no RFC; announced by the
 * FRAGMENTATION vendor ID {@link VendorIds#FRAGMENTATION}): a whole ISAKMP message, header and
 * encrypted body, cut into pieces, each sent in a message of its own whose header carries the same
 * cookies, exchange type and message ID, next payload 132, no flags, and one fragment payload: next
 * payload 0, reserved 0, length (2), fragment ID (2, the same for every piece of one message),
 * fragment number (1, from 1), flags (1, 0x01 on the last piece), then the piece.
 */
public final class Ikev1Fragments {
  /** The payload type of an IKEv1 fragment. */
  public static final int PAYLOAD_TYPE = 132;

  /** Bit 0 of a fragment's flags: the last piece. */
  public static final int LAST = 0x01;

  private static final int FRAGMENT_HEADER = 8;

  private Ikev1Fragments() {}

  /**
   * Cuts {@code message} (a whole ISAKMP message) into fragment messages of at most {@code
   * maxMessage} bytes each.
   */
  public static List<byte[]> split(byte[] message, int maxMessage, int fragmentId) {
    int room = maxMessage - IsakmpHeader.SIZE - FRAGMENT_HEADER;
    if (room < 1 || message.length < IsakmpHeader.SIZE) {
      throw new IllegalArgumentException(
          "cannot fragment a " + message.length + "-byte message into " + maxMessage + " bytes");
    }
    int pieces = (message.length + room - 1) / room;
    if (pieces > 255) {
      throw new IllegalArgumentException("more than 255 fragments");
    }
    List<byte[]> out = new ArrayList<>();
    for (int k = 0; k < pieces; k++) {
      byte[] piece =
          Arrays.copyOfRange(message, k * room, Math.min(message.length, (k + 1) * room));
      int length = IsakmpHeader.SIZE + FRAGMENT_HEADER + piece.length;
      ByteBuffer b = ByteBuffer.allocate(length);
      b.put(message, 0, 16); // both cookies
      b.put((byte) PAYLOAD_TYPE);
      b.put(message[17]); // version
      b.put(message[18]); // exchange type
      b.put((byte) 0); // flags: the fragment itself is not encrypted
      b.put(message, 20, 4); // message ID
      b.putInt(length);
      b.put((byte) 0).put((byte) 0).putShort((short) (FRAGMENT_HEADER + piece.length));
      b.putShort((short) fragmentId);
      b.put((byte) (k + 1));
      b.put((byte) (k == pieces - 1 ? LAST : 0));
      b.put(piece);
      out.add(b.array());
    }
    return out;
  }
}
