package dev.llmrollout.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flag the contract kit asks a harness to publish: named variants with their JSON payloads, a
 * default variant, and a percentage split keyed by the targeting key.
 *
 * @param key the flag key
 * @param variants variant name to payload, in order
 * @param defaultVariant served without a targeting key, and after a kill when it is the safe one
 * @param weights percent per variant, summing to 100, in split order
 */
public record FlagSpec(
    String key,
    Map<String, JsonNode> variants,
    String defaultVariant,
    Map<String, Double> weights) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public FlagSpec {
    variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
  }

  /** A model flag with a {@code stable} and a {@code canary} variant split by the given percent. */
  public static FlagSpec canarySplit(String key, double canaryPercent) {
    Map<String, JsonNode> variants = new LinkedHashMap<>();
    variants.put("stable", payload("model-stable", "1.1.0", "stable-pool"));
    variants.put("canary", payload("model-canary", "1.2.0", "canary-pool"));
    return new FlagSpec(key, variants, "stable", split(100 - canaryPercent, canaryPercent));
  }

  /** The weights of a {@link #canarySplit} flag: {@code stable} first, then {@code canary}. */
  public static Map<String, Double> split(double stable, double canary) {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("stable", stable);
    weights.put("canary", canary);
    return weights;
  }

  /** The same flag with another split. */
  public FlagSpec withWeights(Map<String, Double> newWeights) {
    return new FlagSpec(key, variants, defaultVariant, newWeights);
  }

  public static JsonNode payload(String model, String version, String endpoint) {
    return JSON.createObjectNode()
        .put("model", model)
        .put("version", version)
        .put("endpoint", endpoint);
  }
}
