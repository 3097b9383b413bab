package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.testing.RouterHarness;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, points 3 and 4 over the project's real default backend: a flagd-format flags file with a
 * fractional model split, a targeting rule on a context attribute and a 50/50 prompt flag.
 */
class LocalFileRoutingTest {
  private static final String FLAGS =
      """
      {"flags": {
        "support-model": {"state": "ENABLED", "defaultVariant": "stable",
          "variants": {
            "stable": {"model": "model-stable", "version": "1.1.0", "endpoint": "stable-pool"},
            "canary": {"model": "model-canary", "version": "1.2.0", "endpoint": "canary-pool"}},
          "targeting": {"if": [{"==": [{"var": "tier"}, "internal"]}, "canary",
            {"fractional": [["stable", 80], ["canary", 20]]}]}},
        "support-prompt": {"state": "ENABLED", "defaultVariant": "v7",
          "variants": {
            "v7": {"prompt": {"id": "support", "version": "7", "messages": [
              {"role": "system", "content": "v7 of {{company}}"}]}},
            "v8": {"prompt": {"id": "support", "version": "8", "messages": [
              {"role": "system", "content": "v8 of {{company}}"}]}}},
          "targeting": {"fractional": [["v7", 50], ["v8", 50]]}}}}
      """;

  private final RouterHarness harness = new RouterHarness();
  private final OpenFeatureAPI openFeature = OpenFeatureAPI.createIsolated();

  @AfterEach
  void close() {
    openFeature.shutdown();
    harness.close();
  }

  @Test
  void routesByTheFilesSplitAndRulesStickyPerSessionWithBothFlagsTagged(@TempDir Path dir)
      throws Exception {
    Path flags = dir.resolve("flags.json");
    Files.writeString(flags, FLAGS);
    LlmFeatureProvider provider =
        LlmFeatureProvider.builder(LocalFileBackend.watching(flags)).build();
    openFeature.setProviderAndWait(provider);
    ModelRouter router =
        harness.build(
            ModelRouter.builder(openFeature.getClient(), provider, harness.endpoints())
                .shadowSink(harness.shadowSink));
    Map<String, String> modelOf = new HashMap<>();
    Map<String, String> promptOf = new HashMap<>();
    int canary = 0;
    int v8 = 0;

    for (int round = 0; round < 2; round++) {
      for (int s = 0; s < 1_000; s++) {
        String session = "session-" + s;
        RoutedResponse response =
            router.route(
                RouteRequest.builder("support-model")
                    .promptFlag("support-prompt")
                    .sessionId(session)
                    .variable("company", "Acme")
                    .userMessage("hi")
                    .build());
        String model = response.modelFlag().variant();
        String prompt = response.promptFlag().orElseThrow().variant();
        assertThat(modelOf.putIfAbsent(session, model)).isIn(null, model);
        assertThat(promptOf.putIfAbsent(session, prompt)).isIn(null, prompt);
        assertThat(response.tags())
            .containsEntry(RoutedResponse.TAG_MODEL, "model-" + model)
            .containsEntry(
                RoutedResponse.TAG_MODEL_VERSION, model.equals("canary") ? "1.2.0" : "1.1.0")
            .containsEntry(RoutedResponse.TAG_PROMPT_VARIANT, prompt);
        assertThat(response.content()).isEqualTo(model + " says hi to model-" + model);
        canary += model.equals("canary") ? 1 : 0;
        v8 += prompt.equals("v8") ? 1 : 0;
      }
    }

    // 1,000 sessions: within 3 standard deviations of 20% and of 50%.
    assertThat(canary / 2_000.0).isBetween(0.162, 0.238);
    assertThat(v8 / 2_000.0).isBetween(0.452, 0.548);
    // The rule on a context attribute wins over the split.
    for (int s = 0; s < 20; s++) {
      assertThat(
              router
                  .route(
                      RouteRequest.builder("support-model")
                          .sessionId("session-" + s)
                          .attribute("tier", "internal")
                          .build())
                  .modelFlag()
                  .variant())
          .isEqualTo("canary");
    }
  }
}
