package dev.llmrollout.launchdarkly.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import java.util.List;
import java.util.Map;

/**
 * Applies an RFC 6902 JSON Patch to a flag's REST representation, as {@code patchFeatureFlag}
 * documents it: the body is an array of operations or {@code {"comment", "patch"}} (schema {@code
 * PatchWithComment}); a {@code test} that does not hold refuses the whole patch (409). Only the
 * environment's targeting and the flag's plain settings (name, description, tags...) may change
 * here.
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
      // patchFeatureFlag documents 400 (not 422) for a patch that cannot be applied.
      throw new ApiError(400, "invalid_request", "Invalid request body: " + e.getMessage());
    }
    return fromRest(flag, before, after, environmentKey);
  }

  /** The flag with the patched targeting and settings; any other change is refused. */
  private static FakeFlag fromRest(
      FakeFlag flag, ObjectNode before, JsonNode after, String environmentKey) {
    JsonNode env = after.path("environments").path(environmentKey);
    ObjectNode targeting = flag.targeting();
    for (String field : TARGETING) {
      if (env.has(field)) {
        targeting.set(field, env.get(field));
      } else {
        targeting.remove(field);
      }
    }
    checkCustomProperties(after.path("customProperties"));
    ObjectNode settings = flag.settings();
    FakeFlag.SETTINGS.forEach(field -> settings.set(field, after.get(field)));
    FakeFlag patched = flag.withTargeting(targeting).withSettings(settings);
    if (!patched.restJson(environmentKey).equals(after)) {
      throw new ApiError(
          400,
          "invalid_request",
          "the local LaunchDarkly patches only an environment's targeting and "
              + FakeFlag.SETTINGS);
    }
    return patched;
  }

  /**
   * {@code FeatureFlag.customProperties} maps a key to a {@code customProperty}: {@code name}, a
   * string, and {@code value}, an array of strings, both required.
   */
  private static void checkCustomProperties(JsonNode properties) {
    if (!properties.isObject()) {
      throw new ApiError(400, "invalid_request", "customProperties: expected an object");
    }
    for (Map.Entry<String, JsonNode> property : properties.properties()) {
      JsonNode value = property.getValue().path("value");
      boolean strings = value.isArray();
      for (JsonNode item : value) {
        strings &= item.isTextual();
      }
      if (!property.getValue().path("name").isTextual() || !strings) {
        throw new ApiError(
            400,
            "invalid_request",
            "customProperties."
                + property.getKey()
                + ": expected {\"name\": string, \"value\": [string]}");
      }
    }
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
