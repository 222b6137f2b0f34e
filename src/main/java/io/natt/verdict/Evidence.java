package io.natt.verdict;

import java.util.List;

/**
 * What a verdict rests on: the packets (by capture and frame number), and the value seen next to
 * the value expected.
 */
public record Evidence(List<String> packets, String expected, String seen) {
  public static Evidence of(String packet, String expected, String seen) {
    return new Evidence(List.of(packet), expected, seen);
  }

  @Override
  public String toString() {
    return String.join(", ", packets) + ": expected " + expected + ", seen " + seen;
  }
}
