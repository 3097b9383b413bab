package dev.llmrollout.router.gateway;

import dev.llmrollout.guard.EvaluationProbe;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.ModelRouterBuilder;
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
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.util.VirtualThreads;

/**
 * A backend, the OpenFeature provider over it (consulting the rollout guard's kill-switch override
 * first) and its client, and a router with its signals and metrics: what the gateway and the demo
 * both run on.
 */
public final class RouterStack implements AutoCloseable {
  private static final int PROBE_KEYS = 200;

  /**
   * Series per guard signal instrument: 64 unit buckets x 9 latency bounds x (1 + 16 segments) x a
   * few arms; the SDK's default of 2,000 would fold real series into an overflow series.
   */
  static final int GUARD_SIGNAL_SERIES_LIMIT = 200_000;

  /** The router's own default, kept when the gateway brings its HttpClient. */
  private static final Duration MODEL_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final KillSwitchOverride override = new KillSwitchOverride();
  private final FlagBackend flags;
  private final RolloutControl control;
  private final LlmFeatureProvider provider;
  private final OpenFeatureAPI api;
  private final PrometheusMetricReader metricReader = new PrometheusMetricReader(false, null);
  private final SdkMeterProvider meters;
  private final ModelRouter router;
  private final ConfigHealth configHealth;

  public RouterStack(Backend backend, EndpointRegistry endpoints) {
    this(backend, endpoints, false);
  }

  /**
   * @param virtualThreads where the JVM has virtual threads, the model client's HttpClient hands
   *     its work (delivering response bytes, completing calls) to virtual threads instead of its
   *     default cached pool, which grows a platform thread per concurrent task: with thousands of
   *     streams in flight that pool alone would hold hundreds of threads
   */
  RouterStack(Backend backend, EndpointRegistry endpoints, boolean virtualThreads) {
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
            .build();
    this.configHealth =
        new ConfigHealth(
            meters.get("llm-router"),
            () -> ConfigCheck.flags(flags, control, endpoints.names(), Optional.empty()));
    api.onProviderError(configHealth::rejected);
    api.onProviderConfigurationChanged(configHealth::loaded);
    api.setProviderAndWait(provider);
    ModelRouterBuilder builder =
        ModelRouter.builder(api.getClient(), provider, endpoints)
            .signals(VariantStats.bySegment(VariantStats.DEFAULT_SEGMENT_ATTRIBUTE))
            .openTelemetry(OpenTelemetrySdk.builder().setMeterProvider(meters).build());
    if (virtualThreads && VirtualThreads.areSupported()) {
      builder.httpClient(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(MODEL_CONNECT_TIMEOUT)
              .executor(VirtualThreads.getNamedVirtualThreadsExecutor("model-client"))
              .build());
    }
    this.router = builder.build();
  }

  public ModelRouter router() {
    return router;
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

  /** Whether the flag source's latest edit was rejected. */
  ConfigHealth configHealth() {
    return configHealth;
  }

  /** The flags the backend serves now. */
  public java.util.Set<String> flagKeys() {
    return flags.flagKeys();
  }

  /** The started backend, for {@link ConfigCheck}. */
  FlagBackend flags() {
    return flags;
  }

  PrometheusMetricReader metricReader() {
    return metricReader;
  }

  @Override
  public void close() {
    router.close();
    api.shutdown();
    meters.close();
  }
}
