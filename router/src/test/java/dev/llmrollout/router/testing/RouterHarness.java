package dev.llmrollout.router.testing;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.ModelRouterBuilder;
import dev.llmrollout.router.ModelTransport;
import dev.llmrollout.router.RetryPolicy;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Two loopback model endpoints ({@code stable-pool}, {@code canary-pool}) and a judge endpoint, an
 * in-memory flag backend behind the real {@link LlmFeatureProvider} and OpenFeature client, an
 * endpoints file whose keys come from a test environment, and an OpenTelemetry SDK with an
 * in-memory reader.
 */
public final class RouterHarness implements AutoCloseable {
  /** Endpoint keys: the leak test looks for these everywhere. */
  public static final String STABLE_KEY = "sk-test-STABLE-5f1c0a9e7d2b4c68";

  public static final String CANARY_KEY = "sk-test-CANARY-8e3b6d1f0a9c2e47";
  public static final String JUDGE_KEY = "sk-test-JUDGE-2d7f9a1c3e5b8064";

  public static final String MODEL_FLAG = "support-model";
  public static final String STABLE =
      "{\"model\": \"model-stable\", \"version\": \"1.1.0\", \"endpoint\": \"stable-pool\","
          + " \"prompt\": {\"id\": \"support\", \"version\": \"3\", \"messages\": [{\"role\":"
          + " \"system\", \"content\": \"You help with {{product}}.\"}]},"
          + " \"parameters\": {\"temperature\": 0.2}}";
  public static final String CANARY =
      "{\"model\": \"model-canary\", \"version\": \"1.2.0\", \"endpoint\": \"canary-pool\","
          + " \"prompt\": {\"id\": \"support\", \"version\": \"3\", \"messages\": [{\"role\":"
          + " \"system\", \"content\": \"You help with {{product}}.\"}]}}";

  public final ModelEndpointServer stable = ModelEndpointServer.start("stable");
  public final ModelEndpointServer canary = ModelEndpointServer.start("canary");
  public final ModelEndpointServer judge = ModelEndpointServer.start("judge");
  public final InMemoryFlagBackend backend = new InMemoryFlagBackend();
  public final LlmFeatureProvider provider = LlmFeatureProvider.builder(backend).build();
  public final OpenFeatureAPI openFeature = OpenFeatureAPI.createIsolated();
  public final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  public final OpenTelemetrySdk openTelemetry =
      OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .build();
  public final CollectingShadowSink shadowSink = new CollectingShadowSink();
  private final List<ModelRouter> routers = new ArrayList<>();
  private long timeoutMs = 2_000;
  private Supplier<ModelTransport> transports;
  private final List<AutoCloseable> transportsToClose = new ArrayList<>();
  private Client client;

  public RouterHarness() {
    backend.flag(
        MODEL_FLAG,
        "stable",
        Map.of("stable", STABLE, "canary", CANARY),
        weights("stable", 90, "canary", 10));
  }

  /** Split order matters: pairs of variant name and percent. */
  public static Map<String, Integer> weights(Object... pairs) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      weights.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return weights;
  }

  public RouterHarness timeoutMs(long millis) {
    this.timeoutMs = millis;
    return this;
  }

  /**
   * Every router of this harness calls its endpoints through a transport from {@code transports}
   * (default: the router's own JDK client); the harness closes the ones that are closeable.
   */
  public RouterHarness transports(Supplier<ModelTransport> transports) {
    this.transports = transports;
    return this;
  }

  public Map<String, String> environment() {
    return Map.of(
        "STABLE_API_KEY", STABLE_KEY, "CANARY_API_KEY", CANARY_KEY, "JUDGE_API_KEY", JUDGE_KEY);
  }

  public String endpointsJson() {
    return "{\"endpoints\": {"
        + endpoint(
            "stable-pool",
            stable,
            "STABLE_API_KEY",
            "\"model-stable\": {\"inputPerMillion\": 1.0, \"outputPerMillion\": 2.0}")
        + ", "
        + endpoint(
            "canary-pool",
            canary,
            "CANARY_API_KEY",
            "\"model-canary\": {\"inputPerMillion\": 3.0, \"outputPerMillion\": 6.0}")
        + ", "
        + endpoint("judge-pool", judge, "JUDGE_API_KEY", "")
        + "}}";
  }

  private String endpoint(String name, ModelEndpointServer server, String env, String prices) {
    return "\""
        + name
        + "\": {\"baseUrl\": \""
        + server.baseUrl()
        + "\", \"apiKeyEnv\": \""
        + env
        + "\", \"timeoutMs\": "
        + timeoutMs
        + ", \"maxConcurrency\": 64, \"prices\": {"
        + prices
        + "}}";
  }

  public EndpointRegistry endpoints() {
    return EndpointRegistry.parse(endpointsJson(), "endpoints.json", environment()::get);
  }

  /** The one OpenFeature client every router of this harness evaluates through. */
  public synchronized Client client() {
    if (client == null) {
      openFeature.setProviderAndWait(provider);
      client = openFeature.getClient();
    }
    return client;
  }

  /** A router builder with fast retries, the collecting sink and the in-memory metrics. */
  public ModelRouterBuilder router() {
    return router(endpoints());
  }

  /** The same over other {@code endpoints}. */
  public ModelRouterBuilder router(EndpointRegistry endpoints) {
    ModelRouterBuilder builder =
        ModelRouter.builder(client(), provider, endpoints)
            .retry(RetryPolicy.of(3, Duration.ofMillis(5), Duration.ofMillis(20)))
            .shadowSink(shadowSink)
            .openTelemetry(openTelemetry);
    if (transports != null) {
      ModelTransport transport = transports.get();
      if (transport instanceof AutoCloseable closeable) {
        transportsToClose.add(closeable);
      }
      builder.modelTransport(transport);
    }
    return builder;
  }

  /** Builds the router and closes it with the harness. */
  public ModelRouter build(ModelRouterBuilder builder) {
    ModelRouter router = builder.build();
    routers.add(router);
    return router;
  }

  @Override
  public void close() {
    routers.forEach(ModelRouter::close);
    for (AutoCloseable transport : transportsToClose) {
      try {
        transport.close();
      } catch (Exception e) {
        throw new IllegalStateException("a model transport did not close", e);
      }
    }
    openFeature.shutdown();
    stable.close();
    canary.close();
    judge.close();
    openTelemetry.close();
  }
}
