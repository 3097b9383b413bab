package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds LaunchDarkly semantic patch bodies: {@code {"environmentKey", "comment", "instructions"}},
 * where instructions name variations by their {@code _id}.
 */
public final class SemanticPatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SemanticPatch() {}

  public static ObjectNode body(
      String environmentKey, String comment, List<ObjectNode> instructions) {
    ObjectNode body = JSON.createObjectNode();
    body.put("environmentKey", environmentKey);
    body.put("comment", comment);
    ArrayNode list = body.putArray("instructions");
    instructions.forEach(list::add);
    return body;
  }

  public static ObjectNode turnFlagOff() {
    return JSON.createObjectNode().put("kind", "turnFlagOff");
  }

  public static ObjectNode turnFlagOn() {
    return JSON.createObjectNode().put("kind", "turnFlagOn");
  }

  public static ObjectNode offVariation(RestFlag flag, int index) {
    return JSON.createObjectNode()
        .put("kind", "updateOffVariation")
        .put("variationId", flag.ids().get(index));
  }

  /**
   * The default rule as a percentage rollout, keeping the rollout's context kind and bucketing
   * attribute so that contexts stay in their buckets.
   *
   * @param units weight per variant name in 1/100000
   */
  public static ObjectNode rollout(RestFlag flag, Map<String, Integer> units) {
    ObjectNode instruction = JSON.createObjectNode();
    instruction.put("kind", "updateFallthroughVariationOrRollout");
    instruction.put("rolloutContextKind", flag.rolloutContextKind());
    instruction.put("rolloutBucketBy", flag.rolloutBucketBy());
    ObjectNode weights = instruction.putObject("rolloutWeights");
    units.forEach((name, weight) -> weights.put(flag.ids().get(flag.indexOf(name)), weight));
    return instruction;
  }

  /** The units keyed by variation index in variation order, as a rollout reads back. */
  public static Map<Integer, Integer> byIndex(RestFlag flag, Map<String, Integer> units) {
    Map<Integer, Integer> byIndex = new LinkedHashMap<>();
    for (int i = 0; i < flag.names().size(); i++) {
      Integer weight = units.get(flag.names().get(i));
      if (weight != null) {
        byIndex.put(i, weight);
      }
    }
    return byIndex;
  }

  /** The entries with a share, so that a read-back listing 0% variations still matches. */
  public static Map<Integer, Integer> nonZero(Map<Integer, Integer> rollout) {
    Map<Integer, Integer> shares = new LinkedHashMap<>();
    rollout.forEach(
        (index, weight) -> {
          if (weight > 0) {
            shares.put(index, weight);
          }
        });
    return shares;
  }
}
