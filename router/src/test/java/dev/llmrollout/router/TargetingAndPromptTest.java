package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.router.RoutingException.Kind;
import dev.llmrollout.router.testing.InMemoryFlagBackend;
import dev.llmrollout.router.testing.ModelEndpointServer.Received;
import dev.llmrollout.router.testing.RouterHarness;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.HookContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, points 3 and 4: evaluation through the OpenFeature client (hooks run), the targeting key
 * is the session id else the user id, never the request id; Mustache prompts filled from the
 * request; a model flag and a prompt flag together, sticky by the same key, both in the tags.
 */
class TargetingAndPromptTest {
  private static final String PROMPT_FLAG = "support-prompt";
  private final RouterHarness harness = new RouterHarness();

  @AfterEach
  void close() {
    harness.close();
  }

  @Test
  void theApplicationsHooksSeeEveryEvaluationWithTheSessionAsTargetingKey() {
    List<String> seen = new CopyOnWriteArrayList<>();
    harness
        .client()
        .addHooks(
            new Hook<Object>() {
              @Override
              public void after(
                  HookContext<Object> ctx,
                  FlagEvaluationDetails<Object> details,
                  Map<String, Object> hints) {
                seen.add(
                    ctx.getFlagKey()
                        + ":"
                        + ctx.getCtx().getTargetingKey()
                        + ":"
                        + details.getVariant());
              }
            });
    ModelRouter router = harness.build(harness.router());

    RoutedResponse response =
        router.route(
            RouteRequest.builder(RouterHarness.MODEL_FLAG)
                .sessionId("session-7")
                .userId("user-7")
                .requestId("request-1")
                .variable("product", "Acme")
                .build());

    assertThat(seen)
        .containsExactly(RouterHarness.MODEL_FLAG + ":session-7:" + response.modelFlag().variant());
  }

  @Test
  void theUserIdIsTheTargetingKeyWithoutASessionAndTheRequestIdNever() {
    ModelRouter router = harness.build(harness.router());
    // Find a user on the canary and one on stable, then route each under many request ids.
    String canaryUser = userIn(true);
    String stableUser = userIn(false);
    for (int i = 0; i < 50; i++) {
      assertThat(
              router
                  .route(
                      RouteRequest.builder(RouterHarness.MODEL_FLAG)
                          .userId(canaryUser)
                          .requestId("r" + i)
                          .variable("product", "Acme")
                          .build())
                  .modelFlag()
                  .variant())
          .isEqualTo("canary");
      assertThat(
              router
                  .route(
                      RouteRequest.builder(RouterHarness.MODEL_FLAG)
                          .userId(stableUser)
                          .requestId("r" + i)
                          .variable("product", "Acme")
                          .build())
                  .modelFlag()
                  .variant())
          .isEqualTo("stable");
    }
  }

  private static String userIn(boolean canary) {
    for (int i = 0; ; i++) {
      String user = "user-" + i;
      if ((InMemoryFlagBackend.bucket(RouterHarness.MODEL_FLAG, user) >= 9_000) == canary) {
        return user;
      }
    }
  }

  @Test
  void withoutSessionOrUserTheDefaultVariantServesAndTheMissingKeyIsCounted() {
    ModelRouter router = harness.build(harness.router());

    RoutedResponse response =
        router.route(
            RouteRequest.builder(RouterHarness.MODEL_FLAG)
                .requestId("anonymous-1")
                .variable("product", "Acme")
                .build());

    assertThat(response.modelFlag().variant()).isEqualTo("stable");
    assertThat(response.modelFlag().errorCode()).contains("TARGETING_KEY_MISSING");
    assertThat(response.content()).isEqualTo("stable says hi to model-stable");
    assertThat(router.count(RouterEvent.TARGETING_KEY_MISSING)).isEqualTo(1);
  }

  @Test
  void thePromptIsRenderedFromRequestValuesAndTheVariantsParametersApplied() {
    ModelRouter router = harness.build(harness.router());

    router.route(
        RouteRequest.builder(RouterHarness.MODEL_FLAG)
            .sessionId(userIn(false))
            .variable("product", "Acme <Cloud> & \"Co\"")
            .userMessage("Why two charges?")
            .build());

    Received received = harness.stable.received().get(0);
    assertThat(received.authorization()).isEqualTo("Bearer " + RouterHarness.STABLE_KEY);
    assertThat(received.model()).isEqualTo("model-stable");
    // Values go in as they are: a prompt is not HTML.
    assertThat(received.message(0)).isEqualTo("You help with Acme <Cloud> & \"Co\".");
    assertThat(received.message(1)).isEqualTo("Why two charges?");
    assertThat(received.body().path("temperature").asDouble()).isEqualTo(0.2);
  }

  @Test
  void aVariableThePromptNeedsButTheRequestLacksIsTheCallersErrorNamingTheVariant() {
    ModelRouter router = harness.build(harness.router());

    assertThatThrownBy(
            () ->
                router.route(
                    RouteRequest.builder(RouterHarness.MODEL_FLAG)
                        .sessionId(userIn(false))
                        .build()))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST))
        .hasMessageContaining("flag 'support-model' variant 'stable'")
        .hasMessageContaining("product");
    assertThat(harness.stable.received()).isEmpty();
  }

  @Test
  void aModelFlagAndAPromptFlagResolveIndependentlyStickyByTheSameKeyAndAreBothTagged() {
    harness.backend.flag(
        PROMPT_FLAG,
        "v3",
        Map.of(
            "v3",
                "{\"prompt\": {\"id\": \"support\", \"version\": \"3\", \"messages\": [{\"role\":"
                    + " \"system\", \"content\": \"v3 for {{product}}\"}]}}",
            "v4",
                "{\"prompt\": {\"id\": \"support\", \"version\": \"4\", \"messages\": [{\"role\":"
                    + " \"system\", \"content\": \"v4 for {{product}}\"}]}}"),
        RouterHarness.weights("v3", 50, "v4", 50));
    ModelRouter router = harness.build(harness.router());

    for (int s = 0; s < 200; s++) {
      String session = "s-" + s;
      RoutedResponse first = null;
      for (int i = 0; i < 3; i++) {
        RoutedResponse response =
            router.route(
                RouteRequest.builder(RouterHarness.MODEL_FLAG)
                    .promptFlag(PROMPT_FLAG)
                    .sessionId(session)
                    .variable("product", "Acme")
                    .build());
        String expectedPrompt =
            InMemoryFlagBackend.bucket(PROMPT_FLAG, session) < 5_000 ? "v3" : "v4";
        assertThat(response.promptFlag().orElseThrow().variant()).isEqualTo(expectedPrompt);
        assertThat(response.tags())
            .containsEntry(RoutedResponse.TAG_PROMPT_FLAG, PROMPT_FLAG)
            .containsEntry(RoutedResponse.TAG_PROMPT_VARIANT, expectedPrompt)
            .containsKeys(RoutedResponse.TAG_MODEL_VARIANT, RoutedResponse.TAG_MODEL_VERSION);
        if (first != null) {
          assertThat(response.modelFlag().variant()).isEqualTo(first.modelFlag().variant());
        }
        first = response;
      }
    }
    List<Received> all = new java.util.ArrayList<>(harness.stable.received());
    all.addAll(harness.canary.received());
    assertThat(all)
        .extracting(r -> r.message(0))
        .containsOnly("v3 for Acme", "v4 for Acme")
        .contains("v3 for Acme", "v4 for Acme");
    assertThat(
            router.signals().arm(PROMPT_FLAG, "v3").requests()
                + router.signals().arm(PROMPT_FLAG, "v4").requests())
        .isEqualTo(600);
  }

  @Test
  void aFlagThatDoesNotExistIsAFlagErrorNamingIt() {
    ModelRouter router = harness.build(harness.router());

    assertThatThrownBy(
            () -> router.route(RouteRequest.builder("no-such-flag").sessionId("s").build()))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FLAG))
        .hasMessageContaining("flag 'no-such-flag'")
        .hasMessageContaining("FLAG_NOT_FOUND");
    assertThat(router.count(RouterEvent.FLAG_ERROR)).isEqualTo(1);
  }

  @Test
  void theTargetingKeyCannotBeSmuggledInAsAnAttribute() {
    assertThatThrownBy(
            () -> RouteRequest.builder(RouterHarness.MODEL_FLAG).attribute("targetingKey", "r-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set sessionId or userId");
  }
}
