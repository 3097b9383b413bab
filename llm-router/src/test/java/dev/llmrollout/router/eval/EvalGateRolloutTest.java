package dev.llmrollout.router.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.InMemoryAuditLog;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.RetryPolicy;
import dev.llmrollout.router.gateway.LocalFlagsBackend;
import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.spi.BackendFactory;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, point 4 end to end: the eval's report gates the real rollout guard on the local-file
 * backend, for the exact payload it ran, and a forced start is audited.
 */
class EvalGateRolloutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FLAG = "support-model";
  private static final String HELPFUL = "Thanks for reaching out. Here is what I found.";
  private static final String FLAGS =
      """
      {"flags": {"support-model": {"state": "ENABLED",
        "variants": {
          "stable": {"model": "support-llm-2025-06", "version": "1.1.0", "endpoint": "stable-pool"},
          "canary": {"model": "support-llm-2025-09", "version": "1.2.0", "endpoint": "canary-pool"}},
        "defaultVariant": "stable"}}}
      """;

  @TempDir Path dir;

  private final ModelEndpointServer stable = ModelEndpointServer.start("stable");
  private final ModelEndpointServer canary = ModelEndpointServer.start("canary");
  private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
  private BackendFactory.Backend backend;
  private LlmFeatureProvider provider;
  private ModelRouter router;

  @BeforeEach
  void start() throws Exception {
    stable.respond(r -> Reply.answer(HELPFUL));
    canary.respond(
        r ->
            Reply.answer(
                r.message(0).contains("card ending") ? "I can't help with that." : HELPFUL));
    Files.writeString(dir.resolve("flags.json"), FLAGS);
    backend = LocalFlagsBackend.open(dir.resolve("flags.json"), name -> null);
    provider = LlmFeatureProvider.builder(backend.flags()).build();
    api.setProviderAndWait(provider);
    EndpointRegistry endpoints =
        EndpointRegistry.parse(
            """
            {"endpoints": {
              "stable-pool": {"baseUrl": "%s", "apiKeyEnv": "K", "timeoutMs": 5000},
              "canary-pool": {"baseUrl": "%s", "apiKeyEnv": "K", "timeoutMs": 5000}}}
            """
                .formatted(stable.baseUrl(), canary.baseUrl()),
            "endpoints.json",
            name -> "test-key");
    router = ModelRouter.builder(api.getClient(), provider, endpoints).shadowSink(p -> {}).build();
  }

  @AfterEach
  void stop() {
    router.close();
    api.shutdown();
    stable.close();
    canary.close();
  }

  private void runEval(String name) throws Exception {
    List<EvalCase> cases =
        new EvalCaseReader().read(Path.of("..", "examples", "eval", "support-regression.jsonl"));
    List<VariantOutcome.Pair> pairs =
        new EvalRunner(router, FLAG, RetryPolicy.none(), 4, router.judge())
            .run(cases, "stable", "canary", (d, t, r) -> {});
    GateDecision decision = GateDecision.decide(pairs, EvalPolicy.strict());
    new EvalReport(
            FLAG,
            info("stable"),
            info("canary"),
            EvalPolicy.strict(),
            decision,
            pairs,
            "support-regression.jsonl",
            Instant.now(),
            Duration.ZERO)
        .write(dir.resolve("reports").resolve(name), JSON);
  }

  private EvalReport.VariantInfo info(String variant) {
    JsonNode raw = provider.variant(FLAG, variant).orElseThrow().raw();
    return new EvalReport.VariantInfo(
        variant, raw.path("model").asText(), raw.path("version").asText(), PayloadHash.sha256(raw));
  }

  private RolloutGuard guard(InMemoryAuditLog audit) {
    return RolloutGuard.builder(backend.control(), router.signals())
        .evalGate(EvalReportGate.inDirectory(dir.resolve("reports"), provider))
        .auditLog(audit)
        .build();
  }

  private static RolloutSpec.Builder spec() {
    return RolloutSpec.forFlag(FLAG).stable("stable").canary("canary").versions("1.1.0", "1.2.0");
  }

  private JsonNode flag() throws Exception {
    return JSON.readTree(dir.resolve("flags.json").toFile()).at("/flags/support-model");
  }

  @Test
  @DisplayName(
      "a failed eval of the demo's canary blocks the canary; a passing re-run lets it start")
  void failedReportRefusesPassingReportStarts() throws Exception {
    runEval("run-1.json");
    String hash = info("canary").payloadSha256();

    assertThatThrownBy(() -> guard(new InMemoryAuditLog(10)).start(spec().build()))
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("variant 'canary' (payload sha256 " + hash + ")")
        .hasMessageContaining("run-1.json");
    assertThat(flag().has("targeting")).as("nothing written").isFalse();

    canary.respond(r -> Reply.answer(HELPFUL));
    runEval("run-2.json");
    InMemoryAuditLog audit = new InMemoryAuditLog(10);
    Rollout rollout = guard(audit).start(spec().build());

    assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
    assertThat(flag().at("/targeting/fractional").toString()).contains("[\"canary\",5");
    assertThat(audit.records())
        .extracting(AuditRecord::reason)
        .singleElement()
        .asString()
        .contains("eval gate passed", "run-2.json");
  }

  @Test
  @DisplayName(
      "forced past a failed eval with a reason: the canary starts and the reason is audited")
  void forcedStartIsAudited() throws Exception {
    runEval("run-1.json");
    InMemoryAuditLog audit = new InMemoryAuditLog(10);

    Rollout rollout =
        guard(audit)
            .start(spec().skipEvalGate("payment flow disabled until Monday (CHG-1042)").build());

    assertThat(rollout.state()).isEqualTo(RolloutState.CANARY);
    assertThat(audit.records().get(0).reason())
        .contains("eval gate overridden", "payment flow disabled until Monday (CHG-1042)");
  }
}
