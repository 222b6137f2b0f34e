package io.natt.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary folders for tests that are removed, with what is in them, when the test JVM ends (also
 * when a test failed before its own clean-up), so that test runs leave nothing under /tmp.
 */
public final class TempDirs {
  private static final List<Path> MADE = new ArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TempDirs::removeAll, "temp-dirs"));
  }

  private TempDirs() {}

  /** A new folder under java.io.tmpdir, named with the prefix; removed at the JVM's end. */
  public static Path create(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    synchronized (MADE) {
      MADE.add(dir);
    }
    return dir;
  }

  private static void removeAll() {
    List<Path> all;
    synchronized (MADE) {
      all = List.copyOf(MADE);
    }
    for (Path dir : all) {
      if (!Files.exists(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder())
            .forEach(
                p -> {
                  try {
                    Files.deleteIfExists(p);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      } catch (IOException | UncheckedIOException e) {
        System.err.println("could not remove test folder " + dir + ": " + e.getMessage());
      }
    }
  }
}
