package dev.llmrollout.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.internal.JsonValues;
import dev.llmrollout.variant.InvalidVariantException;
import dev.llmrollout.variant.LlmVariant;
import dev.llmrollout.variant.VariantParser;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Value;
import java.util.Optional;

/**
 * One variant of one flag, prepared once per configuration change so that an evaluation only looks
 * it up: the raw JSON, its OpenFeature value, the typed {@link LlmVariant} for object payloads and
 * the flag metadata the provider returns with it.
 */
public final class VariantPayload {
  /** Flag-metadata keys set on every evaluation that serves an LLM variant. */
  public static final String META_MODEL = "model";

  public static final String META_MODEL_VERSION = "modelVersion";
  public static final String META_PROMPT_ID = "promptId";
  public static final String META_PROMPT_VERSION = "promptVersion";
  public static final String META_ENDPOINT = "endpoint";

  /** The OpenFeature well-known key for the flag's version. */
  public static final String META_FLAG_VERSION = "version";

  private final String flagKey;
  private final String name;
  private final JsonNode raw;
  private final Value value;
  private final Optional<LlmVariant> llm;
  private final boolean disabled;
  private final ImmutableMetadata metadata;

  private VariantPayload(
      String flagKey,
      String name,
      JsonNode raw,
      Optional<LlmVariant> llm,
      boolean disabled,
      String flagVersion) {
    this.flagKey = flagKey;
    this.name = name;
    this.raw = raw;
    Value converted = JsonValues.toValue(raw);
    this.value =
        raw.isObject()
            ? new Value(new PayloadStructure(this, converted.asStructure().asMap()))
            : converted;
    this.llm = llm;
    this.disabled = disabled;
    this.metadata = metadata(llm, flagVersion);
  }

  /**
   * Prepares a variant. Object payloads must be LLM variants (or LaunchDarkly AI Configs);
   * booleans, numbers and strings are served as they are.
   *
   * @throws InvalidVariantException when an object payload is not a valid variant
   */
  public static VariantPayload parse(String flagKey, String name, JsonNode raw, String flagVersion)
      throws InvalidVariantException {
    if (raw == null || raw.isNull() || raw.isMissingNode()) {
      throw new InvalidVariantException(flagKey, name, "$", "a value (found none)");
    }
    if (!raw.isObject()) {
      return new VariantPayload(flagKey, name, raw, Optional.empty(), false, flagVersion);
    }
    if (VariantParser.isDisabledAiConfig(raw)) {
      return new VariantPayload(flagKey, name, raw, Optional.empty(), true, flagVersion);
    }
    LlmVariant variant = VariantParser.parse(flagKey, name, raw);
    return new VariantPayload(flagKey, name, raw, Optional.of(variant), false, flagVersion);
  }

  private static ImmutableMetadata metadata(Optional<LlmVariant> llm, String flagVersion) {
    ImmutableMetadata.ImmutableMetadataBuilder builder = ImmutableMetadata.builder();
    if (flagVersion != null) {
      builder.addString(META_FLAG_VERSION, flagVersion);
    }
    llm.ifPresent(
        v -> {
          v.model().ifPresent(m -> builder.addString(META_MODEL, m));
          v.version().ifPresent(m -> builder.addString(META_MODEL_VERSION, m));
          v.endpoint().ifPresent(m -> builder.addString(META_ENDPOINT, m));
          v.prompt().flatMap(p -> p.id()).ifPresent(m -> builder.addString(META_PROMPT_ID, m));
          v.prompt()
              .flatMap(p -> p.version())
              .ifPresent(m -> builder.addString(META_PROMPT_VERSION, m));
        });
    return builder.build();
  }

  /**
   * The payload an object flag evaluation served, read from the evaluation's value: present when
   * {@code value} is the provider's own (not the caller's default value, not one a hook replaced).
   */
  public static Optional<VariantPayload> servedIn(Value value) {
    return value != null && value.isStructure() && value.asStructure() instanceof PayloadStructure s
        ? Optional.of(s.payload())
        : Optional.empty();
  }

  public String flagKey() {
    return flagKey;
  }

  /** The variant's name, as the flag defines it. */
  public String name() {
    return name;
  }

  public JsonNode raw() {
    return raw;
  }

  public Value value() {
    return value;
  }

  /** The typed variant, present for object payloads. */
  public Optional<LlmVariant> llm() {
    return llm;
  }

  /** True for a LaunchDarkly AI Config that is switched off: it serves the caller's default. */
  public boolean disabled() {
    return disabled;
  }

  public ImmutableMetadata metadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "VariantPayload[" + flagKey + "/" + name + "]";
  }
}
