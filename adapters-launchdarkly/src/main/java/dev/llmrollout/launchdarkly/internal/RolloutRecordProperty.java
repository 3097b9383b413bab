package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.RolloutRecords;
import dev.llmrollout.spi.WriteBackException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where a flag's rollout record lives in LaunchDarkly: the flag's custom property {@code
 * llm-rollout.<environment>} (REST schema {@code customProperty}: {@code {"name", "value":
 * [string]}}), whose one value is the record's JSON. Custom properties are flag-level and never
 * reach SDKs, so the record changes nothing any context is served; the key carries the environment
 * because a rollout runs in one environment.
 *
 * <p>LaunchDarkly's OpenAPI document gives custom property values no maximum length; records over
 * {@value #MAX_CHARS} characters are refused here, with the field named, so that a runaway record
 * cannot bloat every read of the flag.
 */
public final class RolloutRecordProperty {
  /** The longest record stored, in characters. */
  public static final int MAX_CHARS = 32 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "llm-rollout.";

  private RolloutRecordProperty() {}

  /** The custom property key for {@code environmentKey}. */
  public static String key(String environmentKey) {
    return PREFIX + environmentKey;
  }

  /**
   * The record stored in a flag's REST representation, if any.
   *
   * @throws IllegalArgumentException naming the field when the property is not one string
   */
  static Optional<String> read(String flagKey, String environmentKey, JsonNode flag) {
    JsonNode property = flag.path("customProperties").path(key(environmentKey));
    if (property.isMissingNode()) {
      return Optional.empty();
    }
    JsonNode values = property.path("value");
    if (!values.isArray() || values.size() != 1 || !values.get(0).isTextual()) {
      throw new IllegalArgumentException(
          "flag '"
              + flagKey
              + "': LaunchDarkly's answer at $.customProperties."
              + key(environmentKey)
              + ".value: expected one string (the rollout record)");
    }
    return Optional.of(values.get(0).textValue());
  }

  /** The custom property holding {@code recordJson}. */
  static ObjectNode property(String environmentKey, String recordJson) {
    ObjectNode property = JSON.createObjectNode();
    property.put("name", "llm-rollout rollout record (" + environmentKey + ")");
    property.putArray("value").add(recordJson);
    return property;
  }

  /**
   * Checks a record before it is written.
   *
   * @throws WriteBackException {@code INVALID_REQUEST} naming the flag and the field when the
   *     record is not JSON or is longer than {@value #MAX_CHARS} characters
   */
  public static void validate(String flagKey, String environmentKey, String recordJson) {
    String field = "customProperties." + key(environmentKey);
    RolloutRecords.requireStorable(flagKey, field, recordJson, MAX_CHARS);
  }

  /** A short digest of a record, so that the flag's version changes when the record does. */
  static String digest(String recordJson) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(recordJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
