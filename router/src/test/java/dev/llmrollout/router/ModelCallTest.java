package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.router.RoutingException.Kind;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, point 2: the model call runs on the caller's thread (no thread per call), keeps its
 * connection for the next call, bounds a body that stalls after the headers, and an interrupt
 * cancels it.
 */
class ModelCallTest {
  final RouterHarness harness = newHarness().timeoutMs(400);

  /** The harness the tests run on; a subclass runs them over another {@link ModelTransport}. */
  RouterHarness newHarness() {
    return new RouterHarness();
  }

  @AfterEach
  void close() {
    harness.close();
  }

  ModelRouter router() {
    harness.backend.flag(
        "calls",
        "stable",
        Map.of("stable", RouterHarness.STABLE),
        RouterHarness.weights("stable", 100));
    return harness.build(harness.router());
  }

  static RouteRequest request() {
    return RouteRequest.builder("calls")
        .sessionId("s-1")
        .variable("product", "Acme")
        .userMessage("hi")
        .build();
  }

  @Test
  void consecutiveCallsPlainAndStreamedReuseOneConnection() {
    ModelRouter router = router();
    harness.stable.recording(false);

    for (int i = 0; i < 20; i++) {
      assertThat(router.route(request()).content()).isNotEmpty();
      assertThat(router.routeStreaming(request(), chunk -> {}).content()).isNotEmpty();
    }

    assertThat(harness.stable.connections()).isEqualTo(1);
  }

  @Test
  void aConnectionDroppedBeforeAnyAnswerIsSentOnceMoreOnAFreshConnection() {
    ModelRouter router = router();
    router.route(request());
    harness.stable.enqueue(Reply.droppedConnection());

    assertThat(router.route(request()).content()).isNotEmpty();
    harness.stable.enqueue(Reply.droppedConnection());
    assertThat(router.routeStreaming(request(), chunk -> {}).content()).isNotEmpty();

    assertThat(harness.stable.received()).hasSize(5);
    assertThat(harness.stable.connections()).isEqualTo(3);
  }

  @Test
  void anEndpointThatDropsEveryConnectionFailsAfterOneResend() {
    ModelRouter router = router();
    harness.stable.respond(request -> Reply.droppedConnection());

    assertThatThrownBy(() -> router.route(request()))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.IO));
    assertThat(harness.stable.received()).hasSize(2);
  }

  @Test
  void callsStartNoThreadPerCall() {
    ModelRouter router = router();
    harness.stable.recording(false);
    router.route(request());
    long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();

    for (int i = 0; i < 200; i++) {
      router.route(request());
    }

    long startedDuringCalls =
        ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - started;
    assertThat(startedDuringCalls).isLessThan(20);
  }

  @Test
  void aBodyThatStallsAfterTheHeadersIsATimeout() {
    ModelRouter router = router();
    harness.stable.stallBody(3_000);

    assertThatThrownBy(() -> router.route(request()))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
        .hasMessageContaining("no complete answer within 400 ms");
    assertThat(router.signals().arm("calls", "stable").errors(Kind.TIMEOUT)).isEqualTo(1);
  }

  @Test
  void anInterruptedCallerGetsACancellationNotAnEndpointError() throws Exception {
    ModelRouter router = router();
    harness.stable.enqueue(Reply.answer("late").delayed(300));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                router.route(request());
              } catch (RuntimeException e) {
                failure.set(e);
              }
            });
    caller.start();
    while (harness.stable.received().isEmpty()) {
      Thread.onSpinWait();
    }
    caller.interrupt();
    caller.join(5_000);

    assertThat(failure.get())
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
    assertThat(router.signals().arm("calls", "stable").errors()).isZero();
  }
}
