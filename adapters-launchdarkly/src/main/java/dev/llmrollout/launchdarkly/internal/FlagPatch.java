package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds LaunchDarkly JSON Patch bodies ({@code {"comment", "patch": [...]}}, the {@code
 * PatchWithComment} schema of {@code patchFeatureFlag}) for one environment's targeting, each
 * opened by LaunchDarkly's documented precondition: a {@code test} of the environment's flag
 * version, so that the patch applies only to the version it was planned on. Semantic patch has no
 * such precondition, which is why write-back uses JSON Patch.
 *
 * <p>Writing the environment's targeting does not move that version when only the flag-level
 * rollout record ({@link RolloutRecordProperty}) changed, so a patch that must not land over
 * another writer's record also {@code test}s the record as read (RFC 6902 compares the values): the
 * record's custom property when there is one, else the whole {@code customProperties} object, which
 * then lacks it.
 */
public final class FlagPatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String environmentKey;
  private final long testedVersion;
  private final ArrayNode operations = JSON.createArrayNode();
  private ObjectNode recordTest;

  private FlagPatch(String environmentKey, long testedVersion) {
    this.environmentKey = environmentKey;
    this.testedVersion = testedVersion;
  }

  /** A patch that applies only while the environment's flag version is {@code version}. */
  public static FlagPatch onVersion(String environmentKey, long version) {
    return new FlagPatch(environmentKey, version);
  }

  public long testedVersion() {
    return testedVersion;
  }

  public boolean isEmpty() {
    return operations.isEmpty();
  }

  /** Makes the patch apply only while the rollout record is as in {@code flag}. */
  public FlagPatch testRecord(RestFlag flag) {
    String key = RolloutRecordProperty.key(environmentKey);
    JsonNode properties = flag.customProperties();
    recordTest = JSON.createObjectNode().put("op", "test");
    if (properties.has(key)) {
      recordTest.put("path", "/customProperties/" + pointerEscape(key));
      recordTest.set("value", properties.get(key));
    } else {
      recordTest.put("path", "/customProperties");
      recordTest.set("value", properties.isObject() ? properties : JSON.createObjectNode());
    }
    return this;
  }

  /** Stores {@code recordJson} as the environment's rollout record, or removes it when null. */
  public FlagPatch rolloutRecord(RestFlag flag, String recordJson) {
    String key = RolloutRecordProperty.key(environmentKey);
    String path = "/customProperties/" + pointerEscape(key);
    if (recordJson == null) {
      if (flag.customProperties().has(key)) {
        operations.addObject().put("op", "remove").put("path", path);
      }
      return this;
    }
    if (!flag.rolloutRecord().equals(Optional.of(recordJson))) {
      operations
          .addObject()
          .put("op", "add")
          .put("path", path)
          .set("value", RolloutRecordProperty.property(environmentKey, recordJson));
    }
    return this;
  }

  /** Targeting on or off ({@code on}). */
  public FlagPatch on(boolean on) {
    return replace("on", JSON.getNodeFactory().booleanNode(on));
  }

  /** The variation served when targeting is off. */
  public FlagPatch offVariation(int index) {
    return replace("offVariation", JSON.getNodeFactory().numberNode(index));
  }

  /**
   * The default rule as a percentage rollout, keeping the flag's context kind and bucketing
   * attribute so that contexts stay in their buckets.
   *
   * @param units weight per variant name in 1/100000
   */
  public FlagPatch rollout(RestFlag flag, Map<String, Integer> units) {
    ObjectNode fallthrough = JSON.createObjectNode();
    ObjectNode rollout = fallthrough.putObject("rollout");
    ArrayNode variations = rollout.putArray("variations");
    byIndex(flag, units)
        .forEach((i, w) -> variations.addObject().put("variation", i).put("weight", w));
    rollout.put("contextKind", flag.rolloutContextKind());
    rollout.put("bucketBy", flag.rolloutBucketBy());
    return replace("fallthrough", fallthrough);
  }

  /** The request body: the version test first, then the changes, with the audit comment. */
  public ObjectNode body(String comment) {
    ObjectNode body = JSON.createObjectNode();
    body.put("comment", comment);
    ArrayNode patch = body.putArray("patch");
    patch.addObject().put("op", "test").put("path", versionPath()).put("value", testedVersion);
    if (recordTest != null) {
      patch.add(recordTest);
    }
    patch.addAll(operations);
    return body;
  }

  private FlagPatch replace(String field, JsonNode value) {
    operations
        .addObject()
        .put("op", "replace")
        .put("path", environmentPath() + field)
        .set("value", value);
    return this;
  }

  private String environmentPath() {
    return "/environments/" + pointerEscape(environmentKey) + "/";
  }

  private String versionPath() {
    return environmentPath() + "version";
  }

  /** RFC 6901: {@code ~} and {@code /} in a key are escaped. */
  private static String pointerEscape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
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
