package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.FlagState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A flag as LaunchDarkly's REST API returns it, reduced to what write-back needs: the variations
 * (name, value; each must carry its {@code _id}), and one environment's switch, off variation,
 * default rule and version. The environment, and so every patch of it, refers to variations by
 * index.
 *
 * @param key the flag key
 * @param names readable variation names by index (see {@link VariationNaming})
 * @param on whether targeting is on in the environment
 * @param offVariation the index served when off, or -1 when the caller's default is
 * @param fixedFallthrough the default rule's single variation index, or -1 for a rollout
 * @param rollout the default rule's rollout: variation index to weight in 1/100000, in order
 * @param rolloutContextKind the rollout's context kind
 * @param rolloutBucketBy the rollout's bucketing attribute
 * @param version the environment's flag version (the SDK's flag version)
 * @param customProperties the flag's custom properties as read, for a {@code test} of them
 * @param rolloutRecord the rollout record stored for this environment (see {@link
 *     RolloutRecordProperty})
 */
public record RestFlag(
    String key,
    List<String> names,
    boolean on,
    int offVariation,
    int fixedFallthrough,
    Map<Integer, Integer> rollout,
    String rolloutContextKind,
    String rolloutBucketBy,
    long version,
    JsonNode customProperties,
    Optional<String> rolloutRecord) {

  /** Total rollout weight: 100% in LaunchDarkly's units. */
  public static final int FULL = 100_000;

  /**
   * Reads the REST representation.
   *
   * @throws IllegalArgumentException naming the field when the body lacks what write-back needs
   */
  public static RestFlag parse(String flagKey, String environmentKey, JsonNode flag) {
    JsonNode variations = flag.path("variations");
    if (!variations.isArray() || variations.isEmpty()) {
      throw invalid(flagKey, "$.variations", "a non-empty array");
    }
    List<String> restNames = new ArrayList<>();
    List<JsonNode> values = new ArrayList<>();
    for (JsonNode v : variations) {
      if (!v.path("_id").isTextual()) {
        throw invalid(flagKey, "$.variations[]._id", "a variation id");
      }
      restNames.add(v.path("name").asText(""));
      values.add(v.path("value"));
    }
    JsonNode env = flag.path("environments").path(environmentKey);
    if (!env.isObject()) {
      throw invalid(flagKey, "$.environments." + environmentKey, "the environment's settings");
    }
    JsonNode fallthrough = env.path("fallthrough");
    JsonNode rolloutNode = fallthrough.path("rollout");
    Map<Integer, Integer> rollout = new LinkedHashMap<>();
    rolloutNode
        .path("variations")
        .forEach(w -> rollout.put(w.path("variation").asInt(), w.path("weight").asInt()));
    long version =
        env.path("version").canConvertToLong()
            ? env.path("version").asLong()
            : flag.path("_version").asLong();
    return new RestFlag(
        flagKey,
        VariationNaming.names(values, Optional.of(restNames)),
        env.path("on").asBoolean(false),
        env.path("offVariation").isInt() ? env.path("offVariation").asInt() : -1,
        fallthrough.path("variation").isInt() ? fallthrough.path("variation").asInt() : -1,
        rollout,
        rolloutNode.path("contextKind").asText("user"),
        rolloutNode.path("bucketBy").asText("key"),
        version,
        flag.path("customProperties").deepCopy(),
        RolloutRecordProperty.read(flagKey, environmentKey, flag));
  }

  /**
   * The version the write-back SPI reports: the environment's flag version, followed by a digest of
   * the rollout record when there is one ({@code 12:3fa9c0d1e2b4}). The record is flag-level, so
   * writing it moves only the flag's {@code _version}; the digest makes it move this version too.
   */
  public String stateVersion() {
    return rolloutRecord
        .map(record -> version + ":" + RolloutRecordProperty.digest(record))
        .orElse(Long.toString(version));
  }

  /** The environment's flag version in a version {@link #stateVersion()} reported. */
  public static long environmentVersion(String stateVersion) {
    int colon = stateVersion.indexOf(':');
    return Long.parseLong(colon < 0 ? stateVersion : stateVersion.substring(0, colon));
  }

  /** The REST API's raw variation names (blank when unnamed), for {@code VariationNameSource}. */
  public static List<String> rawNames(JsonNode flag) {
    List<String> names = new ArrayList<>();
    flag.path("variations").forEach(v -> names.add(v.path("name").asText("")));
    return names;
  }

  public int indexOf(String variantName) {
    return names.indexOf(variantName);
  }

  /** True when the flag is off and serves its off variation to everyone: a kill in effect. */
  public boolean killed() {
    return !on && offVariation >= 0;
  }

  /** The state the write-back SPI reports. */
  public FlagState toState() {
    Map<String, Double> weights = new LinkedHashMap<>();
    Optional<String> killedTo = Optional.empty();
    if (killed()) {
      killedTo = Optional.of(names.get(offVariation));
      weights.put(names.get(offVariation), 100.0);
    } else if (on && fixedFallthrough >= 0) {
      weights.put(names.get(fixedFallthrough), 100.0);
    } else if (on) {
      rollout.forEach((index, weight) -> weights.put(names.get(index), weight / 1000.0));
    }
    String defaultVariant = offVariation >= 0 ? names.get(offVariation) : names.get(0);
    return new FlagState(
        key,
        on || offVariation >= 0,
        names,
        defaultVariant,
        weights,
        killedTo,
        stateVersion(),
        rolloutRecord);
  }

  private static IllegalArgumentException invalid(String flagKey, String path, String expected) {
    return new IllegalArgumentException(
        "flag '" + flagKey + "': LaunchDarkly's answer at " + path + ": expected " + expected);
  }
}
