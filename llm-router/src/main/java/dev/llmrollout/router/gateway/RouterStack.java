package dev.llmrollout.router.gateway;

import dev.llmrollout.guard.EvaluationProbe;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.ModelRouterBuilder;
import dev.llmrollout.router.ModelTransport;
import dev.llmrollout.router.VariantStats;
import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.Client;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The {@link FlagStack} (backend, provider, override, metrics) and a router with its signals over
 * it: what the gateway and the demo both run on.
 */
public final class RouterStack implements AutoCloseable {
  private final FlagStack flagStack;
  private final ModelRouter router;
  private final ConfigHealth configHealth;

  /** The gateway's model client, empty where the router runs on its own default. */
  private final Optional<ModelTransport> transport;

  public RouterStack(Backend backend, EndpointRegistry endpoints) {
    this(backend, endpoints, Optional.empty(), (builder, flags) -> builder);
  }

  /** A stack whose router {@code customize} adds to (a judge, shadow options). */
  public RouterStack(
      Backend backend, EndpointRegistry endpoints, UnaryOperator<ModelRouterBuilder> customize) {
    this(backend, endpoints, Optional.empty(), (builder, flags) -> customize.apply(builder));
  }

  /**
   * A stack whose model calls go out on {@code upstream}.
   *
   * @param virtualThreads whether the gateway runs its requests on virtual threads
   * @param customize adds to the router, given the started flags (a judge whose rubric a prompt
   *     flag holds)
   */
  RouterStack(
      Backend backend,
      EndpointRegistry endpoints,
      UpstreamClient upstream,
      boolean virtualThreads,
      BiFunction<ModelRouterBuilder, FlagStack, ModelRouterBuilder> customize) {
    this(backend, endpoints, Optional.of(upstream.open(virtualThreads)), customize);
  }

  private RouterStack(
      Backend backend,
      EndpointRegistry endpoints,
      Optional<ModelTransport> transport,
      BiFunction<ModelRouterBuilder, FlagStack, ModelRouterBuilder> customize) {
    this.transport = transport;
    this.flagStack = new FlagStack(backend);
    this.configHealth =
        new ConfigHealth(
            flagStack.meter(),
            () ->
                ConfigCheck.flags(
                    flagStack.flags(),
                    flagStack.control(),
                    endpoints.variantValidator(),
                    Optional.empty()));
    // Before the first load, so a rejected first edit is seen too.
    flagStack.api().onProviderError(configHealth::rejected);
    flagStack.api().onProviderConfigurationChanged(configHealth::loaded);
    flagStack.start();
    ModelRouterBuilder builder =
        ModelRouter.builder(flagStack.client(), flagStack.provider(), endpoints)
            .signals(VariantStats.bySegment(VariantStats.DEFAULT_SEGMENT_ATTRIBUTE))
            .openTelemetry(OpenTelemetrySdk.builder().setMeterProvider(flagStack.meters()).build());
    transport.ifPresent(builder::modelTransport);
    try {
      this.router = customize.apply(builder, flagStack).build();
    } catch (RuntimeException e) {
      // a judge that cannot be built (its rubric flag missing) stops the start: free the flags
      flagStack.close();
      throw e;
    }
  }

  public ModelRouter router() {
    return router;
  }

  /** The backend, provider, override and metrics the router runs on. */
  public FlagStack flagStack() {
    return flagStack;
  }

  public Client client() {
    return flagStack.client();
  }

  /** The payload {@code variant} of {@code flagKey} serves now, if the flag has that variant. */
  public Optional<VariantPayload> payload(String flagKey, String variant) {
    return flagStack.payload(flagKey, variant);
  }

  public RolloutControl control() {
    return flagStack.control();
  }

  /** The override the rollout guard forces the safe variant through. */
  public KillSwitchOverride override() {
    return flagStack.override();
  }

  /** See {@link FlagStack#evaluationProbe()}. */
  public EvaluationProbe evaluationProbe() {
    return flagStack.evaluationProbe();
  }

  /** See {@link FlagStack#ready()}. */
  public boolean ready() {
    return flagStack.ready();
  }

  /** Whether the flag source's latest edit was rejected. */
  ConfigHealth configHealth() {
    return configHealth;
  }

  /** The flags the backend serves now. */
  public Set<String> flagKeys() {
    return flagStack.flagKeys();
  }

  /** The started backend, for {@link ConfigCheck}. */
  FlagBackend flags() {
    return flagStack.flags();
  }

  PrometheusMetricReader metricReader() {
    return flagStack.metricReader();
  }

  @Override
  public void close() {
    router.close();
    try {
      if (transport.orElse(null) instanceof AutoCloseable client) {
        client.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException("the model client did not close", e);
    } finally {
      flagStack.close();
    }
  }
}
