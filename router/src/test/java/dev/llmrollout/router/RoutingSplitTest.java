package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.router.testing.InMemoryFlagBackend;
import dev.llmrollout.router.testing.RouterHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, done-when: "a test routes 10,000 requests and shows the split follows the flag, each
 * session stays on one variant, and every response is tagged".
 */
class RoutingSplitTest {
  private static final int SESSIONS = 2_500;
  private static final int REQUESTS_PER_SESSION = 4;

  private final RouterHarness harness = new RouterHarness();

  @AfterEach
  void close() {
    harness.close();
  }

  @Test
  void tenThousandRequestsFollowTheSplitStickToTheSessionAndAreTagged() throws Exception {
    ModelRouter router = harness.build(harness.router());
    Map<String, String> variantOfSession = new ConcurrentHashMap<>();
    Map<String, Boolean> sessionSwitched = new ConcurrentHashMap<>();
    List<Future<RoutedResponse>> futures = new ArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < REQUESTS_PER_SESSION; round++) {
        for (int s = 0; s < SESSIONS; s++) {
          String session = "session-" + s;
          String requestId = "req-" + round + "-" + s;
          futures.add(
              callers.submit(
                  () -> {
                    RoutedResponse response =
                        router.route(
                            RouteRequest.builder(RouterHarness.MODEL_FLAG)
                                .sessionId(session)
                                .requestId(requestId)
                                .variable("product", "Acme")
                                .userMessage("hello")
                                .build());
                    String previous =
                        variantOfSession.putIfAbsent(session, response.modelFlag().variant());
                    if (previous != null && !previous.equals(response.modelFlag().variant())) {
                      sessionSwitched.put(session, true);
                    }
                    return response;
                  }));
        }
      }
      long canary = 0;
      for (Future<RoutedResponse> future : futures) {
        RoutedResponse response = future.get();
        assertTagged(response);
        if (response.modelFlag().variant().equals("canary")) {
          canary++;
        }
      }
      int total = SESSIONS * REQUESTS_PER_SESSION;
      assertThat(futures).hasSize(10_000);
      assertThat(sessionSwitched).as("sessions that changed variant").isEmpty();
      // Every session got exactly the variant the flag's split assigns to its key.
      variantOfSession.forEach(
          (session, variant) ->
              assertThat(variant)
                  .isEqualTo(
                      InMemoryFlagBackend.bucket(RouterHarness.MODEL_FLAG, session) < 9_000
                          ? "stable"
                          : "canary"));
      // The flag says 10%: 2,500 sessions put the share within 3 standard deviations of it.
      assertThat(canary / (double) total).isBetween(0.082, 0.118);
      // The endpoints saw exactly the traffic the responses claim.
      assertThat(harness.canary.received()).hasSize((int) canary);
      assertThat(harness.stable.received()).hasSize(total - (int) canary);
      assertThat(router.signals().arm(RouterHarness.MODEL_FLAG, "canary").requests())
          .isEqualTo(canary);
      assertThat(router.signals().arm(RouterHarness.MODEL_FLAG, "stable").requests())
          .isEqualTo(total - canary);
    } finally {
      callers.shutdownNow();
    }
  }

  private static void assertTagged(RoutedResponse response) {
    boolean canary = response.modelFlag().variant().equals("canary");
    Map<String, String> tags = response.tags();
    assertThat(tags)
        .containsEntry(RoutedResponse.TAG_MODEL_FLAG, RouterHarness.MODEL_FLAG)
        .containsEntry(RoutedResponse.TAG_MODEL_VARIANT, canary ? "canary" : "stable")
        .containsEntry(RoutedResponse.TAG_MODEL, canary ? "model-canary" : "model-stable")
        .containsEntry(RoutedResponse.TAG_MODEL_VERSION, canary ? "1.2.0" : "1.1.0");
    // The endpoint that answered is the one the variant names, running the model it names.
    assertThat(response.endpoint()).isEqualTo(canary ? "canary-pool" : "stable-pool");
    assertThat(response.content())
        .isEqualTo((canary ? "canary" : "stable") + " says hi to " + response.model());
    assertThat(response.responseModel()).isEqualTo(response.model());
  }
}
