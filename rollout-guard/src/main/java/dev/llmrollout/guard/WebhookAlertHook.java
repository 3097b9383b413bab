package dev.llmrollout.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each alert as JSON to a webhook (Slack-compatible: the summary is in {@code text}), without
 * blocking the guard. The URL often embeds a secret, so it comes from an environment variable and
 * never appears in logs or errors.
 *
 * <pre>{@code
 * AlertHook hook = WebhookAlertHook.fromEnvironment("LLM_ROUTER_ALERT_WEBHOOK");
 * }</pre>
 *
 * <p>Body: {@code {"text": "...", "severity": "CRITICAL", "flag": "...", "title": "...", "detail":
 * "...", "at": "2026-01-01T00:00:00Z"}}.
 */
public final class WebhookAlertHook implements AlertHook {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertHook.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final HttpClient client;
  private final Duration timeout;

  /**
   * Posts to {@code endpoint} with {@code client}, each request timing out after {@code timeout}.
   */
  public WebhookAlertHook(URI endpoint, HttpClient client, Duration timeout) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    String scheme = endpoint.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw new IllegalArgumentException("webhook: expected an http or https URL");
    }
  }

  /**
   * A hook posting to the URL in environment variable {@code variable}.
   *
   * @throws IllegalStateException naming the variable when it is unset or blank
   */
  public static WebhookAlertHook fromEnvironment(String variable) {
    String url = System.getenv(variable);
    if (url == null || url.isBlank()) {
      throw new IllegalStateException(
          "environment variable " + variable + " is not set, expected the alert webhook URL");
    }
    return new WebhookAlertHook(
        URI.create(url.trim()),
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
        Duration.ofSeconds(10));
  }

  @Override
  public void alert(Alert alert) {
    send(alert);
  }

  /** Posts {@code alert}; the future completes with the HTTP status, or exceptionally. */
  public CompletableFuture<Integer> send(Alert alert) {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(alert)))
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(
            response -> {
              if (response.statusCode() / 100 != 2) {
                LOG.warn(
                    "alert webhook answered {} for flag '{}'",
                    response.statusCode(),
                    alert.flagKey());
              }
              return response.statusCode();
            })
        .whenComplete(
            (status, error) -> {
              if (error != null) {
                LOG.warn(
                    "alert webhook failed for flag '{}': {}",
                    alert.flagKey(),
                    error.getClass().getSimpleName());
              }
            });
  }

  private static String body(Alert alert) {
    ObjectNode node = JSON.createObjectNode();
    node.put(
        "text",
        "["
            + alert.severity()
            + "] "
            + alert.flagKey()
            + ": "
            + alert.title()
            + " - "
            + alert.detail());
    node.put("severity", alert.severity().name());
    node.put("flag", alert.flagKey());
    node.put("title", alert.title());
    node.put("detail", alert.detail());
    node.put("at", alert.at().toString());
    return node.toString();
  }
}
