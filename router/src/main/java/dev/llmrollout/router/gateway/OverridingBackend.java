package dev.llmrollout.router.gateway;

import dev.llmrollout.guard.ServingOverride;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Reason;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Puts the rollout guard's in-process override in front of a backend: while a rollback's vendor
 * write is slow or failing, every evaluation already gets the safe variant.
 */
final class OverridingBackend implements FlagBackend {
  private final FlagBackend delegate;
  private final ServingOverride override;

  OverridingBackend(FlagBackend delegate, ServingOverride override) {
    this.delegate = delegate;
    this.override = override;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void start(BackendListener listener, Duration timeout) {
    delegate.start(listener, timeout);
  }

  @Override
  public Resolution resolve(String flagKey, EvaluationContext context) {
    Optional<VariantPayload> forced =
        override.forcedVariant(flagKey).flatMap(v -> delegate.variant(flagKey, v));
    return forced
        .map(v -> Resolution.served(v, Reason.TARGETING_MATCH))
        .orElseGet(() -> delegate.resolve(flagKey, context));
  }

  @Override
  public Optional<VariantPayload> variant(String flagKey, String variantName) {
    return delegate.variant(flagKey, variantName);
  }

  @Override
  public Set<String> flagKeys() {
    return delegate.flagKeys();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
