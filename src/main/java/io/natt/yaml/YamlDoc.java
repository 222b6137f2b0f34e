package io.natt.yaml;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Strict YAML reading: one document, composed into nodes (never constructed into Java objects),
 * every node keeping its line and column. Syntax errors, duplicate keys, non-text keys, custom tags
 * and empty files are refused with a {@link LoadException}: a syntax error stops at the first one,
 * the others are all reported.
 */
public final class YamlDoc {
  private YamlDoc() {}

  /** Reads a file; its path as given is used in messages. */
  public static YamlNode load(Path file) {
    String name = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new LoadException(name, 0, 0, "no such file");
    } catch (IOException e) {
      throw new LoadException(name, 0, 0, "cannot read the file: " + e.getMessage());
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new LoadException(name, 0, 0, "not UTF-8 text");
    }
    return parse(name, text);
  }

  /** Parses text; {@code name} stands for the file in messages. */
  public static YamlNode parse(String name, String text) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    LoadSettings settings = LoadSettings.builder().setLabel(name).build();
    Optional<Node> root;
    try {
      root = new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> at = e.getProblemMark().or(e::getContextMark);
      String problem = e.getProblem() == null ? "unreadable YAML" : e.getProblem();
      if (problem.contains("(TAB)")) {
        problem = "a tab character; indent with spaces, YAML does not allow tabs there";
      } else if (e.getContext() != null && !e.getContext().isBlank()) {
        problem += " (" + e.getContext() + ")";
      }
      throw new LoadException(
          name,
          at.map(m -> m.getLine() + 1).orElse(1),
          at.map(m -> m.getColumn() + 1).orElse(1),
          "YAML syntax error: " + problem);
    } catch (ReaderException e) {
      int[] lc = lineColumn(text, e.getPosition());
      throw new LoadException(name, lc[0], lc[1], "YAML syntax error: " + e.getMessage());
    } catch (YamlEngineException e) {
      throw new LoadException(name, 1, 1, "YAML syntax error: " + e.getMessage());
    }
    if (root.isEmpty()) {
      throw new LoadException(name, 1, 1, "the file is empty (nothing but blanks or comments)");
    }
    YamlNode r = new YamlNode(name, root.get(), "");
    Problems p = new Problems();
    r.checkTree(Collections.newSetFromMap(new IdentityHashMap<>()), p);
    p.throwIfAny();
    return r;
  }

  private static int[] lineColumn(String text, int index) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < Math.min(index, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new int[] {line, col};
  }
}
