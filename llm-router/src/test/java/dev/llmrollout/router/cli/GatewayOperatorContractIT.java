package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, points 2, 3, 5 and 6 through the real jar: validate and serve agree on what is
 * servable, a rejected edit keeps the gateway ready and visible, on-call's log lines, {@code GET
 * /admin/flags}, {@code GET /v1/models} and routing by the request's {@code model}.
 */
class GatewayOperatorContractIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "admin-token-for-tests";
  private static final Map<String, String> ENV =
      Map.of("LLM_ROUTER_ADMIN_TOKEN", TOKEN, "MODEL_API_KEY", "sk-test-key");
  private static final String FLAGS =
      """
      {"flags": {
        "support-model": {"state": "ENABLED",
          "variants": {"stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "stable-pool"},
                       "canary": {"model": "m-canary", "version": "1.2.0", "endpoint": "canary-pool"}},
          "defaultVariant": "stable",
          "targeting": {"fractional": [["stable", 95], ["canary", 5]]}},
        "search-model": {"state": "ENABLED",
          "variants": {"only": {"model": "m-search", "endpoint": "stable-pool"}},
          "defaultVariant": "only"}}}
      """;

  @TempDir Path dir;
  private final TwoModelPools models = new TwoModelPools();
  private GatewayProcess gateway;

  @BeforeEach
  void files() throws Exception {
    Files.writeString(dir.resolve("flags.json"), FLAGS);
    models.writeEndpoints(dir, "MODEL_API_KEY", 10_000);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    models.close();
  }

  private GatewayProcess serve(String... extra) throws Exception {
    gateway =
        new GatewayProcess(
            dir,
            ENV,
            JarRunner.join(
                new String[] {"--flags", "flags.json", "--endpoints", "endpoints.json"}, extra));
    return gateway;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return gateway.get(path);
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return gateway.post(path, body, headers);
  }

  private JarRunner.Result validate(Map<String, String> env) throws Exception {
    return JarRunner.run(
        dir, env, "validate", "--flags", "flags.json", "--endpoints", "endpoints.json");
  }

  @Test
  @DisplayName(
      "17.2: validate lists every problem with flag, path and expected; serve refuses them")
  void validateAndServeRejectTheSameConfiguration() throws Exception {
    JarRunner.Result good = validate(ENV);
    assertThat(good.exitCode()).as(good.err()).isZero();
    assertThat(good.out()).contains("valid: 2 flag(s), 2 endpoint(s)");

    Files.writeString(
        dir.resolve("flags.json"),
        FLAGS
            .replace("\"fractional\"", "\"fractionl\"")
            .replace("\"endpoint\": \"stable-pool\"}}", "\"endpoint\": \"stable-pol\"}}"));
    JarRunner.Result bad = validate(Map.of());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err())
        .contains(
            "endpoints.json at $.endpoints.stable-pool.apiKeyEnv: expected the environment"
                + " variable MODEL_API_KEY to be set",
            "support-model at $.targeting: expected a JsonLogic or flagd operator, found"
                + " 'fractionl'",
            "search-model at $.variants.only.endpoint: expected an endpoint configured in the"
                + " endpoints file [canary-pool, stable-pool], found 'stable-pol'")
        .doesNotContain("Exception");
    JsonNode json =
        JSON.readTree(
            JarRunner.run(
                    dir,
                    Map.of(),
                    "validate",
                    "--flags",
                    "flags.json",
                    "--endpoints",
                    "endpoints.json",
                    "--json")
                .out());
    assertThat(json.path("exitCode").asInt()).isEqualTo(2);
    assertThat(json.path("problems")).hasSize(3);

    String[] serve = {
      "serve", "--port", "0", "--flags", "flags.json", "--endpoints", "endpoints.json"
    };
    JarRunner.Result refused = JarRunner.run(dir, ENV, serve);
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("fractionl", "stable-pol");
    assertThat(refused.out()).doesNotContain("listening");
  }

  @Test
  @DisplayName("17.2: a bad edit keeps the last good config serving and ready, and says so")
  void aRejectedEditStaysReadyAndVisibleUntilAGoodEditLoads() throws Exception {
    serve("--default-flag", "support-model");
    Files.writeString(dir.resolve("flags.json"), FLAGS.replace("\"fractional\"", "\"fractionl\""));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/healthz").body().contains("latest edit rejected"));

    assertThat(get("/readyz").statusCode()).as("still serving the last good one").isEqualTo(200);
    JsonNode health = JSON.readTree(get("/healthz").body());
    assertThat(health.at("/config/reason").asText()).contains("fractionl");
    assertThat(get("/metrics").body()).contains("llm_router_config_rejected 1");
    assertThat(post("/v1/chat/completions", chat("any"), "X-Session-Id", "s-1").statusCode())
        .isEqualTo(200);
    assertThat(gateway.output())
        .contains("event=config.rejected", "fractionl", "serving=\"last good configuration\"");

    Files.writeString(
        dir.resolve("flags.json"), FLAGS.replace("95], [\"canary\", 5", "90], [\"canary\", 10"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/healthz").body().contains("serving the latest configuration"));
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/metrics").body()).contains("llm_router_config_rejected 0");
    assertThat(gateway.output()).contains("event=config.reloaded", "clearedRejection=true");
  }

  @Test
  @DisplayName(
      "17.2: an edit naming an endpoint the gateway does not have is rejected like any bad edit")
  void anEditNamingAnUnconfiguredEndpointIsRejectedAndTheLastGoodOneServes() throws Exception {
    serve("--default-flag", "support-model");
    Files.writeString(
        dir.resolve("flags.json"),
        FLAGS.replace("\"endpoint\": \"stable-pool\"}}", "\"endpoint\": \"search-pool\"}}"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/healthz").body().contains("latest edit rejected"));

    String expected =
        "flag 'search-model' variant 'only': at $.endpoint: expected an endpoint configured in the"
            + " endpoints file [canary-pool, stable-pool], found 'search-pool'";
    assertThat(JSON.readTree(get("/healthz").body()).at("/config/reason").asText())
        .contains(expected);
    assertThat(get("/readyz").statusCode()).as("still serving the last good one").isEqualTo(200);
    assertThat(get("/metrics").body())
        .contains("llm_router_config_rejected 1", "llm_router_config_problems 0");
    HttpResponse<String> served =
        post("/v1/chat/completions", chat("flag:search-model"), "X-Session-Id", "s-1");
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(served.headers().firstValue("X-Model")).hasValue("m-search");
    assertThat(gateway.output().lines())
        .as("one line names the flag, the variant, the field and the known endpoints")
        .anyMatch(line -> line.contains("event=config.rejected") && line.contains(expected));

    Files.writeString(
        dir.resolve("flags.json"), FLAGS.replace("95], [\"canary\", 5", "90], [\"canary\", 10"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/healthz").body().contains("serving the latest configuration"));
    assertThat(get("/metrics").body()).contains("llm_router_config_rejected 0");
    assertThat(gateway.output()).contains("event=config.reloaded", "clearedRejection=true");
  }

  @Test
  @DisplayName(
      "17.3: a 409 that says force can be forced with --force; the own split is taken over")
  void forceForcesWhatTheRefusalSays() throws Exception {
    Files.writeString(
        dir.resolve("flags.json"),
        FLAGS
            .replace(
                "[[\"stable\", 95], [\"canary\", 5]]",
                "[[\"stable\", 90], [\"canary\", 5], [\"other\", 5]]")
            .replace(
                "\"canary\": {\"model\": \"m-canary\"",
                "\"other\": {\"model\": \"m-other\", \"endpoint\": \"canary-pool\"},"
                    + " \"canary\": {\"model\": \"m-canary\""));
    serve();
    String[] start = {
      "rollout",
      "start",
      "support-model",
      "--canary",
      "canary",
      "--gateway",
      gateway.uri("/").toString()
    };
    JarRunner.Result refused = JarRunner.run(dir, ENV, start);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .contains(
            "HTTP 409",
            "already split",
            "force the new one (llm-router rollout start --force REASON");

    String[] forced = new String[start.length + 2];
    System.arraycopy(start, 0, forced, 0, start.length);
    forced[start.length] = "--force";
    forced[start.length + 1] = "on-call approved the takeover";
    JarRunner.Result started = JarRunner.run(dir, ENV, forced);
    assertThat(started.exitCode()).as(started.err()).isZero();
    assertThat(started.out()).contains("CANARY step 1");
    assertThat(gateway.output())
        .contains(
            "event=rollout.start flag=support-model",
            "force=\"on-call approved the takeover\"",
            "result=ok");
  }

  @Test
  @DisplayName("17.5: one log line per admin action (who, what, why); GET /admin/flags lists all")
  void adminActionsAreLoggedAndFlagsListed() throws Exception {
    serve("--default-flag", "support-model");
    HttpResponse<String> kill =
        post(
            "/admin/flags/support-model/kill",
            "{\"variant\": \"stable\", \"reason\": \"refusals at 3am\"}",
            "Authorization",
            "Bearer " + TOKEN,
            "X-Actor",
            "alice");
    assertThat(kill.statusCode()).as(kill.body()).isEqualTo(200);
    HttpResponse<String> refused =
        post("/admin/flags/support-model/restore", "{}", "Authorization", "Bearer wrong");
    assertThat(refused.statusCode()).isEqualTo(401);

    JsonNode flags = JSON.readTree(get("/admin/flags").body()).path("flags");
    assertThat(flags)
        .extracting(f -> f.path("flag").asText())
        .containsExactly("search-model", "support-model");
    assertThat(flags.get(1).path("killedTo").asText()).isEqualTo("stable");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gateway.output().contains("event=admin.refused"));
    assertThat(gateway.output())
        .contains(
            "event=admin.kill flag=support-model actor=\"alice from 127.0.0.1\""
                + " reason=\"refusals at 3am\" result=ok")
        .contains("event=admin.refused method=POST path=/admin/flags/support-model/restore")
        .doesNotContain(TOKEN)
        .doesNotContain("sk-test-key");
  }

  @Test
  @DisplayName("17.6: /v1/models lists the model flags; model names a flag; X-Flag-Key wins")
  void liteLlmHabits() throws Exception {
    serve("--model-alias", "support-gpt=support-model");
    JsonNode models = JSON.readTree(get("/v1/models").body());
    assertThat(models.path("object").asText()).isEqualTo("list");
    assertThat(models.path("data"))
        .extracting(m -> m.path("id").asText())
        .containsExactly("search-model", "support-model", "support-gpt");
    assertThat(models.at("/data/1/variants/canary/model").asText()).isEqualTo("m-canary");
    assertThat(models.at("/data/2/flag").asText()).isEqualTo("support-model");

    for (String model : new String[] {"flag:search-model", "search-model"}) {
      HttpResponse<String> routed = post("/v1/chat/completions", chat(model), "X-Session-Id", "s");
      assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
      assertThat(routed.headers().firstValue("X-Flag-Key")).contains("search-model");
    }
    HttpResponse<String> alias =
        post("/v1/chat/completions", chat("support-gpt"), "X-Session-Id", "s");
    assertThat(alias.headers().firstValue("X-Flag-Key")).contains("support-model");
    HttpResponse<String> header =
        post(
            "/v1/chat/completions",
            chat("flag:search-model"),
            "X-Session-Id",
            "s",
            "X-Flag-Key",
            "support-model");
    assertThat(header.headers().firstValue("X-Flag-Key")).contains("support-model");

    HttpResponse<String> unknown =
        post("/v1/chat/completions", chat("flag:nope"), "X-Session-Id", "s");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("no flag 'nope' is served");
    HttpResponse<String> noFlag = post("/v1/chat/completions", chat("gpt-4o"), "X-Session-Id", "s");
    assertThat(noFlag.statusCode()).isEqualTo(400);
    assertThat(noFlag.body()).contains("set \\\"model\\\" to \\\"flag:KEY\\\"");
  }

  @Test
  @DisplayName("17.3: a malformed body answers OpenAI's error shape without parser internals")
  void malformedBodiesAnswerCleanly() throws Exception {
    serve("--default-flag", "support-model");
    HttpResponse<String> response =
        post("/v1/chat/completions", "{\"model\": \"x\", \"messages\": [}", "X-Session-Id", "s");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText())
        .isEqualTo(
            "the request body is not valid JSON (line 1, column 29); expected a JSON object");
    assertThat(response.body())
        .doesNotContain("Source", "REDACTED", "StreamReadFeature", "jackson");
    assertThat(post("/v1/chat/completions", "[1]", "X-Session-Id", "s").body())
        .contains("JSON but not an object");
  }

  private static String chat(String model) {
    return "{\"model\": \""
        + model
        + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}";
  }
}
