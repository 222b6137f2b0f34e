package io.natt.trace;

/** How the packet relates to the harness's own peer. */
public enum Direction {
  /** The harness's peer sent it. */
  SENT,
  /** The harness's peer received it. */
  RECEIVED,
  /** Seen on a capture point (e.g. the public side of a NAT). */
  OBSERVED
}
