package io.natt.yaml;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.testng.annotations.Test;

public class YamlDocTest {
  private static String error(String yaml, java.util.function.Consumer<YamlNode> use) {
    LoadException e =
        expectThrows(LoadException.class, () -> use.accept(YamlDoc.parse("t.yaml", yaml)));
    return e.getMessage();
  }

  @Test
  public void keepsPositionsAndPaths() {
    YamlMap root = YamlDoc.parse("t.yaml", "a:\n  b: [1, 0x10]\n").map();
    YamlNode second = root.get("a").map().get("b").list().get(1);
    assertEquals(second.path(), "a.b[1]");
    assertEquals(second.line(), 2);
    assertEquals(second.column(), 10);
    assertEquals(second.integer(), 16);
  }

  @Test
  public void scalars() {
    YamlMap m =
        YamlDoc.parse("t.yaml", "d1: 500ms\nd2: 2m\nd3: 1h\nb: true\nn: -3\ns: 'x'\ne: random\n")
            .map();
    assertEquals(m.get("d1").duration(), Duration.ofMillis(500));
    assertEquals(m.get("d2").duration(), Duration.ofMinutes(2));
    assertEquals(m.get("d3").duration(), Duration.ofHours(1));
    assertTrue(m.get("b").bool());
    assertEquals(m.get("n").integer(), -3);
    assertEquals(m.get("s").string(), "x");
    assertEquals(m.get("e").oneOf("preserve", "random"), "random");
  }

  @Test
  public void messagesSayWhatWasExpectedAndFound() {
    assertEquals(
        error("a: {b: randum}", n -> n.map().get("a").map().get("b").oneOf("preserve", "random")),
        "t.yaml:1:8: a.b: expected one of [preserve, random], found 'randum'");
    assertEquals(
        error("a: [1]", n -> n.map().get("a").string()),
        "t.yaml:1:4: a: expected text, found a list");
    assertEquals(
        error("a:", n -> n.map().get("a").integer()),
        "t.yaml:1:3: a: expected a whole number, found nothing");
    assertEquals(
        error("a: yes", n -> n.map().get("a").bool()),
        "t.yaml:1:4: a: expected true or false, found 'yes'");
    assertEquals(
        error("a: 1", n -> n.map().allowedKeys("b")),
        "t.yaml:1:1: unknown top-level key 'a'; allowed: b");
    assertEquals(
        error("a: 1", n -> n.map().requireKeys("a", "b")), "t.yaml:1:1: missing required key 'b'");
  }

  @Test
  public void refusesDuplicatesSyntaxErrorsTagsAndEmptyFiles() {
    assertEquals(
        error("x:\n  a: 1\n  a: 2\n", n -> {}),
        "t.yaml:3:3: x: duplicate key 'a' (first given on line 2)");
    assertEquals(
        error("", n -> {}), "t.yaml:1:1: the file is empty (nothing but blanks or comments)");
    assertTrue(error("a: [1\n", n -> {}).startsWith("t.yaml:2:1: YAML syntax error: "));
    assertEquals(
        error("a: !foo 1", n -> {}),
        "t.yaml:1:4: a: tags such as '!foo' are not used in these files");
    assertEquals(
        error("[1]: x", n -> {}), "t.yaml:1:1: keys must be plain words, found a list as a key");
    assertTrue(error("a: 1\n---\nb: 2\n", n -> {}).startsWith("t.yaml:2:1: YAML syntax error"));
  }

  @Test
  public void aliasesDoNotLoop() {
    YamlNode n = YamlDoc.parse("t.yaml", "a: &x [1, 2]\nb: *x\n");
    assertEquals(n.map().get("b").list().size(), 2);
  }

  @Test
  public void missingFile() {
    LoadException e =
        expectThrows(LoadException.class, () -> YamlDoc.load(Path.of("no/such/file.yaml")));
    assertEquals(e.getMessage(), "no/such/file.yaml: no such file");
    assertEquals(e.line(), 0);
  }

  @Test
  public void hints() {
    assertEquals(YamlNode.closest("nat_d", List.of("nat-d", "float")), "nat-d");
    assertEquals(YamlNode.closest("zzzzzz", List.of("nat-d", "float")), null);
  }
}
