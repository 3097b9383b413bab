package dev.llmrollout.appconfig.internal;

import static dev.llmrollout.appconfig.internal.ConfigurationReader.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.appconfig.DocumentFormat;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A hosted configuration version as stored in AppConfig, edited one flag at a time for write-back.
 * An {@code AWS.AppConfig.FeatureFlags} document keeps definitions in {@code flags} and values in
 * {@code values}; a flagd document keeps flags in {@code flags}. The kill memory (the safe variant
 * and the version the kill replaced) travels with the flag: as attributes {@code killedTo} and
 * {@code killedFrom}, or in flagd's flag {@code metadata}; so does the rollout record ({@link
 * RolloutRecords}), which every edit keeps.
 */
public final class StoredDocument {
  static final String KILLED_TO = "killedTo";
  static final String KILLED_FROM = "killedFrom";

  private final ObjectNode root;
  private final FlagAccess access;

  private StoredDocument(ObjectNode root, FlagAccess access) {
    this.root = root;
    this.access = access;
  }

  /** Reads hosted content; the format is detected from the stored shape. */
  public static StoredDocument parse(byte[] content) throws MalformedConfigurationException {
    JsonNode node;
    try {
      node = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new MalformedConfigurationException(
          "hosted configuration: expected JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new MalformedConfigurationException("hosted configuration: unreadable", e);
    }
    if (node == null || !node.isObject() || !node.path("flags").isObject()) {
      throw new MalformedConfigurationException(
          "hosted configuration: expected an object with 'flags'");
    }
    ObjectNode root = (ObjectNode) node;
    boolean featureFlags = root.path("values").isObject();
    return new StoredDocument(root, featureFlags ? new FeatureFlagsAccess() : new FlagdAccess());
  }

  /** The format of this document. */
  public DocumentFormat format() {
    return access instanceof FeatureFlagsAccess
        ? DocumentFormat.FEATURE_FLAGS
        : DocumentFormat.FLAGD;
  }

  public byte[] bytes() {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** The flag's rollout state; {@code version} is the hosted version number it was read from. */
  public FlagState state(String flagKey, String version) {
    FlagParts parts = parts(flagKey);
    Map<String, Double> weights =
        parts.weights().isEmpty()
            ? Map.of(parts.defaultVariant(), 100.0)
            : IntegerWeights.percentages(parts.weights());
    return new FlagState(
        flagKey,
        parts.enabled(),
        java.util.List.copyOf(parts.variantNames()),
        parts.defaultVariant(),
        weights,
        parts.killedTo(),
        version,
        rolloutRecord(flagKey));
  }

  /** The rollout record stored with the flag, if any. */
  public Optional<String> rolloutRecord(String flagKey) {
    parts(flagKey);
    try {
      return access.readRecord(root, flagKey);
    } catch (IllegalArgumentException e) {
      throw new WriteBackException(
          WriteBackException.Kind.INVALID_REQUEST,
          flagKey,
          "flag '" + flagKey + "': rollout record unreadable: " + e.getMessage());
    }
  }

  /** Where the record is kept, for messages: the attribute or metadata entry. */
  public String recordField(String flagKey) {
    return access instanceof FeatureFlagsAccess
        ? "values." + flagKey + "." + RolloutRecords.NAME
        : "flags." + flagKey + ".metadata." + RolloutRecords.NAME;
  }

  /** A copy with the flag's rollout record set, or removed when {@code recordJson} is null. */
  public StoredDocument withRolloutRecord(String flagKey, String recordJson) {
    StoredDocument copy = copy();
    copy.parts(flagKey);
    copy.access.writeRecord(copy.root, flagKey, Optional.ofNullable(recordJson));
    return copy;
  }

  /** The version number the flag's kill replaced, when it is killed. */
  public Optional<Integer> killedFrom(String flagKey) {
    return parts(flagKey).killedFrom();
  }

  /** A copy with the flag split by {@code percent}, its kill memory cleared. */
  public StoredDocument withWeights(String flagKey, Map<String, Double> percent) {
    StoredDocument copy = copy();
    copy.parts(flagKey);
    copy.access.writeSplit(copy.root, flagKey, toDecimals(percent), Optional.empty());
    copy.access.writeKill(copy.root, flagKey, Optional.empty(), Optional.empty());
    return copy;
  }

  /**
   * A copy with every evaluation of the flag sent to {@code safeVariant}; the first kill's memory
   * is kept when the flag is already killed.
   */
  public StoredDocument killed(String flagKey, String safeVariant, int replacedVersion) {
    FlagParts parts = parts(flagKey);
    if (!parts.variantNames().contains(safeVariant)) {
      throw new WriteBackException(
          WriteBackException.Kind.NOT_FOUND,
          flagKey,
          "flag '"
              + flagKey
              + "': safe variant '"
              + safeVariant
              + "' is not one of "
              + parts.variantNames());
    }
    Map<String, BigDecimal> weights = new LinkedHashMap<>();
    for (String variant :
        parts.weights().isEmpty() ? parts.variantNames() : parts.weights().keySet()) {
      weights.put(variant, BigDecimal.ZERO);
    }
    weights.put(safeVariant, BigDecimal.valueOf(100));
    StoredDocument copy = copy();
    copy.access.writeSplit(copy.root, flagKey, weights, Optional.of(safeVariant));
    copy.access.writeKill(
        copy.root,
        flagKey,
        Optional.of(parts.killedTo().orElse(safeVariant)),
        Optional.of(parts.killedFrom().orElse(replacedVersion)));
    return copy;
  }

  /**
   * A copy whose definition of {@code flagKey} is taken from {@code older}, kill memory cleared,
   * this document's rollout record kept.
   */
  public StoredDocument withFlagFrom(StoredDocument older, String flagKey) {
    Optional<String> record = rolloutRecord(flagKey);
    StoredDocument copy = copy();
    copy.access.copyFlag(older.root, copy.root, flagKey);
    copy.access.writeKill(copy.root, flagKey, Optional.empty(), Optional.empty());
    copy.access.writeRecord(copy.root, flagKey, record);
    return copy;
  }

  /**
   * True when both documents hold the same flags apart from {@code flagKey}, and the same rollout
   * record for it.
   */
  public boolean sameApartFrom(StoredDocument other, String flagKey) {
    return copyWithout(flagKey).equals(other.copyWithout(flagKey))
        && rolloutRecord(flagKey).equals(other.rolloutRecord(flagKey));
  }

  private ObjectNode copyWithout(String flagKey) {
    ObjectNode copy = root.deepCopy();
    ((ObjectNode) copy.get("flags")).remove(flagKey);
    if (copy.get("values") instanceof ObjectNode values) {
      values.remove(flagKey);
    }
    return copy;
  }

  private StoredDocument copy() {
    return new StoredDocument(root.deepCopy(), access);
  }

  private FlagParts parts(String flagKey) {
    if (!root.path("flags").has(flagKey)) {
      throw new WriteBackException(
          WriteBackException.Kind.NOT_FOUND,
          flagKey,
          "flag '" + flagKey + "' is not defined in the AppConfig profile");
    }
    try {
      return access.read(root, flagKey);
    } catch (IllegalArgumentException e) {
      throw new WriteBackException(
          WriteBackException.Kind.INVALID_REQUEST,
          flagKey,
          "flag '" + flagKey + "' cannot be changed: " + e.getMessage());
    }
  }

  private static Map<String, BigDecimal> toDecimals(Map<String, Double> percent) {
    Map<String, BigDecimal> decimals = new LinkedHashMap<>();
    percent.forEach((variant, weight) -> decimals.put(variant, BigDecimal.valueOf(weight)));
    return decimals;
  }
}
