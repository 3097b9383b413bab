package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The calls of LaunchDarkly's REST API v2 that write-back needs: read a flag, change it with a JSON
 * Patch, read its audit log. Sends the access token as LaunchDarkly expects it (the raw token in
 * {@code Authorization}) and never puts it in a message.
 */
public final class RestApi {
  private static final String API_VERSION = "20240415";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final String accessToken;
  private final String projectKey;
  private final String environmentKey;
  private final Duration requestTimeout;
  private final Clock clock;

  public RestApi(
      URI base,
      String accessToken,
      String projectKey,
      String environmentKey,
      Duration requestTimeout,
      Clock clock) {
    this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    this.base = base;
    this.accessToken = accessToken;
    this.projectKey = projectKey;
    this.environmentKey = environmentKey;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
  }

  public String environmentKey() {
    return environmentKey;
  }

  /** {@code GET /api/v2/flags/{project}/{flag}?env={environment}}. */
  public RestResponse getFlag(String flagKey) throws IOException, InterruptedException {
    HttpRequest request =
        request(URI.create(flagUri(flagKey) + "?env=" + encode(environmentKey))).GET().build();
    return send(request);
  }

  /**
   * {@code GET /api/v2/auditlog?spec=proj/{project}:env/{environment}:flag/{flag}&limit=}: the
   * flag's audit log entries in this environment, newest first, in summary form.
   */
  public RestResponse auditLog(String flagKey, int limit) throws IOException, InterruptedException {
    String spec = "proj/" + projectKey + ":env/" + environmentKey + ":flag/" + flagKey;
    return send(
        request(URI.create(root() + "api/v2/auditlog?spec=" + encode(spec) + "&limit=" + limit))
            .GET()
            .build());
  }

  /**
   * {@code GET /api/v2/auditlog/{id}}: one entry with {@code previousVersion} and {@code
   * currentVersion}.
   */
  public RestResponse auditEntry(String id) throws IOException, InterruptedException {
    return send(request(URI.create(root() + "api/v2/auditlog/" + encode(id))).GET().build());
  }

  /**
   * {@code PATCH /api/v2/flags/{project}/{flag}} with a JSON Patch body ({@code {"comment",
   * "patch"}}); with {@code ignoreConflicts}, LaunchDarkly applies it even when it makes a pending
   * scheduled change or approval request fail.
   */
  public RestResponse patchFlag(String flagKey, JsonNode jsonPatch, boolean ignoreConflicts)
      throws IOException, InterruptedException {
    String query = ignoreConflicts ? "?ignoreConflicts=true" : "";
    HttpRequest request =
        request(URI.create(flagUri(flagKey) + query))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(write(jsonPatch)))
            .build();
    return send(request);
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .header("Authorization", accessToken)
        .header("LD-API-Version", API_VERSION)
        .header("Accept", "application/json");
  }

  private RestResponse send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new RestResponse(response.statusCode(), response.body(), retryAfter(response));
  }

  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<Duration> seconds =
        response
            .headers()
            .firstValue("Retry-After")
            .flatMap(RestApi::parseLong)
            .map(Duration::ofSeconds);
    if (seconds.isPresent()) {
      return seconds;
    }
    return response
        .headers()
        .firstValue("X-Ratelimit-Reset")
        .flatMap(RestApi::parseLong)
        .map(resetAt -> Duration.ofMillis(Math.max(0, resetAt - clock.millis())));
  }

  private static Optional<Long> parseLong(String s) {
    try {
      return Optional.of(Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private String root() {
    return base.toString().endsWith("/") ? base.toString() : base + "/";
  }

  private String flagUri(String flagKey) {
    return root() + "api/v2/flags/" + encode(projectKey) + "/" + encode(flagKey);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a patch could not be written as JSON", e);
    }
  }

  /** LaunchDarkly's error message from an error body, or the body itself. */
  public static String errorMessage(RestResponse response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      if (body != null && body.path("message").isTextual()) {
        String code = body.path("code").asText("");
        return (code.isEmpty() ? "" : code + ": ") + body.path("message").asText();
      }
    } catch (JsonProcessingException e) {
      // not JSON: fall through to the raw body
    }
    String raw = response.body() == null ? "" : response.body().strip();
    return raw.length() > 300 ? raw.substring(0, 300) + "..." : raw;
  }
}
