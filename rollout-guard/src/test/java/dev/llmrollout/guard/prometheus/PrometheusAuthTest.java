package dev.llmrollout.guard.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.llmrollout.signals.SignalsUnavailableException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: the signal source authenticates to a real Prometheus that asks for basic auth ({@code
 * --web.config.file} with a bcrypt hash), and with a bearer token to a proxy in front of it (what
 * Prometheus itself cannot check: a gateway such as an OAuth proxy does). Refusals say what was
 * sent, never the secret.
 */
class PrometheusAuthTest {
  private static final PrometheusProcess.BasicAuthUser USER = PrometheusProcess.TEST_USER;
  private static final String PASSWORD = USER.password();

  private static final String BEARER = "bearer-token-for-tests";

  @TempDir Path dir;
  private PrometheusProcess prometheus;
  private HttpServer proxy;

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(
        PrometheusProcess.installed(),
        "prometheus is not on PATH: run .ci/prometheus.sh install (CI does) to run this test");
    prometheus = PrometheusProcess.withBasicAuth(dir, "llm-router", List.of(), USER);
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.stop(0);
    }
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private static PrometheusSignalSource source(URI uri, PrometheusAuth auth) {
    PrometheusSignalSource.Settings defaults =
        PrometheusSignalSource.Settings.of(uri, "llm-router");
    return new PrometheusSignalSource(
        new PrometheusSignalSource.Settings(
            uri,
            "llm-router",
            1,
            defaults.staleAfter(),
            defaults.counterLookback(),
            Duration.ofSeconds(5),
            auth),
        HttpClient.newHttpClient(),
        Clock.systemUTC());
  }

  @Test
  @DisplayName("basic auth: the right password is let in")
  void theRightPasswordIsLetIn() {
    source(prometheus.uri(), PrometheusAuth.basic(USER.name(), PASSWORD)).ping();
  }

  @Test
  @DisplayName("basic auth: no credentials are refused, and the refusal says none were sent")
  void noCredentialsAreRefused() {
    assertThatThrownBy(() -> source(prometheus.uri(), PrometheusAuth.none()).ping())
        .isInstanceOf(SignalsUnavailableException.class)
        .hasMessageContaining("HTTP 401: it wants credentials and none were sent");
  }

  @Test
  @DisplayName("basic auth: a wrong password is refused, named without the password")
  void aWrongPasswordIsRefusedWithoutShowingIt() {
    String wrong = "not-the-" + PASSWORD;
    assertThatThrownBy(() -> source(prometheus.uri(), PrometheusAuth.basic("fleet", wrong)).ping())
        .isInstanceOf(SignalsUnavailableException.class)
        .hasMessageContaining("HTTP 401: it refused the credentials sent (basic auth as 'fleet')")
        .message()
        .doesNotContain(wrong);
  }

  @Test
  @DisplayName("a bearer token reaches Prometheus through a proxy that checks it")
  void aBearerTokenPassesTheProxy() throws Exception {
    URI proxied = startBearerProxy();
    source(proxied, PrometheusAuth.bearer(BEARER)).ping();
    assertThatThrownBy(() -> source(proxied, PrometheusAuth.bearer("wrong-" + BEARER)).ping())
        .hasMessageContaining("HTTP 401: it refused the credentials sent (a bearer token)")
        .message()
        .doesNotContain(BEARER);
  }

  @Test
  @DisplayName("the settings and the credentials print without their secret")
  void secretsNeverPrint() {
    PrometheusAuth basic = PrometheusAuth.basic("fleet", PASSWORD);
    PrometheusAuth bearer = PrometheusAuth.bearer(BEARER);
    assertThat(basic + " " + bearer)
        .isEqualTo("PrometheusAuth[basic auth as 'fleet'] PrometheusAuth[a bearer token]");
    assertThat(
            new PrometheusSignalSource.Settings(
                    prometheus.uri(),
                    "llm-router",
                    1,
                    Duration.ofSeconds(45),
                    Duration.ofHours(1),
                    Duration.ofSeconds(10),
                    basic)
                .toString())
        .doesNotContain(PASSWORD);
    assertThatThrownBy(() -> PrometheusAuth.bearer("line\nbreak"))
        .hasMessage(
            "the bearer token contains a control character (a line break?), which a header cannot"
                + " carry");
  }

  /**
   * A reverse proxy that lets a request through only with {@code Authorization: Bearer} {@link
   * #BEARER} (401 otherwise, as an OAuth proxy answers) and forwards it with Prometheus's own basic
   * auth, as such a proxy holds it.
   */
  private URI startBearerProxy() throws Exception {
    HttpClient upstream = HttpClient.newHttpClient();
    proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext(
        "/",
        exchange -> {
          try {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (!("Bearer " + BEARER).equals(auth)) {
              exchange.sendResponseHeaders(401, -1);
              return;
            }
            HttpRequest.Builder forward =
                HttpRequest.newBuilder(
                        prometheus.uri().resolve(exchange.getRequestURI().toString()))
                    .header("Authorization", USER.header())
                    .method(
                        exchange.getRequestMethod(),
                        HttpRequest.BodyPublishers.ofByteArray(
                            exchange.getRequestBody().readAllBytes()));
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
              forward.header("Content-Type", type);
            }
            HttpResponse<byte[]> answer =
                upstream.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer
                .headers()
                .firstValue("Content-Type")
                .ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
            exchange.getResponseBody().write(answer.body());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            exchange.close();
          }
        });
    proxy.start();
    return URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
  }
}
