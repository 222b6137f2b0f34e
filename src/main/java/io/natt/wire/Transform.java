package io.natt.wire;

import java.util.List;
import java.util.Optional;

/** A transform payload nested in a proposal (RFC 2408 3.6). */
public record Transform(int number, int transformId, List<Attribute> attributes) {
  /** Size of the transform header including the generic header. */
  public static final int HEADER_SIZE = 8;

  public Transform {
    attributes = List.copyOf(attributes);
  }

  public static Transform of(int number, int transformId, Attribute... attributes) {
    return new Transform(number, transformId, List.of(attributes));
  }

  /** The first attribute of the given type. */
  public Optional<Attribute> attribute(int type) {
    return attributes.stream().filter(a -> a.type() == type).findFirst();
  }

  /** Encodes the transform with its generic header; {@code last} selects next payload 0 or 3. */
  void encode(WireWriter w, boolean last) {
    int start = w.position();
    w.u8(last ? 0 : PayloadType.TRANSFORM.code()).u8(0).u16(0);
    w.u8(number).u8(transformId).u16(0);
    for (Attribute a : attributes) {
      a.encode(w);
    }
    int len = w.position() - start;
    if (len > 0xFFFF) {
      throw new IllegalArgumentException("transform longer than 65535 bytes");
    }
    w.patchU16(start + 2, len);
  }

  @Override
  public String toString() {
    return "Transform[#" + number + ", id=" + transformId + ", " + attributes + "]";
  }
}
