package dev.llmrollout.unleash.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.llmrollout.spi.WriteBackException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, point 2: 409/429/5xx are retried with backoff, other failures are not. A loopback server
 * plays Unleash's answers in order (the real server cannot be made to answer 503 on demand).
 */
class AdminApiTest {
  private static final String TOKEN = "*:*.secret-admin-token";

  private HttpServer server;
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api",
        exchange -> {
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          int status = statuses.isEmpty() ? 200 : statuses.poll();
          byte[] body =
              (status == 200
                      ? "{\"ok\":true}"
                      : "{\"message\":\"status " + status + " for " + TOKEN + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private AdminApi api(int attempts) {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api");
    return new AdminApi(url, TOKEN, attempts, Duration.ofMillis(10));
  }

  @Test
  void conflictsRateLimitsAndServerErrorsAreRetriedUntilSuccess() {
    statuses.addAll(List.of(409, 429, 503));
    assertThat(api(5).get("f", "/admin/x").path("ok").asBoolean()).isTrue();
    assertThat(authorizations).hasSize(4).allMatch(TOKEN::equals);
  }

  @Test
  void exhaustedRetriesAreUnavailableNamingTheFlagAndNotTheToken() {
    statuses.addAll(List.of(500, 502, 503));
    assertThatThrownBy(() -> api(3).send("support-model", "PUT", "/admin/x", null))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.UNAVAILABLE);
              assertThat(e.getMessage()).contains("support-model", "3 attempts", "HTTP 503");
              assertThat(e.getMessage()).doesNotContain("secret-admin-token");
            });
  }

  @Test
  void unauthorizedIsAPermissionsErrorWithoutRetry() {
    statuses.add(401);
    assertThatThrownBy(() -> api(5).get("support-model", "/admin/x"))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.PERMISSION_DENIED);
              assertThat(e.getMessage()).contains("UNLEASH_ADMIN_TOKEN").doesNotContain("secret");
            });
    assertThat(authorizations).hasSize(1);
  }

  @Test
  void aBadRequestIsNotRetried() {
    statuses.add(400);
    assertThatThrownBy(() -> api(5).get("f", "/admin/x"))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> assertThat(e.kind()).isEqualTo(WriteBackException.Kind.INVALID_REQUEST));
    assertThat(authorizations).hasSize(1);
  }
}
