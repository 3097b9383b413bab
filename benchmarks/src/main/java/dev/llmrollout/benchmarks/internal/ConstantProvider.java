package dev.llmrollout.benchmarks.internal;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;

/**
 * An OpenFeature provider that does no work: every string flag resolves to one prebuilt evaluation
 * (value, variant, reason and flag metadata, as ours returns). Evaluating through the OpenFeature
 * client over it measures what the SDK itself costs per call (context layering, hook bookkeeping,
 * the details object), the floor under any provider.
 *
 * <p>Made {@link #readingAttributes reading the attributes}, it also reads every attribute of the
 * context it is given, as any provider that hands them to a vendor SDK must: the floor under a
 * provider with targeting rules.
 */
public final class ConstantProvider implements FeatureProvider {
  private final ProviderEvaluation<String> served;
  private final boolean readAttributes;
  private long attributesRead;

  /** Serves {@code variant} for every string flag, with {@code metadata}, reading nothing. */
  public ConstantProvider(String variant, ImmutableMetadata metadata) {
    this(variant, metadata, false);
  }

  private ConstantProvider(String variant, ImmutableMetadata metadata, boolean readAttributes) {
    this.readAttributes = readAttributes;
    this.served =
        ProviderEvaluation.<String>builder()
            .value(variant)
            .variant(variant)
            .reason(Reason.STATIC.name())
            .flagMetadata(metadata)
            .build();
  }

  /** Serves the same constant after reading every attribute of the context. */
  public static ConstantProvider readingAttributes(String variant, ImmutableMetadata metadata) {
    return new ConstantProvider(variant, metadata, true);
  }

  /** How many attributes were read, kept so the reads cannot be optimised away. */
  public long attributesRead() {
    return attributesRead;
  }

  @Override
  public Metadata getMetadata() {
    return () -> "constant";
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(
      String key, String defaultValue, EvaluationContext ctx) {
    if (readAttributes) {
      // The cheapest complete read the OpenFeature API offers (asMap() would copy once more).
      ctx.asUnmodifiableMap().forEach((name, value) -> attributesRead += value.isNull() ? 0 : 1);
    }
    return served;
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(
      String key, Boolean defaultValue, EvaluationContext ctx) {
    return unserved(defaultValue);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(
      String key, Integer defaultValue, EvaluationContext ctx) {
    return unserved(defaultValue);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(
      String key, Double defaultValue, EvaluationContext ctx) {
    return unserved(defaultValue);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(
      String key, Value defaultValue, EvaluationContext ctx) {
    return unserved(defaultValue);
  }

  private static <T> ProviderEvaluation<T> unserved(T defaultValue) {
    return ProviderEvaluation.<T>builder()
        .value(defaultValue)
        .reason(Reason.DEFAULT.name())
        .build();
  }
}
