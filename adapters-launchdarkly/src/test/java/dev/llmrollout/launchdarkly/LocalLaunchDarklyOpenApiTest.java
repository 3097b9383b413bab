package dev.llmrollout.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.launchdarkly.internal.FlagPatch;
import dev.llmrollout.launchdarkly.internal.RestFlag;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, point 4: the local LaunchDarkly's REST answers checked against LaunchDarkly's own
 * OpenAPI document (statuses each operation documents, schemas, example error codes), not only
 * against this project's expectations; and the adapter's requests against the request schema.
 */
class LocalLaunchDarklyOpenApiTest {
  private static final String FLAG = "support-model";
  private static final String PATCH = "patchFeatureFlag";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LaunchDarklyOpenApi openApi = new LaunchDarklyOpenApi();
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalLaunchDarklyHarness harness;

  @BeforeEach
  void open() throws Exception {
    harness = new LocalLaunchDarklyHarness();
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aFlagReadConformsToTheFeatureFlagSchema() throws Exception {
    HttpResponse<String> answer =
        send("GET", FLAG + "?env=production", null, LocalLaunchDarklyHarness.WRITER_TOKEN);
    assertDocumented("getFeatureFlag", answer);
  }

  @Test
  void theAdaptersPatchBodyConformsToTheDocumentedRequestSchema() throws Exception {
    RestFlag flag = readFlag();
    JsonNode body =
        FlagPatch.onVersion("production", flag.version())
            .on(false)
            .offVariation(0)
            .rollout(flag, Map.of("stable", 60_000, "canary", 40_000))
            .body("a reason [kill by guard via llm-rollout]");
    assertThat(openApi.violations(openApi.requestSchema(PATCH), body))
        .as(openApi.source())
        .isEmpty();
    assertThat(openApi.queryParameters(PATCH)).contains("ignoreConflicts");

    HttpResponse<String> answer =
        send("PATCH", FLAG, body.toString(), LocalLaunchDarklyHarness.WRITER_TOKEN);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertDocumented(PATCH, answer);
  }

  @Test
  void theDocumentedRequestExampleIsAccepted() throws Exception {
    JsonNode example = openApi.requestExample(PATCH);
    int environmentVersion = harness.server.flag(FLAG).orElseThrow().version();
    int streamed = harness.server.streamedFlagEvents();

    HttpResponse<String> answer =
        send("PATCH", FLAG, example.toString(), LocalLaunchDarklyHarness.WRITER_TOKEN);

    assertDocumented(PATCH, answer);
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode flag = JSON.readTree(answer.body());
    assertThat(flag.path("description").asText()).isEqualTo("New description for this flag");
    // A flag-level edit moves the flag's _version, not the environment's (nor the SDK's) version.
    assertThat(harness.server.flag(FLAG).orElseThrow().version()).isEqualTo(environmentVersion);
    assertThat(harness.server.streamedFlagEvents()).isEqualTo(streamed);
  }

  @Test
  void everyRefusalIsADocumentedStatusWithTheDocumentedErrorShape() throws Exception {
    String writer = LocalLaunchDarklyHarness.WRITER_TOKEN;
    int version = harness.server.flag(FLAG).orElseThrow().version();
    String stale =
        "{\"patch\":[{\"op\":\"test\",\"path\":\"/environments/production/version\",\"value\":"
            + (version - 1)
            + "},{\"op\":\"replace\",\"path\":\"/environments/production/on\",\"value\":false}]}";
    String off = "[{\"op\":\"replace\",\"path\":\"/environments/production/on\",\"value\":false}]";

    assertRefusal(send("PATCH", FLAG, stale, writer), 409);
    assertRefusal(send("PATCH", FLAG, "{\"comment\":\"no patch\"}", writer), 400);
    assertRefusal(send("PATCH", FLAG, off, "api-unknown-token"), 401);
    assertRefusal(send("PATCH", "no-such-flag", off, writer), 404);
    harness.server.scheduleChange(FLAG);
    assertRefusal(send("PATCH", FLAG, off, writer), 400);
    harness.server.requireApprovals(true);
    assertRefusal(send("PATCH", FLAG, off, writer), 405);
    assertThat(harness.server.flag(FLAG).orElseThrow().version()).isEqualTo(version);
  }

  /**
   * Issue 15, point 4: the rollout record's patch (version test, record test, add of the custom
   * property) conforms to {@code PatchWithComment}, and the flag read back, record included,
   * conforms to {@code FeatureFlag} ({@code customProperties} of {@code customProperty}).
   */
  @Test
  void theRolloutRecordPatchAndTheFlagCarryingItConformToTheDocumentedSchemas() throws Exception {
    RestFlag flag = readFlag();
    JsonNode body =
        FlagPatch.onVersion("production", flag.version())
            .testRecord(flag)
            .rolloutRecord(flag, "{\"step\":2}")
            .body("lease renewed [rollout-record by guard-a via llm-rollout]");
    assertThat(openApi.violations(openApi.requestSchema(PATCH), body))
        .as(openApi.source())
        .isEmpty();

    HttpResponse<String> answer =
        send("PATCH", FLAG, body.toString(), LocalLaunchDarklyHarness.WRITER_TOKEN);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertDocumented(PATCH, answer);
    assertDocumented(
        "getFeatureFlag",
        send("GET", FLAG + "?env=production", null, LocalLaunchDarklyHarness.WRITER_TOKEN));
    assertThat(readFlag().rolloutRecord()).contains("{\"step\":2}");
  }

  /**
   * A custom property that breaks {@code customProperty} (a value that is not an array of strings)
   * and a record test against a record that changed are refused with documented statuses.
   */
  @Test
  void aMalformedCustomPropertyAndAStaleRecordTestAreDocumentedRefusals() throws Exception {
    String writer = LocalLaunchDarklyHarness.WRITER_TOKEN;
    String notStrings =
        "[{\"op\":\"add\",\"path\":\"/customProperties/llm-rollout.production\","
            + "\"value\":{\"name\":\"record\",\"value\":[{\"step\":2}]}}]";
    assertRefusal(send("PATCH", FLAG, notStrings, writer), 400);

    RestFlag before = readFlag();
    String first =
        FlagPatch.onVersion("production", before.version())
            .testRecord(before)
            .rolloutRecord(before, "{\"holder\":\"a\"}")
            .body("a")
            .toString();
    String second =
        FlagPatch.onVersion("production", before.version())
            .testRecord(before)
            .rolloutRecord(before, "{\"holder\":\"b\"}")
            .body("b")
            .toString();
    assertThat(send("PATCH", FLAG, first, writer).statusCode()).isEqualTo(200);
    assertRefusal(send("PATCH", FLAG, second, writer), 409);
    assertThat(readFlag().rolloutRecord()).contains("{\"holder\":\"a\"}");
  }

  /**
   * {@code patchFeatureFlag} does not list 403; the local LaunchDarkly answers a read-only token's
   * PATCH with the 403 and {@code ForbiddenErrorRep} that {@code getFeatureFlag} documents.
   */
  @Test
  void aReadOnlyTokensPatchIsTheForbiddenAnswerTheFlagReadDocuments() throws Exception {
    String off = "[{\"op\":\"replace\",\"path\":\"/environments/production/on\",\"value\":false}]";
    HttpResponse<String> answer = send("PATCH", FLAG, off, LocalLaunchDarklyHarness.READER_TOKEN);
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(openApi.responseSchema(PATCH, 403)).isEmpty();
    assertDocumented("getFeatureFlag", answer);
  }

  private void assertRefusal(HttpResponse<String> answer, int status) throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    assertDocumented(PATCH, answer);
  }

  private void assertDocumented(String operation, HttpResponse<String> answer) throws Exception {
    String schema =
        openApi
            .responseSchema(operation, answer.statusCode())
            .orElseThrow(
                () ->
                    new AssertionError(
                        operation
                            + " does not document HTTP "
                            + answer.statusCode()
                            + " ("
                            + openApi.source()
                            + ")"));
    JsonNode body = JSON.readTree(answer.body());
    assertThat(openApi.violations(schema, body))
        .as("%s %s against %s", operation, answer.statusCode(), schema)
        .isEmpty();
    if (schema.endsWith("ErrorRep")) {
      assertThat(body.path("code").asText()).isEqualTo(openApi.exampleCode(schema));
    }
  }

  private RestFlag readFlag() throws Exception {
    HttpResponse<String> answer =
        send("GET", FLAG + "?env=production", null, LocalLaunchDarklyHarness.WRITER_TOKEN);
    return RestFlag.parse(FLAG, "production", JSON.readTree(answer.body()));
  }

  private HttpResponse<String> send(String method, String pathAndQuery, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(harness.server.uri() + "/api/v2/flags/default/" + pathAndQuery))
            .header("Authorization", token)
            .header("Content-Type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
