package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.RoutingException.Kind;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, point 2: streaming ({@code "stream": true}, server-sent events) passed through chunk by
 * chunk, the time to first token measured, token usage read from the final chunk.
 */
class StreamingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  final RouterHarness harness = newHarness().timeoutMs(1_000);

  /** The harness the tests run on; a subclass runs them over another {@link ModelTransport}. */
  RouterHarness newHarness() {
    return new RouterHarness();
  }

  @AfterEach
  void close() {
    harness.close();
  }

  private ModelRouter router() {
    harness.backend.flag(
        "streamed",
        "stable",
        Map.of("stable", RouterHarness.STABLE),
        RouterHarness.weights("stable", 100));
    return harness.build(harness.router());
  }

  private static RouteRequest request() {
    return RouteRequest.builder("streamed")
        .sessionId("s")
        .variable("product", "Acme")
        .userMessage("tell me")
        .build();
  }

  @Test
  void everyEventIsPassedThroughInOrderAndTheAnswerIsAssembledAndTagged() throws Exception {
    ModelRouter router = router();
    harness.stable.enqueue(
        Reply.answer("The quick brown fox jumps").streamedIn(5, 10).tokens(21, 9));
    List<StreamChunk> chunks = new CopyOnWriteArrayList<>();

    RoutedResponse response = router.routeStreaming(request(), chunks::add);

    assertThat(harness.stable.received().get(0).streamed()).isTrue();
    assertThat(
            harness
                .stable
                .received()
                .get(0)
                .body()
                .path("stream_options")
                .path("include_usage")
                .asBoolean())
        .isTrue();
    StringBuilder deltas = new StringBuilder();
    for (StreamChunk chunk : chunks.subList(0, chunks.size() - 1)) {
      // The data is exactly what the endpoint sent: JSON chunks of the completion.
      assertThat(JSON.readTree(chunk.data()).path("object").asText())
          .isEqualTo("chat.completion.chunk");
      deltas.append(chunk.textDelta());
    }
    assertThat(chunks.get(chunks.size() - 1)).isEqualTo(new StreamChunk("[DONE]", "", true));
    assertThat(chunks).hasSize(5 + 3);
    assertThat(deltas.toString()).isEqualTo("The quick brown fox jumps");
    assertThat(response.content()).isEqualTo("The quick brown fox jumps");
    assertThat(response.finishReason()).isEqualTo("stop");
    assertThat(response.usage()).isEqualTo(new TokenUsage(true, 21, 9));
    assertThat(response.costUsd().getAsDouble()).isEqualTo((21 * 1.0 + 9 * 2.0) / 1e6);
    assertThat(response.tags())
        .containsEntry(RoutedResponse.TAG_MODEL, "model-stable")
        .containsEntry(RoutedResponse.TAG_MODEL_VERSION, "1.1.0");
  }

  @Test
  void timeToFirstTokenIsMeasuredFromSendingToTheFirstContent() {
    ModelRouter router = router();
    harness.stable.enqueue(Reply.answer("slow start").delayed(120).streamedIn(2, 400));

    RoutedResponse response = router.routeStreaming(request(), chunk -> {});

    Duration firstToken = response.timeToFirstToken().orElseThrow();
    assertThat(firstToken).isGreaterThanOrEqualTo(Duration.ofMillis(120));
    // The second chunk came 400 ms after the first: the first token did not wait for it (the
    // 300 ms of slack absorbs a busy machine's scheduling delay in reading the first chunk).
    assertThat(response.latency().minus(firstToken)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    ArmSnapshot arm = router.signals().arm("streamed", "stable");
    assertThat(arm.firstTokenQuantileMillis(0.5)).isGreaterThanOrEqualTo(120);
    assertThat(arm.inputTokens()).isEqualTo(12);
  }

  @Test
  void aStreamThatStallsPastTheTimeoutEndsAsATimeout() {
    ModelRouter router = router();
    harness.stable.enqueue(Reply.answer("a b c d").streamedIn(4, 600));
    List<StreamChunk> chunks = new CopyOnWriteArrayList<>();

    assertThatThrownBy(() -> router.routeStreaming(request(), chunks::add))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
    assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.done()).isFalse());
    assertThat(router.signals().arm("streamed", "stable").errors(Kind.TIMEOUT)).isEqualTo(1);
  }

  @Test
  void aConsumerThatFailsAbandonsTheStreamWithoutCountingAVariantError() {
    ModelRouter router = router();
    harness.stable.enqueue(Reply.answer("one two three").streamedIn(3, 5));

    assertThatThrownBy(
            () ->
                router.routeStreaming(
                    request(),
                    chunk -> {
                      throw new IllegalStateException("client went away");
                    }))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
    assertThat(router.signals().arm("streamed", "stable").errors()).isZero();
  }

  @Test
  void commentsEventFieldsMultiLineDataAndAMissingDoneAreHandledAsSseDefinesThem() {
    ModelRouter router = router();
    harness.stable.enqueue(
        Reply.raw(
            ": keep-alive comment\n\n"
                + "event: message\nid: 1\n"
                + "data: {\"model\": \"served-model\", \"choices\": [{\"delta\":\n"
                + "data: {\"content\": \"Hel\"}}]}\n\n"
                + "data:{\"choices\": [{\"delta\": {\"content\": \"lo\"},"
                + " \"finish_reason\": \"length\"}]}\n\n"
                + "data: {\"choices\": [], \"usage\": {\"prompt_tokens\": 5,"
                + " \"completion_tokens\": 2}}\n\n"));
    List<StreamChunk> chunks = new CopyOnWriteArrayList<>();

    RoutedResponse response = router.routeStreaming(request(), chunks::add);

    assertThat(chunks).extracting(StreamChunk::textDelta).containsExactly("Hel", "lo", "");
    assertThat(chunks.get(0).data()).contains("\n");
    assertThat(response.content()).isEqualTo("Hello");
    assertThat(response.finishReason()).isEqualTo("length");
    assertThat(response.responseModel()).isEqualTo("served-model");
    assertThat(response.usage()).isEqualTo(new TokenUsage(true, 5, 2));
  }

  @Test
  void anEventThatIsNotJsonMakesTheStreamUnparsable() {
    ModelRouter router = router();
    harness.stable.enqueue(
        Reply.raw(
            "data: {\"choices\": [{\"delta\": {\"content\": \"ok\"}}]}\n\n"
                + "data: <html>proxy error</html>\n\n"));

    assertThatThrownBy(() -> router.routeStreaming(request(), chunk -> {}))
        .isInstanceOfSatisfying(
            RoutingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNPARSABLE))
        .hasMessageContaining("a stream event is not JSON");
    assertThat(router.signals().arm("streamed", "stable").errors(Kind.UNPARSABLE)).isEqualTo(1);
  }
}
