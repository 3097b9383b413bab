package dev.llmrollout.router.gateway;

import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.spi.BackendFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Warms the gateway's request path before it says it is ready: a cold JVM runs its first thousands
 * of requests interpreted, and a gateway started cold into 1,000 requests/s built a queue it never
 * drained (docs/PERFORMANCE.md, 3c). Loopback requests go through a throwaway gateway built the
 * same way as the real one (the same Jetty handlers, OpenFeature provider and evaluation, prompt
 * rendering, model client and answer writing, streamed and not) over a flags file of its own and a
 * stand-in model endpoint ({@link WarmUpModel}). The real gateway shares no router, meter registry,
 * signals, rollout guard or endpoint with it, so none of them sees warm-up traffic.
 */
final class RequestPathWarmUp {
  static final String FLAG = "warm-up-model";

  /** Requests in flight at once: enough to run Jetty's and the client's concurrent paths. */
  private static final int CONCURRENCY = 8;

  /** One request in this many is streamed, about the share streamed traffic has in practice. */
  private static final int STREAMED_EVERY = 4;

  private static final String ENDPOINT = "warm-up-pool";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private RequestPathWarmUp() {}

  /**
   * Sends {@code requests} loopback requests through a throwaway gateway with the real one's
   * threading ({@code settings}) and closes it.
   *
   * @throws IllegalStateException if a warm-up request is not answered in full: the request path is
   *     broken on this machine
   */
  static void run(int requests, Gateway.Settings settings) throws Exception {
    Path dir = Files.createTempDirectory("llm-router-warm-up");
    try (WarmUpModel model = new WarmUpModel();
        GatewayRuntime throwaway =
            GatewayRuntime.start(
                localBackend(dir),
                endpoints(dir, model),
                new Gateway.Settings(
                    "127.0.0.1",
                    0,
                    settings.maxThreads(),
                    Duration.ofSeconds(5),
                    Map.of(),
                    settings.virtualThreads(),
                    settings.upstreamClient()),
                Optional.of(FLAG),
                RolloutSettings.ofDefaults(),
                JudgeSettings.none(),
                name -> null,
                0)) {
      send(requests, throwaway.gateway().address());
    } finally {
      deleteRecursively(dir);
    }
  }

  private static void send(int requests, InetSocketAddress address) throws Exception {
    URI uri =
        URI.create(
            "http://" + address.getHostString() + ":" + address.getPort() + "/v1/chat/completions");
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();
    ExecutorService senders = Executors.newFixedThreadPool(CONCURRENCY);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int worker = 0; worker < CONCURRENCY; worker++) {
        int first = worker;
        running.add(
            senders.submit(
                () -> {
                  for (int i = first; i < requests; i += CONCURRENCY) {
                    sendOne(client, uri, i);
                  }
                  return null;
                }));
      }
      for (Future<?> worker : running) {
        worker.get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      senders.shutdownNow();
    }
  }

  private static void sendOne(HttpClient client, URI uri, int index)
      throws IOException, InterruptedException {
    boolean streamed = index % STREAMED_EVERY == STREAMED_EVERY - 1;
    // Every other session internal, so evaluation takes both the rule and the split.
    String body =
        "{\"model\": \""
            + FLAG
            + "\", \"stream\": "
            + streamed
            + ", \"metadata\": {\"company\": \"Example Co\", \"tier\": \""
            + (index % 2 == 0 ? "internal" : "public")
            + "\"}, \"messages\": [{\"role\": \"user\", \"content\": \"Where is order "
            + index
            + "?\"}]}";
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header(ChatRequestMapper.SESSION_HEADER, "warm-up-" + index)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("ships tomorrow")) {
      throw new IllegalStateException(
          "warm-up request "
              + index
              + (streamed ? " (streamed)" : "")
              + " through the loopback gateway answered "
              + response.statusCode()
              + ": "
              + abbreviate(response.body())
              + "; the request path fails on this machine (--warm-up-requests 0 skips warm-up)");
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  /**
   * A flag shaped like a real canary: a rule, a fractional split and a prompt template, each
   * variant on the stand-in endpoint.
   */
  private static BackendFactory.Backend localBackend(Path dir) throws IOException {
    Path flags = dir.resolve("flags.json");
    Files.writeString(
        flags,
        """
        {"flags": {"%s": {"state": "ENABLED", "defaultVariant": "stable",
          "variants": {"stable": %s, "canary": %s},
          "targeting": {"if": [{"==": [{"var": "tier"}, "internal"]}, "canary",
            {"fractional": [["stable", 90], ["canary", 10]]}]}}}}
        """
            .formatted(FLAG, variant("1.0.0"), variant("1.1.0")));
    return LocalFlagsBackend.open(flags, name -> null);
  }

  private static String variant(String version) {
    return """
        {"model": "%s", "version": "%s", "endpoint": "%s",
         "prompt": {"id": "warm-up", "version": "1", "messages": [
           {"role": "system", "content": "You are the support assistant of {{company}}."}]},
         "parameters": {"temperature": 0.2, "max_tokens": 64}}
        """
        .formatted(WarmUpModel.MODEL, version, ENDPOINT);
  }

  private static EndpointRegistry endpoints(Path dir, WarmUpModel model) throws IOException {
    Path file = dir.resolve("endpoints.json");
    Files.writeString(
        file,
        """
        {"endpoints": {"%s": {"baseUrl": "%s", "apiKeyEnv": "WARM_UP_MODEL_KEY",
          "timeoutMs": 30000}}}
        """
            .formatted(ENDPOINT, model.baseUrl()));
    return EndpointRegistry.load(file, name -> "warm-up-key-not-a-secret");
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
