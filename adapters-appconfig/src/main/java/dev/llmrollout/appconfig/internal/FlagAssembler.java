package dev.llmrollout.appconfig.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.variant.InvalidVariantException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link FlagDefinition} from the parts both document formats share: variants, a default
 * and a split. Every problem becomes a broken flag whose message names the flag and the field.
 */
final class FlagAssembler {
  private FlagAssembler() {}

  /**
   * @param weights variant name to weight, in split order; empty for a flag without a split. The
   *     weights may be fractional percentages: they are scaled to integers, which keeps every
   *     user's bucket where it was.
   */
  static FlagDefinition assemble(
      String key,
      JsonNode source,
      JsonNode variantsNode,
      String defaultVariant,
      Map<String, BigDecimal> weights,
      String flagVersion) {
    if (variantsNode == null || !variantsNode.isObject() || variantsNode.isEmpty()) {
      return FlagDefinition.broken(
          key, source, "flag '" + key + "': variants: expected an object of named payloads");
    }
    Map<String, VariantPayload> variants = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> variant : variantsNode.properties()) {
      try {
        variants.put(
            variant.getKey(),
            VariantPayload.parse(key, variant.getKey(), variant.getValue(), flagVersion));
      } catch (InvalidVariantException e) {
        return FlagDefinition.broken(key, source, e.getMessage());
      }
    }
    String fallback = defaultVariant == null ? variants.keySet().iterator().next() : defaultVariant;
    if (!variants.containsKey(fallback)) {
      return FlagDefinition.broken(
          key,
          source,
          "flag '"
              + key
              + "': defaultVariant '"
              + fallback
              + "': expected one of "
              + variants.keySet());
    }
    List<String> splitVariants = new ArrayList<>();
    List<Integer> splitWeights;
    try {
      for (Map.Entry<String, BigDecimal> weight : weights.entrySet()) {
        if (!variants.containsKey(weight.getKey())) {
          throw new IllegalArgumentException(
              "weights: variant '" + weight.getKey() + "' is not one of " + variants.keySet());
        }
        splitVariants.add(weight.getKey());
      }
      splitWeights = IntegerWeights.scale(List.copyOf(weights.values()));
    } catch (IllegalArgumentException e) {
      return FlagDefinition.broken(key, source, "flag '" + key + "': " + e.getMessage());
    }
    return FlagDefinition.serving(key, source, variants, fallback, splitVariants, splitWeights);
  }
}
