package dev.llmrollout.benchmarks.internal;

import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.JsonLinesShadowSink;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.router.RouterEvent;
import dev.llmrollout.router.ShadowOptions;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A real router over the local-file backend, the provider and an isolated OpenFeature client,
 * calling one loopback model endpoint; and the direct call it is measured against: the same JDK
 * {@link HttpClient} settings, the same endpoint, the body the router would send.
 */
public final class RouterRig implements AutoCloseable {
  private static final String DIRECT_BODY =
      "{\"model\": \"bench-stable\", \"messages\": [{\"role\": \"system\", \"content\": \"You help"
          + " with orders.\"}, {\"role\": \"user\", \"content\": \"Where is my order?\"}],"
          + " \"temperature\": 0.2, \"max_tokens\": 64}";

  private static final String SHADOW_PAIRS = "shadow-pairs.jsonl";

  private final ScratchDirectory directory = new ScratchDirectory("bench-router");
  private final OpenFeatureAPI openFeature = OpenFeatureAPI.createIsolated();
  private final ModelRouter router;
  private final StaleConnectionResend directClient = new StaleConnectionResend(newHttpClient());
  private final HttpRequest directRequest;

  /** A rig whose model flag serves {@code stableJson} to most keys, calling {@code endpoint}. */
  public RouterRig(LoopbackModelEndpoint endpoint, String stableJson, int maxConcurrency) {
    LocalFileBackend backend =
        LocalFileBackend.watching(BenchFlags.write(directory.resolve("flags.json"), stableJson, 0));
    LlmFeatureProvider provider = LlmFeatureProvider.builder(backend).build();
    openFeature.setProviderAndWait(provider);
    EndpointRegistry endpoints =
        EndpointRegistry.parse(
            EndpointsFile.json(endpoint.baseUrl(), maxConcurrency),
            "endpoints.json",
            Map.of(EndpointsFile.KEY_ENV, EndpointsFile.KEY_VALUE)::get);
    router =
        ModelRouter.builder(openFeature.getClient(), provider, endpoints)
            .httpClient(newHttpClient())
            .shadow(ShadowOptions.custom().threads(4).queueCapacity(100_000).build())
            // The real sink, into the rig's own directory rather than the working directory.
            .shadowSink(JsonLinesShadowSink.appendingTo(directory.resolve(SHADOW_PAIRS)))
            .build();
    directRequest =
        HttpRequest.newBuilder(URI.create(endpoint.completionsUrl()))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + EndpointsFile.KEY_VALUE)
            .POST(HttpRequest.BodyPublishers.ofString(DIRECT_BODY))
            .build();
  }

  private static HttpClient newHttpClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /** One routed call for {@code sessionId}; fails loudly if the router cannot answer. */
  public void routed(String sessionId) {
    router.route(
        RouteRequest.builder(BenchFlags.SPLIT_FLAG)
            .sessionId(sessionId)
            .variable("product", "orders")
            .userMessage("Where is my order?")
            .build());
  }

  /** The same call straight to the endpoint; fails loudly on a non-200 answer. */
  public void direct() {
    try {
      HttpResponse<String> response =
          directClient.send(directRequest, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("direct call answered HTTP " + response.statusCode());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** How many direct calls were resent once after finding their connection closed. */
  public long directResends() {
    return directClient.resends();
  }

  /** How often {@code event} happened in this rig's router. */
  public long count(RouterEvent event) {
    return router.count(event);
  }

  @Override
  public void close() {
    router.close();
    openFeature.shutdown();
    directory.close();
  }
}
