package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, point 2: the eval routes a case to a named variant through the real router, whatever
 * the split, and keeps its signals apart from live traffic.
 */
class RouteToVariantTest {
  private static final String FLAG = RouterHarness.MODEL_FLAG;

  private final RouterHarness harness = new RouterHarness();

  @AfterEach
  void close() {
    harness.close();
  }

  /** Everyone on stable, and stable shadows the canary on every request. */
  private void allOnStableShadowingCanary() {
    String stable =
        RouterHarness.STABLE.substring(0, RouterHarness.STABLE.length() - 1)
            + ", \"shadow\": {\"variant\": \"canary\", \"sampleRate\": 1.0}}";
    harness.backend.flag(
        FLAG,
        "stable",
        Map.of("stable", stable, "canary", RouterHarness.CANARY),
        RouterHarness.weights("stable", 100, "canary", 0));
  }

  private static RouteRequest request() {
    return RouteRequest.builder(FLAG)
        .sessionId("eval-case-1")
        .attribute("intent", "payment")
        .variable("product", "Acme")
        .userMessage("Order #A-1, card ending 4242: why declined?")
        .build();
  }

  @Test
  @DisplayName("a variant the split gives 0% is reached by name, with its rendered prompt")
  void routesToTheNamedVariantWhateverTheSplit() {
    allOnStableShadowingCanary();
    ModelRouter router = harness.build(harness.router());

    RoutedResponse canary = router.routeToVariant(request(), "canary");
    RoutedResponse stable = router.routeToVariant(request(), "stable");

    assertThat(canary.modelFlag().variant()).isEqualTo("canary");
    assertThat(canary.modelFlag().reason()).isEqualTo(FlagSelection.REASON_PINNED);
    assertThat(canary.model()).isEqualTo("model-canary");
    assertThat(canary.content()).isEqualTo("canary says hi to model-canary");
    assertThat(harness.canary.received().get(0).message(0)).isEqualTo("You help with Acme.");
    assertThat(stable.modelFlag().variant()).isEqualTo("stable");
    assertThat(stable.shadowed()).as("eval calls are never shadowed").isFalse();
    assertThat(harness.canary.received()).as("no shadow call reached the canary").hasSize(1);
  }

  @Test
  @DisplayName("eval calls count in the eval signals only: live signals and metrics stay clean")
  void evalSignalsAreKeptApartFromLiveTraffic() {
    allOnStableShadowingCanary();
    harness.canary.respond(r -> Reply.answer("I can't help with that request."));
    ModelRouter router = harness.build(harness.router());

    router.routeToVariant(request(), "canary");
    router.routeToVariant(request(), "canary");

    assertThat(router.evalSignals().arm(FLAG, "canary", "payment").requests()).isEqualTo(2);
    assertThat(router.evalSignals().arm(FLAG, "canary").refusals()).isEqualTo(2);
    assertThat(router.signals().arm(FLAG, "canary").requests()).isZero();
    assertThat(router.shadowSignals().arm(FLAG, "canary").requests()).isZero();
    assertThat(harness.metrics.collectAllMetrics()).as("no live GenAI metrics").isEmpty();

    router.route(request());
    assertThat(router.signals().arm(FLAG, "stable").requests()).isEqualTo(1);
    assertThat(router.evalSignals().arm(FLAG, "stable").requests()).isZero();
  }

  @Test
  @DisplayName("a failing pinned variant never falls back to the default variant")
  void noFallbackForPinnedVariant() {
    harness.canary.respond(r -> Reply.status(500));
    ModelRouter router = harness.build(harness.router().fallbackToDefaultOnError(FLAG));

    assertThatThrownBy(() -> router.routeToVariant(request(), "canary"))
        .isInstanceOf(RoutingException.class)
        .satisfies(
            e ->
                assertThat(((RoutingException) e).kind())
                    .isEqualTo(RoutingException.Kind.HTTP_STATUS));
    assertThat(harness.stable.received()).isEmpty();
    assertThat(router.evalSignals().arm(FLAG, "canary").errors()).isEqualTo(1);
  }

  @Test
  @DisplayName("an unknown variant is a flag error naming the flag and the variant")
  void unknownVariantIsAFlagError() {
    ModelRouter router = harness.build(harness.router());

    assertThatThrownBy(() -> router.routeToVariant(request(), "candidate-9"))
        .isInstanceOf(RoutingException.class)
        .hasMessageContaining("flag 'support-model'")
        .hasMessageContaining("variant 'candidate-9' is not defined");
  }
}
