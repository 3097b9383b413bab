package dev.llmrollout.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Reason;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test backend serving one variant per flag, chosen by whether the targeting key starts with
 * "canary", so that provider tests control exactly what is served.
 */
final class StaticBackend implements FlagBackend {
  final Map<String, Map<String, VariantPayload>> flags = new ConcurrentHashMap<>();
  BackendListener listener;

  void define(String flagKey, String variant, JsonNode value) throws Exception {
    flags
        .computeIfAbsent(flagKey, k -> new ConcurrentHashMap<>())
        .put(variant, VariantPayload.parse(flagKey, variant, value, "v1"));
  }

  @Override
  public String name() {
    return "static";
  }

  @Override
  public void start(BackendListener listener, Duration timeout) {
    this.listener = listener;
  }

  @Override
  public Resolution resolve(String flagKey, EvaluationContext context) {
    Map<String, VariantPayload> variants = flags.get(flagKey);
    if (variants == null) {
      return Resolution.notFound(flagKey);
    }
    String key = context.getTargetingKey();
    String name =
        key != null && key.startsWith("canary") && variants.containsKey("canary")
            ? "canary"
            : "stable";
    return Resolution.served(variants.get(name), Reason.SPLIT);
  }

  @Override
  public Optional<VariantPayload> variant(String flagKey, String variantName) {
    return Optional.ofNullable(flags.getOrDefault(flagKey, Map.of()).get(variantName));
  }

  @Override
  public Set<String> flagKeys() {
    return flags.keySet();
  }

  @Override
  public void close() {}
}
