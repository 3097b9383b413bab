package dev.llmrollout.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import java.util.function.Function;

/**
 * Turns a backend {@link Resolution} into the {@link ProviderEvaluation} of the type the caller
 * asked for: object flags give the variant's structure, string flags the variant's name (or its
 * text, for a string-valued flag), boolean and number flags their plain values.
 */
public enum TypedResult {
  BOOLEAN("a boolean", p -> p.raw().isBoolean() ? p.raw().booleanValue() : null),
  STRING("a string", TypedResult::stringOf),
  INTEGER("an integer", TypedResult::integerOf),
  DOUBLE("a number", p -> p.raw().isNumber() ? p.raw().doubleValue() : null),
  OBJECT("an object", p -> p.raw().isContainerNode() ? p.value() : null);

  private final String description;
  private final Function<VariantPayload, Object> extractor;

  TypedResult(String description, Function<VariantPayload, Object> extractor) {
    this.description = description;
    this.extractor = extractor;
  }

  private static Object stringOf(VariantPayload payload) {
    JsonNode raw = payload.raw();
    if (raw.isTextual()) {
      return raw.textValue();
    }
    return raw.isObject() ? payload.name() : null;
  }

  private static Object integerOf(VariantPayload payload) {
    JsonNode raw = payload.raw();
    return raw.isIntegralNumber() && raw.canConvertToInt() ? raw.intValue() : null;
  }

  /**
   * Builds the evaluation.
   *
   * @param stale when true, a successful result reports reason STALE: the backend lost its source
   */
  @SuppressWarnings("unchecked")
  public <T> ProviderEvaluation<T> evaluation(
      Resolution resolution, T defaultValue, boolean stale) {
    VariantPayload payload = resolution.variant();
    if (payload == null) {
      return ProviderEvaluation.<T>builder()
          .value(defaultValue)
          .reason(resolution.reason())
          .errorCode(resolution.errorCode())
          .errorMessage(resolution.errorMessage())
          .build();
    }
    if (payload.disabled()) {
      return ProviderEvaluation.<T>builder()
          .value(defaultValue)
          .variant(payload.name())
          .reason(Reason.DISABLED.name())
          .flagMetadata(payload.metadata())
          .build();
    }
    Object value = extractor.apply(payload);
    if (value == null) {
      return mismatch(payload, defaultValue);
    }
    return served(
        (T) value,
        payload.name(),
        stale && !resolution.isError() ? "STALE" : resolution.reason(),
        resolution.errorCode(),
        resolution.errorMessage(),
        payload.metadata());
  }

  /**
   * The evaluation of a served variant, made with the constructor rather than the builder: this
   * runs on every evaluation, and the builder is one more object per call.
   */
  private static <T> ProviderEvaluation<T> served(
      T value,
      String variant,
      String reason,
      ErrorCode errorCode,
      String errorMessage,
      ImmutableMetadata metadata) {
    return new ProviderEvaluation<>(value, variant, reason, errorCode, errorMessage, metadata);
  }

  private <T> ProviderEvaluation<T> mismatch(VariantPayload payload, T defaultValue) {
    return ProviderEvaluation.<T>builder()
        .value(defaultValue)
        .variant(payload.name())
        .reason(Reason.ERROR.name())
        .errorCode(ErrorCode.TYPE_MISMATCH)
        .errorMessage(
            "flag '"
                + payload.flagKey()
                + "' variant '"
                + payload.name()
                + "' is "
                + kindOf(payload.raw())
                + ", expected "
                + description)
        .flagMetadata(ImmutableMetadata.EMPTY)
        .build();
  }

  private static String kindOf(JsonNode node) {
    return switch (node.getNodeType()) {
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> "null";
    };
  }
}
