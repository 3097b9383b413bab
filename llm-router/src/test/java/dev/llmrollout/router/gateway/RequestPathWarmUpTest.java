package dev.llmrollout.router.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.llmrollout.router.EndpointRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, point 4: the gateway warms its request path before it is ready, and warm-up traffic
 * reaches neither the real model endpoint nor the real gateway's signals and metrics.
 */
class RequestPathWarmUpTest {
  private static final String FLAG = "support-model";
  private static final String ANSWER =
      "{\"id\": \"chatcmpl-1\", \"object\": \"chat.completion\", \"model\": \"real-model\","
          + " \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\":"
          + " \"Hello.\"}, \"finish_reason\": \"stop\"}], \"usage\": {\"prompt_tokens\": 3,"
          + " \"completion_tokens\": 1, \"total_tokens\": 4}}";

  @TempDir Path dir;

  private final AtomicInteger realEndpointCalls = new AtomicInteger();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer realEndpoint;
  private GatewayRuntime runtime;

  @BeforeEach
  void startRealEndpoint() throws IOException {
    realEndpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    realEndpoint.createContext(
        "/",
        exchange -> {
          realEndpointCalls.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    realEndpoint.start();
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    realEndpoint.stop(0);
  }

  @Test
  @DisplayName("readiness answers 503 until warm-up has run, then 200")
  void readinessWaitsForWarmUp() throws Exception {
    runtime = start(20);

    HttpResponse<String> warming = get("/readyz");
    assertThat(warming.statusCode()).isEqualTo(503);
    assertThat(warming.body()).contains("warming up the request path");

    runtime.warmUp();

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(runtime.warmUpTook()).isPositive();
  }

  @Test
  @DisplayName("warm-up calls no real endpoint and leaves the real signals and metrics at zero")
  void warmUpTrafficStaysOutOfTheRealGateway() throws Exception {
    runtime = start(200);
    runtime.warmUp();

    assertThat(realEndpointCalls).hasValue(0);
    assertThat(runtime.stack().router().signals().arms()).isEmpty();
    assertThat(get("/metrics").body())
        .doesNotContain("gen_ai_client_operation_duration")
        .doesNotContain(RequestPathWarmUp.FLAG);

    // The same counters do see real traffic, so the zeros above are not blind.
    assertThat(chat().statusCode()).isEqualTo(200);
    assertThat(realEndpointCalls).hasValue(1);
    assertThat(runtime.stack().router().signals().arms()).isNotEmpty();
    assertThat(get("/metrics").body()).contains("gen_ai_client_operation_duration");
  }

  @Test
  @DisplayName("with no warm-up requests the gateway is ready at once and warmUp does nothing")
  void noWarmUpIsReadyAtOnce() throws Exception {
    runtime = start(0);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);

    runtime.warmUp();

    assertThat(runtime.warmUpTook()).isZero();
  }

  private GatewayRuntime start(int warmUpRequests) throws Exception {
    Path flags = dir.resolve("flags.json");
    Files.writeString(
        flags,
        """
        {"flags": {"%s": {"state": "ENABLED", "defaultVariant": "stable", "variants": {
          "stable": {"model": "real-model", "version": "1.0.0", "endpoint": "real-pool"}}}}}
        """
            .formatted(FLAG));
    Path endpoints = dir.resolve("endpoints.json");
    Files.writeString(
        endpoints,
        """
        {"endpoints": {"real-pool": {"baseUrl": "http://127.0.0.1:%d",
          "apiKeyEnv": "REAL_MODEL_KEY", "timeoutMs": 10000}}}
        """
            .formatted(realEndpoint.getAddress().getPort()));
    return GatewayRuntime.start(
        LocalFlagsBackend.open(flags, name -> null),
        EndpointRegistry.load(endpoints, name -> "test-key-not-a-secret"),
        new Gateway.Settings("127.0.0.1", 0, 50, Duration.ofSeconds(5)),
        Optional.of(FLAG),
        RolloutSettings.ofDefaults(),
        JudgeSettings.none(),
        name -> null,
        warmUpRequests);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> chat() throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri("/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    InetSocketAddress address = runtime.gateway().address();
    return URI.create("http://127.0.0.1:" + address.getPort() + path);
  }
}
