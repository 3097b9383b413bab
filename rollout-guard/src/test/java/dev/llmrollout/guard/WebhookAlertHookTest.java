package dev.llmrollout.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.5: the alert webhook, against a loopback server")
class WebhookAlertHookTest {
  private HttpServer server;
  private final BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
  private volatile int status = 200;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hooks/secret-token",
        exchange -> {
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private WebhookAlertHook hook() {
    return new WebhookAlertHook(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/secret-token"),
        HttpClient.newHttpClient(),
        Duration.ofSeconds(5));
  }

  @Test
  void postsTheAlertAsJson() throws Exception {
    Alert alert =
        new Alert(
            Instant.parse("2026-03-01T03:00:00Z"),
            Alert.Severity.CRITICAL,
            "support-model",
            "rolled back to 'stable'",
            "rule broken: SUCCESS_RATE(DIFFERENCE) in payment");

    int answered = hook().send(alert).get(5, TimeUnit.SECONDS);

    assertThat(answered).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(bodies.poll(5, TimeUnit.SECONDS));
    assertThat(body.get("severity").asText()).isEqualTo("CRITICAL");
    assertThat(body.get("flag").asText()).isEqualTo("support-model");
    assertThat(body.get("at").asText()).isEqualTo("2026-03-01T03:00:00Z");
    assertThat(body.get("text").asText())
        .isEqualTo(
            "[CRITICAL] support-model: rolled back to 'stable' - rule broken:"
                + " SUCCESS_RATE(DIFFERENCE) in payment");
  }

  @Test
  void aFailingWebhookDoesNotThrowIntoTheGuard() throws Exception {
    status = 500;
    WebhookAlertHook hook = hook();
    Alert alert = new Alert(Instant.EPOCH, Alert.Severity.WARNING, "f", "t", "d");

    hook.alert(alert);

    assertThat(bodies.poll(5, TimeUnit.SECONDS)).contains("\"flag\":\"f\"");
    assertThat(hook.send(alert).get(5, TimeUnit.SECONDS)).isEqualTo(500);
  }

  @Test
  void missingEnvironmentVariableIsNamedWithoutAValue() {
    assertThatThrownBy(() -> WebhookAlertHook.fromEnvironment("LLM_ROLLOUT_TEST_UNSET_WEBHOOK"))
        .hasMessageContaining("LLM_ROLLOUT_TEST_UNSET_WEBHOOK");
  }
}
