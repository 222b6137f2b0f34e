package io.natt.net;

import java.time.Instant;

/** A frame seen on a capture point (Ethernet, as captured on a veth). */
public record CapturedFrame(String point, Instant time, byte[] bytes) {
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }
}
