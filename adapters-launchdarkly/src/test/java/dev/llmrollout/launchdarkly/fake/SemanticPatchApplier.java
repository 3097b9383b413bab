package dev.llmrollout.launchdarkly.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Applies a semantic patch to a flag's environment the way LaunchDarkly documents it: all
 * instructions or none, variations named by {@code _id}, rollout weights in thousandths of a
 * percent summing to 100000. Unknown instructions and bad parameters are a 400 with LaunchDarkly's
 * error body.
 */
final class SemanticPatchApplier {
  private SemanticPatchApplier() {}

  static FakeFlag apply(FakeFlag flag, JsonNode body, String environmentKey) {
    if (!body.isObject()) {
      throw badRequest("a semantic patch body must be a JSON object");
    }
    JsonNode instructions = body.path("instructions");
    if (!instructions.isArray() || instructions.isEmpty()) {
      throw badRequest("instructions: expected a non-empty array");
    }
    if (!environmentKey.equals(body.path("environmentKey").asText(null))) {
      throw badRequest("environmentKey: expected the key of an environment of this project");
    }
    ObjectNode targeting = flag.targeting();
    for (JsonNode instruction : instructions) {
      applyOne(flag, targeting, instruction);
    }
    return flag.withTargeting(targeting);
  }

  private static void applyOne(FakeFlag flag, ObjectNode targeting, JsonNode instruction) {
    String kind = instruction.path("kind").asText("");
    switch (kind) {
      case "turnFlagOn" -> targeting.put("on", true);
      case "turnFlagOff" -> targeting.put("on", false);
      case "updateOffVariation" ->
          targeting.put("offVariation", variation(flag, instruction.path("variationId")));
      case "updateFallthroughVariationOrRollout" ->
          targeting.set("fallthrough", fallthrough(flag, instruction));
      default -> throw badRequest("unsupported instruction kind '" + kind + "'");
    }
  }

  private static ObjectNode fallthrough(FakeFlag flag, JsonNode instruction) {
    ObjectNode fallthrough = FakeFlag.JSON.createObjectNode();
    if (instruction.has("variationId")) {
      fallthrough.put("variation", variation(flag, instruction.path("variationId")));
      return fallthrough;
    }
    JsonNode weights = instruction.path("rolloutWeights");
    if (!weights.isObject() || weights.isEmpty()) {
      throw badRequest(
          "updateFallthroughVariationOrRollout: expected variationId or rolloutWeights");
    }
    int[] byIndex = new int[flag.variations().size()];
    boolean[] listed = new boolean[byIndex.length];
    long sum = 0;
    for (Map.Entry<String, JsonNode> e : weights.properties()) {
      int index = flag.indexOfId(e.getKey());
      if (index < 0) {
        throw badRequest("rolloutWeights: unknown variation id " + e.getKey());
      }
      if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
        throw badRequest("rolloutWeights: weights must be non-negative integers");
      }
      byIndex[index] = e.getValue().asInt();
      listed[index] = true;
      sum += byIndex[index];
    }
    if (sum != 100_000) {
      throw badRequest("rolloutWeights: weights must sum to 100000, found " + sum);
    }
    ObjectNode rollout = fallthrough.putObject("rollout");
    rollout.put("kind", "rollout");
    rollout.put("contextKind", instruction.path("rolloutContextKind").asText("user"));
    rollout.put("bucketBy", instruction.path("rolloutBucketBy").asText("key"));
    ArrayNode list = rollout.putArray("variations");
    for (int i = 0; i < byIndex.length; i++) {
      if (listed[i]) {
        list.addObject().put("variation", i).put("weight", byIndex[i]);
      }
    }
    return fallthrough;
  }

  private static int variation(FakeFlag flag, JsonNode id) {
    int index = id.isTextual() ? flag.indexOfId(id.asText()) : -1;
    if (index < 0) {
      throw badRequest("variationId: unknown variation id " + id);
    }
    return index;
  }

  private static ApiError badRequest(String message) {
    return new ApiError(400, "invalid_request", message);
  }
}
