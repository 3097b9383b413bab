package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.FlagState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a flag's rollout state from its definition in the file. */
public final class FlagStates {
  /** Flag-metadata key under which a kill remembers what it replaced (flagd allows strings). */
  public static final String KILL_MEMORY = "llmrollout.killReplaced";

  /**
   * Flag-metadata key holding the rollout record, a JSON document stored as a string (flagd
   * metadata values are strings, numbers or booleans).
   */
  public static final String ROLLOUT_RECORD = "llmrollout.rolloutRecord";

  private FlagStates() {}

  public static FlagState of(String flagKey, JsonNode flag) {
    List<String> variants = new ArrayList<>();
    flag.path("variants").fieldNames().forEachRemaining(variants::add);
    String defaultVariant = flag.path("defaultVariant").textValue();
    Optional<String> killedTo =
        flag.path("metadata").has(KILL_MEMORY)
            ? Optional.ofNullable(defaultVariant)
            : Optional.empty();
    return new FlagState(
        flagKey,
        "ENABLED".equals(flag.path("state").asText()),
        variants,
        defaultVariant,
        killedTo.isPresent() ? Map.of(killedTo.get(), 100.0) : weights(flag, defaultVariant),
        killedTo,
        FlagFileParser.versionOf(flag),
        Optional.ofNullable(flag.path("metadata").path(ROLLOUT_RECORD).textValue()));
  }

  private static Map<String, Double> weights(JsonNode flag, String defaultVariant) {
    JsonNode targeting = flag.path("targeting");
    List<JsonNode> fractionals =
        targeting.isObject() ? TargetingTree.fractionals(targeting) : List.of();
    if (fractionals.isEmpty()) {
      return defaultVariant == null ? Map.of() : Map.of(defaultVariant, 100.0);
    }
    if (fractionals.size() > 1) {
      return Map.of();
    }
    return literalSplit(fractionals.get(0)).orElse(Map.of());
  }

  /** The split of a fractional whose buckets are all literal, in percent, in bucket order. */
  static Optional<Map<String, Double>> literalSplit(JsonNode fractionalArgs) {
    Map<String, Long> raw = new LinkedHashMap<>();
    long total = 0;
    for (JsonNode bucket : TargetingTree.buckets(fractionalArgs)) {
      JsonNode weight = bucket.size() > 1 ? bucket.get(1) : null;
      if (!bucket.get(0).isTextual() || (weight != null && !weight.isIntegralNumber())) {
        return Optional.empty();
      }
      long w = weight == null ? 1 : weight.longValue();
      raw.merge(bucket.get(0).textValue(), w, Long::sum);
      total += w;
    }
    if (total == 0) {
      return Optional.empty();
    }
    Map<String, Double> percent = new LinkedHashMap<>();
    long sum = total;
    raw.forEach((name, w) -> percent.put(name, w * 100.0 / sum));
    return Optional.of(percent);
  }
}
