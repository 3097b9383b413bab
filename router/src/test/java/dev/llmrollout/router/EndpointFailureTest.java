package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.router.RoutingException.Kind;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, points 1 and 7: an unknown endpoint is a counted configuration error and no call; errors
 * count against the variant; timeouts; bounded jittered retries for connect errors, 429 and 503
 * only; the optional per-flag fallback to the default variant.
 */
class EndpointFailureTest {
  private static final String FLAG = "all-canary";
  final RouterHarness harness = newHarness().timeoutMs(300);

  /** The harness the tests run on; a subclass runs them over another {@link ModelTransport}. */
  RouterHarness newHarness() {
    return new RouterHarness();
  }

  @AfterEach
  void close() {
    harness.close();
  }

  private ModelRouter routerWithCanaryFlag(String canaryPayload, boolean fallback) {
    harness.backend.flag(
        FLAG,
        "stable",
        Map.of("stable", RouterHarness.STABLE, "canary", canaryPayload),
        RouterHarness.weights("canary", 100, "stable", 0));
    ModelRouterBuilder builder = harness.router();
    if (fallback) {
      builder.fallbackToDefaultOnError(FLAG);
    }
    return harness.build(builder);
  }

  private static RouteRequest request() {
    return RouteRequest.builder(FLAG)
        .sessionId("s-1")
        .variable("product", "Acme")
        .userMessage("hi")
        .build();
  }

  @Test
  void aVariantNamingAnUnknownEndpointIsACountedConfigurationErrorAndNoCall() {
    ModelRouter router =
        routerWithCanaryFlag(
            "{\"model\": \"model-x\", \"version\": \"2.0.0\", \"endpoint\": \"nowhere-pool\"}",
            false);

    assertThatThrownBy(() -> router.route(request()))
        .isInstanceOf(RoutingException.class)
        .hasMessageContaining("flag 'all-canary' variant 'canary'")
        .hasMessageContaining("'nowhere-pool', which is not in the endpoints file")
        .extracting(e -> ((RoutingException) e).kind())
        .isEqualTo(Kind.CONFIGURATION);
    assertThat(router.count(RouterEvent.CONFIGURATION_ERROR)).isEqualTo(1);
    assertThat(router.signals().arm(FLAG, "canary").errors(Kind.CONFIGURATION)).isEqualTo(1);
    assertThat(harness.stable.received()).isEmpty();
    assertThat(harness.canary.received()).isEmpty();
  }

  @Test
  void anHttpErrorCountsAgainstTheVariantAndIsNotRetried() {
    ModelRouter router = routerWithCanaryFlag(RouterHarness.CANARY, false);
    harness.canary.enqueue(Reply.status(500));

    assertThatThrownBy(() -> router.route(request()))
        .isInstanceOfSatisfying(
            RoutingException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.getMessage())
                  .contains("endpoint 'canary-pool': HTTP 500 after 1 attempt");
            });
    assertThat(harness.canary.received()).hasSize(1);
    ArmSnapshot canary = router.signals().arm(FLAG, "canary");
    assertThat(canary.requests()).isEqualTo(1);
    assertThat(canary.errors()).isEqualTo(1);
    assertThat(canary.errors(Kind.HTTP_STATUS)).isEqualTo(1);
    assertThat(router.signals().arm(FLAG, "stable").requests()).isZero();
  }

  @Test
  void status503And429AreRetriedWithinTheBound() {
    ModelRouter router = routerWithCanaryFlag(RouterHarness.CANARY, false);
    harness.canary.enqueue(Reply.status(503), Reply.status(429));

    RoutedResponse response = router.route(request());

    assertThat(response.content()).isEqualTo("canary says hi to model-canary");
    assertThat(harness.canary.received()).hasSize(3);

    harness.canary.enqueue(
        Reply.status(429), Reply.status(429), Reply.status(429), Reply.status(429));
    assertThatThrownBy(() -> router.route(request()))
        .hasMessageContaining("HTTP 429 after 3 attempt(s)");
    assertThat(harness.canary.received()).hasSize(6);
  }

  @Test
  void aConnectionRefusedIsRetriedThenReportedAsConnectError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String endpoints =
        "{\"endpoints\": {\"gone-pool\": {\"baseUrl\": \"http://127.0.0.1:"
            + closedPort
            + "\", \"timeoutMs\": 500}}}";
    harness.backend.flag(
        "gone",
        "only",
        Map.of("only", "{\"model\": \"m\", \"version\": \"1.0.0\", \"endpoint\": \"gone-pool\"}"),
        RouterHarness.weights("only", 100));
    ModelRouter router =
        harness.build(
            harness
                .router(EndpointRegistry.parse(endpoints, "endpoints.json", name -> null))
                .retry(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .shadowSink(harness.shadowSink));

    assertThatThrownBy(() -> router.route(RouteRequest.builder("gone").sessionId("s").build()))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECT))
        .hasMessageContaining("endpoint 'gone-pool': cannot connect");
    assertThat(router.signals().arm("gone", "only").errors(Kind.CONNECT)).isEqualTo(1);
  }

  @Test
  void anAnswerSlowerThanTheEndpointTimeoutIsATimeout() {
    ModelRouter router = routerWithCanaryFlag(RouterHarness.CANARY, false);
    harness.canary.enqueue(Reply.answer("late").delayed(1_000));

    assertThatThrownBy(() -> router.route(request()))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
        .hasMessageContaining("no complete answer within 300 ms");
    assertThat(router.signals().arm(FLAG, "canary").errors(Kind.TIMEOUT)).isEqualTo(1);
    assertThat(harness.canary.received()).hasSize(1);
  }

  @Test
  void anAnswerThatIsNotACompletionIsUnparsable() {
    ModelRouter router = routerWithCanaryFlag(RouterHarness.CANARY, false);
    harness.canary.enqueue(Reply.raw("<html>gateway</html>"), Reply.raw("{\"choices\": []}"));

    assertThatThrownBy(() -> router.route(request())).hasMessageContaining("is not JSON");
    assertThatThrownBy(() -> router.route(request()))
        .hasMessageContaining("has no choices[0].message");
    assertThat(router.signals().arm(FLAG, "canary").errors(Kind.UNPARSABLE)).isEqualTo(2);
  }

  @Test
  void withFallbackOnAFailedVariantIsServedByTheDefaultVariantAndCounted() {
    ModelRouter router = routerWithCanaryFlag(RouterHarness.CANARY, true);
    harness.canary.enqueue(Reply.status(500));

    RoutedResponse response = router.route(request());

    assertThat(response.fallback()).isTrue();
    assertThat(response.modelFlag().variant()).isEqualTo("stable");
    assertThat(response.model()).isEqualTo("model-stable");
    assertThat(response.content()).isEqualTo("stable says hi to model-stable");
    assertThat(response.tags()).containsEntry(RoutedResponse.TAG_FALLBACK, "true");
    assertThat(router.count(RouterEvent.FALLBACK)).isEqualTo(1);
    ArmSnapshot canary = router.signals().arm(FLAG, "canary");
    assertThat(canary.errors()).isEqualTo(1);
    assertThat(canary.fallbacks()).isEqualTo(1);
    assertThat(router.signals().arm(FLAG, "stable").successes()).isEqualTo(1);
  }

  @Test
  void withoutFallbackTheFailureReachesTheCaller() {
    ModelRouter router = routerWithCanaryFlag(RouterHarness.CANARY, false);
    harness.canary.enqueue(Reply.status(500));

    assertThatThrownBy(() -> router.route(request())).isInstanceOf(RoutingException.class);
    assertThat(router.count(RouterEvent.FALLBACK)).isZero();
    assertThat(harness.stable.received()).isEmpty();
  }

  @Test
  void aFullEndpointFailsAsSaturatedInsteadOfQueueingForever() throws Exception {
    String endpoints =
        "{\"endpoints\": {\"narrow-pool\": {\"baseUrl\": \""
            + harness.canary.baseUrl()
            + "\", \"timeoutMs\": 1000, \"maxConcurrency\": 1}}}";
    harness.backend.flag(
        "narrow",
        "only",
        Map.of("only", "{\"model\": \"m\", \"version\": \"1.0.0\", \"endpoint\": \"narrow-pool\"}"),
        RouterHarness.weights("only", 100));
    ModelRouter router =
        harness.build(
            harness
                .router(EndpointRegistry.parse(endpoints, "endpoints.json", name -> null))
                .retry(RetryPolicy.of(3, Duration.ZERO, Duration.ZERO))
                .shadowSink(harness.shadowSink));
    // The first call holds the only permit through three slow 503s (about 2.1 s in all, longer
    // than the 1 s a second call waits for the permit; each well inside the 1 s attempt timeout,
    // so a loaded machine does not turn them into timeouts).
    harness.canary.enqueue(
        Reply.status(503).delayed(700),
        Reply.status(503).delayed(700),
        Reply.status(503).delayed(700));
    Thread first =
        new Thread(
            () ->
                assertThatThrownBy(
                        () -> router.route(RouteRequest.builder("narrow").sessionId("a").build()))
                    .hasMessageContaining("HTTP 503"));
    first.start();
    org.awaitility.Awaitility.await().until(() -> harness.canary.received().size() == 1);

    assertThatThrownBy(() -> router.route(RouteRequest.builder("narrow").sessionId("b").build()))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SATURATED));
    first.join();
  }
}
