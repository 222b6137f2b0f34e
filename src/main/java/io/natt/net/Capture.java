package io.natt.net;

import java.nio.file.Path;
import java.util.List;

/**
 * One observation point of a run while it records: every frame seen there, kept in memory for the
 * trace and written to a pcap file that Wireshark opens.
 */
public interface Capture extends AutoCloseable {
  /** The observation point's name, for example "harness" or "nat-public". */
  String point();

  /** The pcap file it writes. */
  Path file();

  /** The frames seen so far (Ethernet), in order. */
  List<CapturedFrame> frames();

  /** Stops recording and closes the file; safe to call more than once. */
  @Override
  void close();
}
