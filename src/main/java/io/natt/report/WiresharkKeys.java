package io.natt.report;

import io.natt.trace.SaKeys;
import io.natt.trace.Trace;
import io.natt.wire.Hex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Wireshark key tables (the "uat" files ikev1_decryption_table and esp_sa) for the SAs of a trace,
 * so its captures open decrypted: {@code tshark -o uat:ikev1_decryption_table:...} or copy them
 * into a Wireshark profile directory. They hold secrets; write them only when asked.
 */
public final class WiresharkKeys {
  private WiresharkKeys() {}

  /** The esp_sa table of a trace's SAs. */
  public static String espTable(Trace trace) {
    List<String> esp = new ArrayList<>();
    for (SaKeys k : trace.keys()) {
      if (k instanceof SaKeys.Esp e) {
        esp.add(espLine(e) + "\n");
      }
    }
    return String.join("", esp);
  }

  /** The ikev1_decryption_table of a trace's IKE SAs. */
  public static String ikev1Table(Trace trace) {
    List<String> ike = new ArrayList<>();
    for (SaKeys k : trace.keys()) {
      if (k instanceof SaKeys.Ikev1 i) {
        ike.add(ikev1Line(i) + "\n");
      }
    }
    return String.join("", ike);
  }

  /** Writes both tables into {@code dir}; returns dir. */
  public static Path write(Path dir, Trace trace) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("ikev1_decryption_table"), ikev1Table(trace));
      Files.writeString(dir.resolve("esp_sa"), espTable(trace));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write key tables to " + dir, e);
    }
    return dir;
  }

  /** Hex-bytes fields of a Wireshark UAT file are written bare, not quoted. */
  static String ikev1Line(SaKeys.Ikev1 k) {
    return Hex.hex(k.initiatorCookie()) + "," + Hex.hex(k.encryptionKey());
  }

  /** Any source and destination address, so the SA matches at every capture point of a NAT. */
  static String espLine(SaKeys.Esp k) {
    return String.join(
        ",",
        q("IPv4"),
        q("*"),
        q("*"),
        q(String.format("0x%08x", k.spi())),
        q(k.encryption()),
        q("0x" + Hex.hex(k.encryptionKey())),
        q(k.authentication()),
        q("0x" + Hex.hex(k.authenticationKey())));
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }
}
