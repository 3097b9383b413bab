package dev.llmrollout.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.contract.FlagSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, point 3: the local LaunchDarkly answers in LaunchDarkly's documented formats, checked on
 * the wire: the SSE frames the SDK's {@code StreamProcessor} expects ({@code event:} before {@code
 * data:}, {@code put} of {@code {"path":"/","data":{"flags","segments"}}} first, then {@code patch}
 * with strictly higher versions), and the REST API's status codes and {@code {"code","message"}}
 * error bodies.
 */
class LocalLaunchDarklyProtocolTest {
  private static final String SEMANTIC_PATCH =
      "application/json; domain-model=launchdarkly.semanticpatch";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalLaunchDarklyHarness harness;

  @BeforeEach
  void open() throws Exception {
    harness = new LocalLaunchDarklyHarness();
    harness.publish(FlagSpec.canarySplit("support-model", 5));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void theStreamStartsWithAPutOfEveryFlagThenPatchesWithHigherVersions() throws Exception {
    HttpResponse<Stream<String>> response =
        http.send(
            HttpRequest.newBuilder(harness.server.uri().resolve("/all"))
                .header("Authorization", LocalLaunchDarklyHarness.SDK_KEY)
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    Iterator<String> lines = response.body().iterator();

    assertThat(lines.next()).isEqualTo("event: put");
    JsonNode put = JSON.readTree(lines.next().substring("data: ".length()));
    assertThat(lines.next()).isEmpty();
    assertThat(put.path("path").asText()).isEqualTo("/");
    assertThat(put.path("data").path("segments").isObject()).isTrue();
    JsonNode flag = put.path("data").path("flags").path("support-model");
    assertThat(flag.path("variations").size()).isEqualTo(2);
    assertThat(
            flag.path("fallthrough")
                .path("rollout")
                .path("variations")
                .get(1)
                .path("weight")
                .asInt())
        .isEqualTo(5_000);
    int version = flag.path("version").asInt();

    harness
        .rolloutControl()
        .kill("support-model", "stable", dev.llmrollout.spi.ChangeRequest.because("test"));

    assertThat(lines.next()).isEqualTo("event: patch");
    JsonNode patch = JSON.readTree(lines.next().substring("data: ".length()));
    assertThat(patch.path("path").asText()).isEqualTo("/flags/support-model");
    assertThat(patch.path("data").path("on").asBoolean()).isFalse();
    assertThat(patch.path("data").path("version").asInt()).isGreaterThan(version);
    response.body().close();
  }

  @Test
  void thePollingEndpointServesTheBarePayloadToTheSdkKeyOnly() throws Exception {
    String uri = harness.server.uri() + "/sdk/latest-all";
    JsonNode payload = JSON.readTree(send(get(uri, LocalLaunchDarklyHarness.SDK_KEY)).body());
    assertThat(payload.has("path")).isFalse();
    assertThat(payload.path("flags").path("support-model").path("key").asText())
        .isEqualTo("support-model");
    assertThat(payload.path("segments").isObject()).isTrue();
    assertThat(send(get(uri, "sdk-other")).statusCode()).isEqualTo(401);
  }

  @Test
  void restErrorsUseLaunchDarklysStatusCodesAndBodies() throws Exception {
    String flagUri = harness.server.uri() + "/api/v2/flags/default/support-model";

    HttpResponse<String> jsonPatch =
        send(
            patch(
                flagUri,
                "application/json",
                "{\"environmentKey\":\"production\",\"instructions\":[{\"kind\":\"turnFlagOff\"}]}"));
    assertError(jsonPatch, 400, "invalid_request");

    HttpResponse<String> unknownKind =
        send(
            patch(
                flagUri,
                SEMANTIC_PATCH,
                "{\"environmentKey\":\"production\",\"instructions\":[{\"kind\":\"launchRocket\"}]}"));
    assertError(unknownKind, 400, "invalid_request");

    String ids =
        JSON.readTree(
                send(get(flagUri + "?env=production", LocalLaunchDarklyHarness.WRITER_TOKEN))
                    .body())
            .path("variations")
            .get(0)
            .path("_id")
            .asText();
    HttpResponse<String> badSum =
        send(
            patch(
                flagUri,
                SEMANTIC_PATCH,
                "{\"environmentKey\":\"production\",\"instructions\":[{\"kind\":\"updateFallthroughVariationOrRollout\",\"rolloutWeights\":{\""
                    + ids
                    + "\":99999}}]}"));
    assertError(badSum, 400, "invalid_request");

    assertError(send(get(flagUri + "?env=production", "wrong")), 401, "unauthorized");
    assertError(
        send(
            get(
                harness.server.uri() + "/api/v2/flags/default/nope?env=production",
                LocalLaunchDarklyHarness.WRITER_TOKEN)),
        404,
        "not_found");
    assertThat(harness.server.auditLog()).isEmpty();
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest get(String uri, String token) {
    return HttpRequest.newBuilder(URI.create(uri))
        .header("Authorization", token)
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpRequest patch(String uri, String contentType, String body) {
    return HttpRequest.newBuilder(URI.create(uri))
        .header("Authorization", LocalLaunchDarklyHarness.WRITER_TOKEN)
        .header("Content-Type", contentType)
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static void assertError(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("code").asText()).isEqualTo(code);
    assertThat(body.path("message").asText()).isNotBlank();
  }
}
