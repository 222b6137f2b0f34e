package io.natt.verdict;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/** The requirement catalog (testsuites/requirements.yaml). */
public final class Catalog {
  private static final Set<String> KEYS =
      Set.of("id", "rfc", "section", "level", "every-trace", "requires", "summary", "diagnosis");

  private final Map<String, Requirement> byId;

  private Catalog(Map<String, Requirement> byId) {
    this.byId = byId;
  }

  /** Loads and checks the catalog; every entry must have every key, ids unique. */
  public static Catalog load(Path file) {
    Object doc;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      doc = new Load(LoadSettings.builder().build()).loadFromReader(r);
    } catch (IOException e) {
      throw new CatalogException(file + ": cannot read: " + e.getMessage());
    } catch (YamlEngineException e) {
      throw new CatalogException(file + ": " + e.getMessage());
    }
    if (!(doc instanceof List<?> list)) {
      throw new CatalogException(file + ": expected a list of requirements");
    }
    Map<String, Requirement> out = new LinkedHashMap<>();
    int k = 0;
    for (Object o : list) {
      k++;
      String where = file + ": requirement #" + k;
      if (!(o instanceof Map<?, ?> m)) {
        throw new CatalogException(where + ": expected a map");
      }
      for (Object key : m.keySet()) {
        if (!KEYS.contains(String.valueOf(key))) {
          throw new CatalogException(where + ": unknown key '" + key + "' (allowed: " + KEYS + ")");
        }
      }
      for (String key : KEYS) {
        if (!m.containsKey(key)) {
          throw new CatalogException(where + ": missing '" + key + "'");
        }
      }
      String id = String.valueOf(m.get("id"));
      Level level;
      try {
        level = Level.valueOf(String.valueOf(m.get("level")));
      } catch (IllegalArgumentException e) {
        throw new CatalogException(where + " (" + id + "): level must be MUST, SHOULD or MAY");
      }
      List<String> requires = new ArrayList<>();
      if (m.get("requires") instanceof List<?> req) {
        req.forEach(x -> requires.add(String.valueOf(x)));
      }
      Requirement r =
          new Requirement(
              id,
              ((Number) m.get("rfc")).intValue(),
              String.valueOf(m.get("section")),
              level,
              String.valueOf(m.get("summary")).strip(),
              String.valueOf(m.get("diagnosis")).strip(),
              Boolean.TRUE.equals(m.get("every-trace")),
              List.copyOf(requires));
      if (out.put(id, r) != null) {
        throw new CatalogException(where + ": duplicate id " + id);
      }
    }
    return new Catalog(out);
  }

  public List<Requirement> requirements() {
    return List.copyOf(byId.values());
  }

  public Optional<Requirement> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Set<String> ids() {
    return byId.keySet();
  }

  /** A catalog file that is not right. */
  public static final class CatalogException extends RuntimeException {
    public CatalogException(String message) {
      super(message);
    }
  }
}
