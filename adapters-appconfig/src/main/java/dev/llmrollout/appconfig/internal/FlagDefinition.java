package dev.llmrollout.appconfig.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.FractionalBucketing;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.Reason;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One flag as served from memory: its variants parsed once, its default and its split. A flag whose
 * definition could not be read is kept as {@code broken} so that it resolves to a parse error
 * naming the flag while the other flags keep serving.
 */
public final class FlagDefinition {
  private final String key;
  private final JsonNode source;
  private final boolean enabled;
  private final Map<String, VariantPayload> variants;
  private final String defaultVariant;
  private final List<String> splitVariants;
  private final long[] splitWeights;
  private final String error;

  private FlagDefinition(
      String key,
      JsonNode source,
      boolean enabled,
      Map<String, VariantPayload> variants,
      String defaultVariant,
      List<String> splitVariants,
      List<Integer> splitWeights,
      String error) {
    this.key = key;
    this.source = source;
    this.enabled = enabled;
    this.variants = Collections.unmodifiableMap(new LinkedHashMap<>(variants));
    this.defaultVariant = defaultVariant;
    this.splitVariants = List.copyOf(splitVariants);
    this.splitWeights = splitWeights.stream().mapToLong(Integer::longValue).toArray();
    this.error = error;
  }

  /** A flag that serves its variants, split by integer weights (empty for no split). */
  static FlagDefinition serving(
      String key,
      JsonNode source,
      Map<String, VariantPayload> variants,
      String defaultVariant,
      List<String> splitVariants,
      List<Integer> splitWeights) {
    return new FlagDefinition(
        key, source, true, variants, defaultVariant, splitVariants, splitWeights, null);
  }

  /** A flag switched off: callers get their default. */
  static FlagDefinition disabled(String key, JsonNode source) {
    return new FlagDefinition(key, source, false, Map.of(), null, List.of(), List.of(), null);
  }

  /** A flag whose definition was rejected; {@code error} names the flag and the field. */
  static FlagDefinition broken(String key, JsonNode source, String error) {
    return new FlagDefinition(
        key, source, true, Map.of(), null, List.of(), List.of(), Objects.requireNonNull(error));
  }

  public String key() {
    return key;
  }

  /** The definition as read, to tell which flags a new configuration changed. */
  public JsonNode source() {
    return source;
  }

  public boolean isBroken() {
    return error != null;
  }

  public String error() {
    return error;
  }

  public Map<String, VariantPayload> variants() {
    return variants;
  }

  /** Evaluates the flag for a targeting key (null or empty when the context has none). */
  public Resolution resolve(String targetingKey) {
    if (error != null) {
      return Resolution.error(key, ErrorCode.PARSE_ERROR, error);
    }
    if (!enabled) {
      return Resolution.disabled(key);
    }
    VariantPayload fallback = variants.get(defaultVariant);
    if (splitVariants.isEmpty()) {
      return Resolution.served(fallback, Reason.STATIC);
    }
    if (targetingKey == null || targetingKey.isEmpty()) {
      return Resolution.targetingKeyMissing(fallback);
    }
    int index = FractionalBucketing.pick(key + targetingKey, splitWeights);
    return Resolution.served(variants.get(splitVariants.get(index)), Reason.SPLIT);
  }
}
