package dev.llmrollout.unleash.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unleash's HTTP API as the write-back uses it: JSON in and out, the token in the {@code
 * Authorization} header (never in a message), 409/429/5xx and connection failures retried with
 * exponential backoff and jitter, 401/403 reported as a permissions error.
 */
public final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI apiUrl;
  private final String token;
  private final HttpClient http;
  private final int maxAttempts;
  private final Duration firstBackoff;

  /**
   * @param apiUrl Unleash's API root, such as {@code http://127.0.0.1:4242/api}
   * @param token an admin token or personal access token (for admin paths) or a backend token
   * @param maxAttempts tries per request, at least 1
   * @param firstBackoff the wait after the first failure; doubled on each retry, capped at 5 s
   */
  public AdminApi(URI apiUrl, String token, int maxAttempts, Duration firstBackoff) {
    this.apiUrl = apiUrl;
    this.token = token;
    this.maxAttempts = Math.max(1, maxAttempts);
    this.firstBackoff = firstBackoff;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** GET {@code path} (relative to the API root); the flag names the request in errors. */
  public JsonNode get(String flagKey, String path) {
    return call(flagKey, "GET", path, null, Set.of()).body();
  }

  /** Sends {@code body} (may be null) with {@code method} to {@code path}. */
  public JsonNode send(String flagKey, String method, String path, JsonNode body) {
    return call(flagKey, method, path, body, Set.of()).body();
  }

  /**
   * PATCHes {@code path} with a JSON Patch whose {@code test} operations may fail. Unleash (8.x)
   * answers a failed {@code test} with 500 (its error handler does not know fast-json-patch's
   * error), so 400 and 500 are returned as a refusal, not retried: the caller re-reads to tell a
   * failed test from a broken request.
   *
   * @return empty when applied, else the refusal ({@code HTTP <status> <message>})
   */
  public Optional<String> patchUnlessRefused(String flagKey, String path, JsonNode jsonPatch) {
    Answer answer = call(flagKey, "PATCH", path, jsonPatch, Set.of(400, 500));
    return answer.refusal();
  }

  /** A successful answer's body, or a refusal the caller asked to see. */
  private record Answer(JsonNode body, Optional<String> refusal) {}

  private Answer call(
      String flagKey, String method, String path, JsonNode body, Set<Integer> refusals) {
    HttpRequest request = request(method, path, body);
    String what = method + " " + path;
    String lastProblem = "";
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Duration wait = backoff(attempt);
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return new Answer(parse(response.body()), Optional.empty());
        }
        lastProblem = "HTTP " + status + " " + message(response.body());
        if (refusals.contains(status)) {
          return new Answer(MissingNode.getInstance(), Optional.of(lastProblem));
        }
        if (status == 401 || status == 403) {
          throw new WriteBackException(
              Kind.PERMISSION_DENIED,
              flagKey,
              "flag '"
                  + flagKey
                  + "': Unleash refused the write-back token for "
                  + what
                  + " ("
                  + lastProblem
                  + "); it needs an admin token or a personal access token allowed to update"
                  + " feature strategies and environments in this project (set"
                  + " UNLEASH_ADMIN_TOKEN)");
        }
        if (status == 404) {
          throw new WriteBackException(
              Kind.NOT_FOUND, flagKey, "flag '" + flagKey + "': " + what + ": " + lastProblem);
        }
        if (status != 409 && status != 429 && status < 500) {
          throw new WriteBackException(
              Kind.INVALID_REQUEST,
              flagKey,
              "flag '" + flagKey + "': Unleash rejected " + what + ": " + lastProblem);
        }
        wait = retryAfter(response).orElse(wait);
      } catch (IOException e) {
        lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WriteBackException(
            Kind.UNAVAILABLE, flagKey, "flag '" + flagKey + "': interrupted during " + what, e);
      }
      if (attempt < maxAttempts) {
        LOG.warn(
            "flag '{}': {} failed ({}), retry {} in {}", flagKey, what, lastProblem, attempt, wait);
        sleep(wait);
      }
    }
    throw new WriteBackException(
        Kind.UNAVAILABLE,
        flagKey,
        "flag '"
            + flagKey
            + "': "
            + what
            + " failed after "
            + maxAttempts
            + " attempts, last: "
            + lastProblem);
  }

  private HttpRequest request(String method, String path, JsonNode body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(apiUrl + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", token)
            .header("Accept", "application/json");
    if (body == null) {
      return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }
    return builder
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private Duration backoff(int attempt) {
    long base = Math.min(5_000, firstBackoff.toMillis() << Math.min(attempt - 1, 16));
    return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  private static Optional<Duration> retryAfter(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .filter(v -> v.matches("\\d{1,3}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v)));
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  /** Unleash's error text ({@code message} or {@code details[0].message}), never the token. */
  private String message(String body) {
    JsonNode node = parse(body);
    String text = node.path("details").path(0).path("message").asText("");
    if (text.isEmpty()) {
      text = node.path("message").asText(body == null ? "" : body);
    }
    text = text.length() > 300 ? text.substring(0, 300) : text;
    return text.replace(token, "<token>");
  }
}
