package dev.llmrollout.router.gateway;

import dev.llmrollout.guard.KillSwitchOverride;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.VariantStats;
import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.RolloutControl;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything a running gateway holds: the backend behind the guard's override, the OpenFeature
 * provider and client, the router with its signals, the metrics reader and the HTTP server.
 */
public final class GatewayRuntime implements AutoCloseable {
  private final OpenFeatureAPI api;
  private final LlmFeatureProvider provider;
  private final ModelRouter router;
  private final KillSwitchOverride override = new KillSwitchOverride();
  private final RolloutControl control;
  private final SdkMeterProvider meters;
  private final Gateway gateway;

  private GatewayRuntime(
      Backend backend,
      EndpointRegistry endpoints,
      Gateway.Settings settings,
      Optional<String> defaultFlag,
      Function<String, String> environment) {
    this.control = backend.control();
    this.provider =
        LlmFeatureProvider.builder(new OverridingBackend(backend.flags(), override)).build();
    this.api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(provider);
    Client client = api.getClient();
    PrometheusMetricReader reader = new PrometheusMetricReader(false, null);
    this.meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    this.router =
        ModelRouter.builder(client, provider, endpoints)
            .signals(VariantStats.bySegment(VariantStats.DEFAULT_SEGMENT_ATTRIBUTE))
            .openTelemetry(OpenTelemetrySdk.builder().setMeterProvider(meters).build())
            .build();
    Gateway.Routes routes =
        new Gateway.Routes(
            new ChatCompletionsHandler(router, new ChatRequestMapper(defaultFlag)),
            new FeedbackHandler(client),
            new AdminHandler(
                control,
                router.signals(),
                override,
                Optional.ofNullable(environment.apply(AdminHandler.TOKEN_VARIABLE))),
            new MetricsHandler(reader),
            () -> client.getProviderState() == ProviderState.READY);
    this.gateway = new Gateway(settings, routes);
  }

  /** Opens the backend, starts the router and the HTTP server. */
  public static GatewayRuntime start(
      Backend backend,
      EndpointRegistry endpoints,
      Gateway.Settings settings,
      Optional<String> defaultFlag,
      Function<String, String> environment)
      throws Exception {
    GatewayRuntime runtime =
        new GatewayRuntime(backend, endpoints, settings, defaultFlag, environment);
    runtime.gateway.start();
    return runtime;
  }

  public Gateway gateway() {
    return gateway;
  }

  public ModelRouter router() {
    return router;
  }

  public RolloutControl control() {
    return control;
  }

  /** The override the rollout guard forces the safe variant through. */
  public KillSwitchOverride override() {
    return override;
  }

  public LlmFeatureProvider provider() {
    return provider;
  }

  /** Drains the HTTP server, then stops the router, the provider and the metrics. */
  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      router.close();
      api.shutdown();
      meters.close();
    }
  }
}
