package dev.llmrollout.router.gateway;

import dev.llmrollout.guard.EvaluationProbe;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.VariantStats;
import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What every process that guards rollouts runs on, with or without model traffic: a started backend
 * and its write-back, the OpenFeature provider over it (consulting the rollout guard's kill-switch
 * override first) in an isolated API, an evaluation probe, and the metrics served at {@code
 * /metrics}. The gateway adds a router ({@link RouterStack}); the controller ({@link
 * ControllerRuntime}) adds nothing.
 */
public final class FlagStack implements AutoCloseable {
  private static final int PROBE_KEYS = 200;

  /**
   * Series per guard signal instrument: 64 unit buckets x 9 latency bounds x (1 + 16 segments) x a
   * few arms; the SDK's default of 2,000 would fold real series into an overflow series.
   */
  static final int GUARD_SIGNAL_SERIES_LIMIT = 200_000;

  private final KillSwitchOverride override = new KillSwitchOverride();
  private final FlagBackend flags;
  private final RolloutControl control;
  private final LlmFeatureProvider provider;
  private final OpenFeatureAPI api;
  private final PrometheusMetricReader metricReader = new PrometheusMetricReader(false, null);
  private final SdkMeterProvider meters;

  /** Builds the provider over {@code backend}; {@link #start()} loads the flags. */
  FlagStack(Backend backend) {
    this.flags = backend.flags();
    this.control = backend.control();
    this.provider = LlmFeatureProvider.builder(flags).servingOverride(override).build();
    this.api = OpenFeatureAPI.createIsolated();
    this.meters =
        SdkMeterProvider.builder()
            .registerMetricReader(metricReader)
            .registerView(
                InstrumentSelector.builder().setName(VariantStats.METRIC_PREFIX + "*").build(),
                View.builder().setCardinalityLimit(GUARD_SIGNAL_SERIES_LIMIT).build())
            .registerView(
                InstrumentSelector.builder()
                    .setName(ModelRouter.SHADOW_PAIR_METRIC_PREFIX + "*")
                    .build(),
                View.builder().setCardinalityLimit(GUARD_SIGNAL_SERIES_LIMIT).build())
            .build();
  }

  /** Starts the backend through the provider and waits for its first configuration. */
  FlagStack start() {
    api.setProviderAndWait(provider);
    return this;
  }

  /** The isolated OpenFeature API the provider runs in. */
  OpenFeatureAPI api() {
    return api;
  }

  LlmFeatureProvider provider() {
    return provider;
  }

  public Client client() {
    return api.getClient();
  }

  /** The payload {@code variant} of {@code flagKey} serves now, if the flag has that variant. */
  public Optional<VariantPayload> payload(String flagKey, String variant) {
    return provider.variant(flagKey, variant);
  }

  public RolloutControl control() {
    return control;
  }

  /** The override the rollout guard forces the safe variant through. */
  public KillSwitchOverride override() {
    return override;
  }

  /**
   * Evaluates a flag from the backend itself, behind the override, for {@value #PROBE_KEYS}
   * synthetic users: the variant they all get, or {@code "(split)"} while they disagree. The
   * rollout guard uses it to verify a rollback by evaluation, not only by reading the source back.
   */
  public EvaluationProbe evaluationProbe() {
    return flagKey -> {
      Set<String> served = new HashSet<>();
      for (int i = 0; i < PROBE_KEYS; i++) {
        Resolution resolution = flags.resolve(flagKey, new ImmutableContext("rollback-probe-" + i));
        served.add(resolution.variant() == null ? "(none)" : resolution.variant().name());
      }
      return served.size() == 1 ? served.iterator().next() : "(split)";
    };
  }

  /**
   * Ready once the provider has served a configuration: still ready after a rejected edit (the
   * SDK's ERROR state), since the last good configuration keeps serving; not while the source is
   * lost (STALE) or before it first loaded.
   */
  public boolean ready() {
    ProviderState state = api.getClient().getProviderState();
    return state == ProviderState.READY || state == ProviderState.ERROR;
  }

  /** The provider's state, for health pages. */
  ProviderState providerState() {
    return api.getClient().getProviderState();
  }

  /** The flags the backend serves now. */
  public Set<String> flagKeys() {
    return flags.flagKeys();
  }

  /** The started backend, for {@link ConfigCheck}. */
  FlagBackend flags() {
    return flags;
  }

  SdkMeterProvider meters() {
    return meters;
  }

  /** The meter of this process's own instruments (configuration health, rollout gauges). */
  Meter meter() {
    return meters.get("llm-router");
  }

  PrometheusMetricReader metricReader() {
    return metricReader;
  }

  @Override
  public void close() {
    api.shutdown();
    meters.close();
  }
}
