package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Static reading of a targeting rule's JSON, before it ever runs. */
public final class TargetingTree {
  private TargetingTree() {}

  /** Every {@code fractional} argument array in the rule, in document order. */
  public static List<JsonNode> fractionals(JsonNode node) {
    List<JsonNode> found = new ArrayList<>();
    collectFractionals(node, found);
    return found;
  }

  private static void collectFractionals(JsonNode node, List<JsonNode> found) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getKey().equals("fractional") && e.getValue().isArray()) {
          found.add(e.getValue());
        }
        collectFractionals(e.getValue(), found);
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectFractionals(child, found));
    }
  }

  /**
   * The literal strings the rule can return as a variant name: {@code if} branches and {@code
   * fractional} bucket names. Names computed at run time are not included.
   */
  public static List<String> literalResults(JsonNode node) {
    List<String> names = new ArrayList<>();
    collectResults(node, names);
    return names;
  }

  private static void collectResults(JsonNode node, List<String> names) {
    if (node.isTextual()) {
      names.add(node.textValue());
      return;
    }
    if (!node.isObject() || node.size() != 1) {
      return;
    }
    JsonNode ifArgs = node.get("if");
    if (ifArgs != null && ifArgs.isArray()) {
      for (int i = 1; i < ifArgs.size(); i += 2) {
        collectResults(ifArgs.get(i), names);
      }
      if (ifArgs.size() % 2 == 1 && ifArgs.size() > 1) {
        collectResults(ifArgs.get(ifArgs.size() - 1), names);
      }
      return;
    }
    JsonNode fractional = node.get("fractional");
    if (fractional != null && fractional.isArray()) {
      for (JsonNode bucket : buckets(fractional)) {
        collectResults(bucket.get(0), names);
      }
    }
  }

  /** The bucket arrays of a fractional's arguments (skipping a leading bucketing expression). */
  public static List<JsonNode> buckets(JsonNode fractionalArgs) {
    List<JsonNode> buckets = new ArrayList<>();
    for (int i = 0; i < fractionalArgs.size(); i++) {
      JsonNode arg = fractionalArgs.get(i);
      if (arg.isArray() && !arg.isEmpty()) {
        buckets.add(arg);
      }
    }
    return buckets;
  }

  /** True when the fractional's arguments start with a bucketing expression, not a bucket. */
  public static boolean hasBucketingExpression(JsonNode fractionalArgs) {
    return !fractionalArgs.isEmpty() && !fractionalArgs.get(0).isArray();
  }
}
