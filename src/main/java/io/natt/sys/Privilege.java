package io.natt.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this JVM runs as, read from /proc (no command run, no privilege needed). */
public final class Privilege {
  private Privilege() {}

  /** The effective user id, or -1 when it cannot be told. */
  public static long uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] f = line.substring(4).trim().split("\\s+");
          return Long.parseLong(f.length > 1 ? f[1] : f[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // below
    }
    return -1;
  }

  /** Whether the JVM runs as root (effective uid 0). */
  public static boolean isRoot() {
    return uid() == 0;
  }
}
