package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same jar on a JVM with virtual threads (Java 21+), where each request runs on a virtual
 * thread and the model client's work goes to virtual threads too: answers, streams, concurrency and
 * the drain on shutdown behave as on Java 17 ({@link GatewayIT}). The JVM is the one {@code
 * LLM_ROUTER_TEST_JAVA21} names, else Temurin 25 where this project's machines have it; without
 * either the tests are skipped, not passed.
 */
class VirtualThreadGatewayIT {
  private static final Path DEFAULT_JAVA = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static Path java() {
    Optional<Path> java =
        Optional.ofNullable(System.getenv("LLM_ROUTER_TEST_JAVA21"))
            .map(Path::of)
            .or(() -> Optional.of(DEFAULT_JAVA).filter(Files::isExecutable));
    assumeThat(java).as("a Java 21+ launcher (LLM_ROUTER_TEST_JAVA21)").isPresent();
    return java.orElseThrow();
  }

  private GatewayProcess start(ModelEndpointServer endpoint) throws Exception {
    Files.writeString(
        dir.resolve("flags.json"),
        """
        {"flags": {"support-model": {"state": "ENABLED",
          "variants": {"stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "pool"}},
          "defaultVariant": "stable"}}}
        """);
    Files.writeString(
        dir.resolve("endpoints.json"),
        """
        {"endpoints": {"pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000}}}
        """
            .formatted(endpoint.baseUrl()));
    return new GatewayProcess(
        java(),
        dir,
        Map.of("MODEL_API_KEY", "sk-test", "LOG_LEVEL", "INFO"),
        "--flags",
        "flags.json",
        "--endpoints",
        "endpoints.json",
        "--default-flag",
        "support-model");
  }

  private static HttpRequest chat(GatewayProcess gateway, boolean stream, String session) {
    return HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .header("X-Session-Id", session)
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"model\": \"ignored\", \"stream\": "
                    + stream
                    + ", \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}"))
        .build();
  }

  @Test
  void answersAndStreamsConcurrentlyOnVirtualThreads() throws Exception {
    try (ModelEndpointServer endpoint = ModelEndpointServer.start("stable");
        GatewayProcess gateway = start(endpoint)) {
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(
            HTTP.sendAsync(
                chat(gateway, i % 2 == 0, "s-" + i), HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < calls.size(); i++) {
        HttpResponse<String> response = calls.get(i).get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Variant")).contains("stable");
        if (i % 2 == 0) {
          assertThat(response.body()).contains("data: {").endsWith("data: [DONE]\n\n");
        } else {
          assertThat(response.body()).contains("\"object\":\"chat.completion\"");
        }
      }
      assertThat(gateway.output()).contains("requests run on virtual threads");
    }
  }

  @Test
  void shutdownLetsInFlightRequestsFinish() throws Exception {
    try (ModelEndpointServer endpoint = ModelEndpointServer.start("stable");
        GatewayProcess gateway = start(endpoint)) {
      endpoint.enqueue(Reply.answer("slow but complete").delayed(1500));
      CompletableFuture<HttpResponse<String>> inFlight =
          HTTP.sendAsync(chat(gateway, false, "slow"), HttpResponse.BodyHandlers.ofString());
      Awaitility.await().until(() -> endpoint.received().size() > 0);
      gateway.terminate();

      HttpResponse<String> finished = inFlight.get();
      assertThat(finished.statusCode()).isEqualTo(200);
      assertThat(finished.body()).contains("slow but complete");
    }
  }
}
