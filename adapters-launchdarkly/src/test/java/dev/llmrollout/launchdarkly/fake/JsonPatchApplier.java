package dev.llmrollout.launchdarkly.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import java.util.List;

/**
 * Applies an RFC 6902 JSON Patch to a flag's REST representation, as {@code patchFeatureFlag}
 * documents it: the body is an array of operations or {@code {"comment", "patch"}} (schema {@code
 * PatchWithComment}); a {@code test} that does not hold refuses the whole patch. Only the
 * environment's targeting may change here; the local LaunchDarkly does not edit flag-level fields.
 */
final class JsonPatchApplier {
  /** The environment fields a patch may change (LaunchDarkly's {@code FeatureFlagConfig}). */
  private static final List<String> TARGETING =
      List.of(
          "on",
          "offVariation",
          "fallthrough",
          "targets",
          "contextTargets",
          "rules",
          "prerequisites");

  private JsonPatchApplier() {}

  /** The JSON Patch operations of a request body. */
  static JsonNode operations(JsonNode body) {
    JsonNode operations = body.isArray() ? body : body.path("patch");
    if (!operations.isArray()) {
      throw new ApiError(400, "invalid_request", "a JSON patch must be an array of operations");
    }
    return operations;
  }

  static FakeFlag apply(FakeFlag flag, JsonNode operations, String environmentKey) {
    ObjectNode before = flag.restJson(environmentKey);
    JsonNode after;
    try {
      after = JsonPatch.apply(operations, before);
    } catch (InvalidJsonPatchException e) {
      throw new ApiError(400, "invalid_request", "Invalid request body: " + e.getMessage());
    } catch (JsonPatchApplicationException e) {
      if (failedTest(operations, before)) {
        // A failed precondition: the flag changed since the version the writer tested.
        throw new ApiError(
            409, "optimistic_locking_error", "Conflict. Optimistic lock error. Try again later.");
      }
      throw new ApiError(422, "patch_failed", "Unprocessable entity. Could not apply patch.");
    }
    JsonNode env = after.path("environments").path(environmentKey);
    ObjectNode untouchedRest = (ObjectNode) after.deepCopy();
    ((ObjectNode) untouchedRest.path("environments")).remove(environmentKey);
    ObjectNode beforeRest = before.deepCopy();
    ((ObjectNode) beforeRest.path("environments")).remove(environmentKey);
    if (!untouchedRest.equals(beforeRest)
        || !env.path("version")
            .equals(before.path("environments").path(environmentKey).path("version"))) {
      throw new ApiError(
          400, "invalid_request", "the local LaunchDarkly patches only an environment's targeting");
    }
    ObjectNode targeting = flag.targeting();
    for (String field : TARGETING) {
      if (env.has(field)) {
        targeting.set(field, env.get(field));
      } else {
        targeting.remove(field);
      }
    }
    return flag.withTargeting(targeting);
  }

  private static boolean failedTest(JsonNode operations, JsonNode document) {
    for (JsonNode op : operations) {
      if ("test".equals(op.path("op").asText())
          && !document.at(op.path("path").asText()).equals(op.path("value"))) {
        return true;
      }
    }
    return false;
  }
}
