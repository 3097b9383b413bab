package dev.llmrollout.local.internal;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * The edits the write-back makes to one flag's definition, in place, so that every other field and
 * the key order stay as the user wrote them.
 */
public final class FlagFileEditor {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DECIMALS = 4;
  private static final List<String> REPLACED_BY_KILL =
      List.of("state", "defaultVariant", "targeting");

  private FlagFileEditor() {}

  /** Sets the flag's split, creating a shorthand fractional when the flag has no targeting. */
  public static void setWeights(String flagKey, ObjectNode flag, Map<String, Double> weights) {
    FlagState state = FlagStates.of(flagKey, flag);
    if (state.killed()) {
      throw invalid(
          flagKey,
          "is killed to '" + state.killedTo().get() + "'; restore it before changing weights");
    }
    Map<String, Long> integral = integralWeights(flagKey, weights);
    JsonNode targeting = flag.path("targeting");
    if (!targeting.isObject() || targeting.isEmpty()) {
      ArrayNode buckets = JSON.createArrayNode();
      for (String variant : state.variants()) {
        if (integral.containsKey(variant)) {
          buckets.add(JSON.createArrayNode().add(variant).add(integral.get(variant)));
        }
      }
      flag.set("targeting", JSON.createObjectNode().set("fractional", buckets));
      return;
    }
    List<JsonNode> fractionals = TargetingTree.fractionals(targeting);
    if (fractionals.size() != 1 || FlagStates.literalSplit(fractionals.get(0)).isEmpty()) {
      throw invalid(
          flagKey,
          "has "
              + fractionals.size()
              + " fractional splits or computed buckets in its targeting; expected exactly one"
              + " fractional with literal buckets to set weights on");
    }
    rewriteBuckets((ArrayNode) fractionals.get(0), integral, state.variants());
  }

  private static void rewriteBuckets(
      ArrayNode fractional, Map<String, Long> weights, List<String> variantOrder) {
    List<String> order = new ArrayList<>();
    for (JsonNode bucket : TargetingTree.buckets(fractional)) {
      order.add(bucket.get(0).textValue());
    }
    variantOrder.stream()
        .filter(v -> weights.containsKey(v) && !order.contains(v))
        .forEach(order::add);
    JsonNode bucketingExpression =
        TargetingTree.hasBucketingExpression(fractional) ? fractional.get(0) : null;
    fractional.removeAll();
    if (bucketingExpression != null) {
      fractional.add(bucketingExpression);
    }
    for (String variant : order) {
      fractional.add(JSON.createArrayNode().add(variant).add(weights.getOrDefault(variant, 0L)));
    }
  }

  /** Percentages as the smallest integer weights that express them exactly. */
  static Map<String, Long> integralWeights(String flagKey, Map<String, Double> weights) {
    int decimals = 0;
    for (double w : weights.values()) {
      int scale = Math.max(0, BigDecimal.valueOf(w).stripTrailingZeros().scale());
      if (scale > MAX_DECIMALS) {
        throw invalid(flagKey, "weight " + w + " is finer than 0.0001 percent");
      }
      decimals = Math.max(decimals, scale);
    }
    long factor = (long) Math.pow(10, decimals);
    Map<String, Long> integral = new LinkedHashMap<>();
    weights.forEach((k, v) -> integral.put(k, Math.round(v * factor)));
    return integral;
  }

  /**
   * Sends everyone to {@code safeVariant}, remembering the replaced fields in flag metadata as the
   * file wrote them ({@code originalText} gives a field's text, or null), so a restore can put the
   * same lines back.
   */
  public static void kill(
      String flagKey, ObjectNode flag, String safeVariant, UnaryOperator<String> originalText) {
    FlagState state = FlagStates.of(flagKey, flag);
    if (!state.variants().contains(safeVariant)) {
      throw new WriteBackException(
          Kind.NOT_FOUND,
          flagKey,
          "flag '"
              + flagKey
              + "': no variant '"
              + safeVariant
              + "', expected one of "
              + state.variants());
    }
    if (!state.killed()) {
      StringJoiner memory = new StringJoiner(", ", "{", "}");
      for (String field : REPLACED_BY_KILL) {
        String text = flag.has(field) ? originalText.apply(field) : null;
        memory.add("\"" + field + "\": " + (text == null ? "null" : text));
      }
      metadata(flag).put(FlagStates.KILL_MEMORY, memory.toString());
    }
    flag.put("state", "ENABLED");
    flag.put("defaultVariant", safeVariant);
    flag.set("targeting", JSON.createObjectNode());
  }

  /**
   * Puts back what the kill replaced.
   *
   * @return each restored field's text as the kill remembered it, for the file to write verbatim
   */
  public static Map<String, String> restore(String flagKey, ObjectNode flag) {
    JsonNode stored = flag.path("metadata").get(FlagStates.KILL_MEMORY);
    if (stored == null) {
      throw invalid(flagKey, "is not killed; there is nothing to restore");
    }
    JsonNode memory;
    try {
      memory = JSON.readTree(stored.asText());
    } catch (JsonProcessingException e) {
      throw invalid(
          flagKey, "metadata." + FlagStates.KILL_MEMORY + " is not the JSON a kill wrote");
    }
    Map<String, String> texts = new LinkedHashMap<>();
    for (String field : REPLACED_BY_KILL) {
      putBack(flag, field, memory.get(field));
      texts.put(field, rememberedText(stored.asText(), field));
    }
    ((ObjectNode) flag.get("metadata")).remove(FlagStates.KILL_MEMORY);
    removeIfEmpty(flag);
    return texts;
  }

  /**
   * Stores {@code recordJson} under {@link FlagStates#ROLLOUT_RECORD} in the flag's metadata, or
   * removes it (and an emptied metadata object) when null.
   */
  public static void setRolloutRecord(String flagKey, ObjectNode flag, String recordJson) {
    if (recordJson == null) {
      if (flag.get("metadata") instanceof ObjectNode metadata) {
        metadata.remove(FlagStates.ROLLOUT_RECORD);
        removeIfEmpty(flag);
      }
      return;
    }
    try {
      JSON.readTree(recordJson);
    } catch (JsonProcessingException e) {
      throw invalid(flagKey, "rollout record is not JSON: " + e.getOriginalMessage());
    }
    metadata(flag).put(FlagStates.ROLLOUT_RECORD, recordJson);
  }

  private static void removeIfEmpty(ObjectNode flag) {
    if (flag.path("metadata").isEmpty()) {
      flag.remove("metadata");
    }
  }

  private static String rememberedText(String memory, String field) {
    try {
      return JsonTextEdit.originalText(memory, JsonPointer.compile("/" + field));
    } catch (IOException e) {
      throw new IllegalStateException("the kill memory parsed once and must parse again", e);
    }
  }

  private static void putBack(ObjectNode flag, String field, JsonNode value) {
    if (value == null || value.isNull()) {
      flag.remove(field);
    } else {
      flag.set(field, value);
    }
  }

  private static ObjectNode metadata(ObjectNode flag) {
    JsonNode metadata = flag.get("metadata");
    if (metadata instanceof ObjectNode object) {
      return object;
    }
    return flag.putObject("metadata");
  }

  private static WriteBackException invalid(String flagKey, String detail) {
    return new WriteBackException(
        Kind.INVALID_REQUEST, flagKey, "flag '" + flagKey + "' " + detail);
  }
}
