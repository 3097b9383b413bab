package dev.llmrollout.unleash.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one toggle fetch into the next {@link FlagCatalog}. A flag whose new definition carries a
 * payload that is not a valid variant is rejected: its last good definition goes back into the
 * toggles the Unleash engine (and its backup file) receive, so the last good configuration keeps
 * serving. A flag that never had a good definition stays in, marked broken.
 */
public final class ToggleUpdates {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ToggleUpdates() {}

  /**
   * The outcome of one fetch.
   *
   * @param servedJson the toggles to hand to the engine: the fetched ones, or a copy with rejected
   *     flags put back to their last good definition
   * @param rewritten whether {@code servedJson} differs from what Unleash sent
   * @param catalog the flags now served
   * @param changed the flags whose definition changed, appeared or disappeared
   * @param rejections one message per rejected flag, naming it
   */
  public record Update(
      String servedJson,
      boolean rewritten,
      FlagCatalog catalog,
      Set<String> changed,
      List<String> rejections) {}

  /**
   * Applies fetched toggles on top of the previous catalog.
   *
   * @throws IllegalArgumentException when the answer is not Unleash's client-features JSON
   */
  public static Update apply(String clientFeaturesJson, FlagCatalog previous) {
    JsonNode root;
    try {
      root = JSON.readTree(clientFeaturesJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the toggles Unleash sent are not JSON", e);
    }
    if (!(root instanceof ObjectNode) || !root.path("features").isArray()) {
      throw new IllegalArgumentException("the toggles Unleash sent have no 'features' array");
    }
    ArrayNode served = JSON.createArrayNode();
    Map<String, CatalogFlag> flags = new LinkedHashMap<>();
    List<String> rejections = new ArrayList<>();
    boolean rewritten = false;
    for (JsonNode feature : root.path("features")) {
      CatalogFlag before = previous.flag(feature.path("name").asText()).orElse(null);
      // An unchanged definition keeps its parsed variants: payloads are parsed once per change.
      CatalogFlag flag =
          before != null && before.version().equals(FlagReader.digest(feature))
              ? before
              : FlagReader.read(feature);
      if (flag.broken() && before != null && !before.broken()) {
        rejections.add(
            "flag '"
                + flag.key()
                + "': update rejected, "
                + flag.error()
                + "; serving its last good definition");
        served.add(before.definition());
        flags.put(flag.key(), before);
        rewritten = true;
      } else {
        served.add(feature);
        flags.put(flag.key(), flag);
      }
    }
    String json = clientFeaturesJson;
    if (rewritten) {
      ((ObjectNode) root).set("features", served);
      json = root.toString();
    }
    return new Update(
        json, rewritten, new FlagCatalog(flags), changedKeys(previous, flags), rejections);
  }

  private static Set<String> changedKeys(FlagCatalog previous, Map<String, CatalogFlag> now) {
    Set<String> changed = new LinkedHashSet<>();
    now.forEach(
        (key, flag) -> {
          CatalogFlag before = previous.flag(key).orElse(null);
          if (before == null || !before.version().equals(flag.version())) {
            changed.add(key);
          }
        });
    previous.flags().keySet().stream().filter(k -> !now.containsKey(k)).forEach(changed::add);
    return changed;
  }
}
