package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Talks to a running gateway's admin API with the JDK's HttpClient. The admin token comes from
 * {@code LLM_ROUTER_ADMIN_TOKEN} and goes only into the Authorization header.
 */
final class GatewayAdminClient {
  static final String TOKEN_VARIABLE = "LLM_ROUTER_ADMIN_TOKEN";
  private static final String ACTOR_HEADER = "X-Actor";
  private static final String ACTOR =
      System.getProperty("user.name", "unknown") + " (llm-router cli)";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI gateway;
  private final Optional<String> token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  GatewayAdminClient(String gateway, Optional<String> token) {
    URI uri;
    try {
      uri = URI.create(gateway.endsWith("/") ? gateway : gateway + "/");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--gateway " + gateway + ": expected a URL");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "--gateway " + gateway + ": expected an http or https URL like http://127.0.0.1:8080");
    }
    this.gateway = uri;
    this.token = token.filter(t -> !t.isBlank());
  }

  /** The gateway's answer: its status and JSON body. */
  record Answer(int status, JsonNode body) {
    boolean ok() {
      return status / 100 == 2;
    }

    /** The gateway's error message, or the status when the body has none. */
    String message() {
      JsonNode message = body.at("/error/message");
      return message.isTextual() ? message.asText() : "HTTP " + status;
    }
  }

  Answer get(String flag, String suffix) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(resource(flag, suffix)).GET());
  }

  Answer post(String flag, String suffix, JsonNode body) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(resource(flag, suffix))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return send(request);
  }

  boolean hasToken() {
    return token.isPresent();
  }

  private URI resource(String flag, String suffix) {
    String key = URLEncoder.encode(flag, StandardCharsets.UTF_8).replace("+", "%20");
    return gateway.resolve("admin/flags/" + key + suffix);
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              request.timeout(Duration.ofSeconds(60)).header(ACTOR_HEADER, ACTOR).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IOException(
          "cannot reach the gateway at "
              + gateway
              + ": "
              + CliFailure.describe(e)
              + "; check --gateway and that llm-router serve is running there",
          e);
    }
    JsonNode body;
    try {
      body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IOException(
          "the gateway answered HTTP " + response.statusCode() + " with a body that is not JSON");
    }
    return new Answer(response.statusCode(), body);
  }

  static ObjectMapper json() {
    return JSON;
  }
}
