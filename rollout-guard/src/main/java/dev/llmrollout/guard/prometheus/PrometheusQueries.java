package dev.llmrollout.guard.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.signals.SignalsUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Instant queries through Prometheus's HTTP API ({@code POST /api/v1/query}, form-encoded), with
 * the credentials of a {@link PrometheusAuth}. Any failure (unreachable, credentials refused, an
 * error envelope, a result that is not a vector) is a {@link SignalsUnavailableException} naming
 * the query's purpose and Prometheus's own error, never the credentials.
 */
final class PrometheusQueries {
  /** One element of an instant vector: its labels and value. */
  record Sample(Map<String, String> labels, double value) {}

  private final URI queryUri;
  private final PrometheusAuth auth;
  private final HttpClient http;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();

  PrometheusQueries(URI baseUri, PrometheusAuth auth, HttpClient http, Duration timeout) {
    String base = baseUri.toString().replaceAll("/+$", "");
    this.queryUri = URI.create(base + "/api/v1/query");
    this.auth = auth;
    this.http = http;
    this.timeout = timeout;
  }

  /** The instant vector {@code promql} evaluates to at {@code time}. */
  List<Sample> vector(String promql, Instant time) {
    String form =
        "query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8)
            + "&time="
            + time.getEpochSecond()
            + "."
            + String.format("%03d", time.getNano() / 1_000_000)
            + "&timeout="
            + timeout.toSeconds()
            + "s";
    HttpRequest.Builder request =
        HttpRequest.newBuilder(queryUri)
            .timeout(timeout.plusSeconds(1))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    auth.header().ifPresent(value -> request.header("Authorization", value));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SignalsUnavailableException(
          "Prometheus at " + queryUri + " unreachable: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SignalsUnavailableException("interrupted while querying Prometheus", e);
    }
    return parse(promql, response);
  }

  private List<Sample> parse(String promql, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new SignalsUnavailableException(
          "Prometheus at "
              + queryUri
              + " answered HTTP "
              + status
              + (auth.header().isEmpty()
                  ? ": it wants credentials and none were sent"
                  : ": it refused the credentials sent (" + auth.describe() + ")"));
    }
    JsonNode body;
    try {
      body = json.readTree(response.body());
    } catch (IOException e) {
      throw new SignalsUnavailableException(
          "Prometheus answered HTTP " + response.statusCode() + " with a body that is not JSON", e);
    }
    if (!"success".equals(body.path("status").asText())) {
      throw new SignalsUnavailableException(
          "Prometheus answered HTTP "
              + response.statusCode()
              + " "
              + body.path("errorType").asText("(no errorType)")
              + ": "
              + body.path("error").asText("(no error)")
              + " for query "
              + promql);
    }
    JsonNode data = body.path("data");
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new SignalsUnavailableException(
          "Prometheus returned resultType '"
              + data.path("resultType").asText()
              + "' for query "
              + promql
              + ", expected vector");
    }
    List<Sample> samples = new ArrayList<>();
    for (JsonNode element : data.path("result")) {
      Map<String, String> labels = new HashMap<>();
      element
          .path("metric")
          .properties()
          .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      samples.add(new Sample(labels, number(element.path("value").path(1).asText())));
    }
    return samples;
  }

  /** A sample value as Prometheus writes it ({@code +Inf}, {@code -Inf}, {@code NaN} included). */
  static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  /** {@code value} as a PromQL string literal. */
  static String literal(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }
}
