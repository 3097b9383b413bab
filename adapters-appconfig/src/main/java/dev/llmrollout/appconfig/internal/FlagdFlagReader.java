package dev.llmrollout.appconfig.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one flag in flagd format: {@code state}, {@code variants}, {@code defaultVariant} and a
 * {@code targeting} that is empty or a top-level {@code fractional} split with flagd's default
 * bucketing (flag key + targeting key).
 */
final class FlagdFlagReader {
  private FlagdFlagReader() {}

  static FlagDefinition read(String key, JsonNode node, String flagVersion) {
    if (!node.isObject()) {
      return FlagDefinition.broken(key, node, "flag '" + key + "': expected an object");
    }
    String state = node.path("state").asText("");
    if ("DISABLED".equals(state)) {
      return FlagDefinition.disabled(key, node);
    }
    if (!"ENABLED".equals(state)) {
      return FlagDefinition.broken(
          key, node, "flag '" + key + "': state: expected ENABLED or DISABLED, found " + state);
    }
    JsonNode defaultVariant = node.get("defaultVariant");
    if (defaultVariant == null || !defaultVariant.isTextual()) {
      return FlagDefinition.broken(
          key, node, "flag '" + key + "': defaultVariant: expected a variant name");
    }
    try {
      Map<String, BigDecimal> weights = fractional(node.get("targeting"));
      return FlagAssembler.assemble(
          key, node, node.get("variants"), defaultVariant.textValue(), weights, flagVersion);
    } catch (IllegalArgumentException e) {
      return FlagDefinition.broken(key, node, "flag '" + key + "': " + e.getMessage());
    }
  }

  /** The split of a {@code {"fractional": [["a", 95], ["b", 5]]}} targeting rule, in order. */
  static Map<String, BigDecimal> fractional(JsonNode targeting) {
    Map<String, BigDecimal> weights = new LinkedHashMap<>();
    if (targeting == null || targeting.isNull() || targeting.isEmpty()) {
      return weights;
    }
    JsonNode args = targeting.get("fractional");
    if (targeting.size() != 1 || args == null || !args.isArray()) {
      throw new IllegalArgumentException(
          "targeting: expected {} or {\"fractional\": [[variant, weight], ...]};"
              + " other JSON Logic rules are not evaluated by the AppConfig backend");
    }
    for (JsonNode arg : args) {
      if (!arg.isArray()) {
        throw new IllegalArgumentException(
            "targeting.fractional: expected [variant, weight] pairs; a custom bucketing"
                + " expression is not supported (the split hashes flag key + targeting key)");
      }
      if (arg.isEmpty() || !arg.get(0).isTextual()) {
        throw new IllegalArgumentException(
            "targeting.fractional: expected a variant name first in " + arg);
      }
      JsonNode weight = arg.size() > 1 ? arg.get(1) : null;
      if (weight != null && !weight.canConvertToExactIntegral()) {
        throw new IllegalArgumentException(
            "targeting.fractional: weight of '"
                + arg.get(0).textValue()
                + "' is "
                + weight
                + ", expected a whole number");
      }
      weights.put(arg.get(0).textValue(), weight == null ? BigDecimal.ONE : weight.decimalValue());
    }
    return weights;
  }
}
