package dev.llmrollout.router.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.CallOutcome;
import dev.llmrollout.router.RoutingException;
import dev.llmrollout.router.ShadowRecord;
import dev.llmrollout.router.VariantStats;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a shadow variant and counts its outcome, in the shadow signal store and the GenAI metrics;
 * answers with the shadow side of the pair, failed or not.
 */
final class ShadowCaller {
  /** The shadow runner's logger: a failed shadow call logs under the name it always had. */
  private static final Logger LOG = LoggerFactory.getLogger(ShadowRunner.class);

  private final ChatCompletionClient client;
  private final ObjectMapper json;
  private final AnswerInspector inspector;
  private final VariantStats shadowStats;
  private final GenAiMetrics metrics;

  ShadowCaller(
      ChatCompletionClient client,
      ObjectMapper json,
      AnswerInspector inspector,
      VariantStats shadowStats,
      GenAiMetrics metrics) {
    this.client = client;
    this.json = json;
    this.inspector = inspector;
    this.shadowStats = shadowStats;
    this.metrics = metrics;
  }

  /**
   * The shadow side of a pair and what the pair store needs besides.
   *
   * @param cost the call's price from the endpoint's price table; empty when unpriced or failed
   * @param firstTokenNanos the call's time to first token; -1 when not streamed or failed
   */
  record Answer(ShadowRecord.Side side, OptionalDouble cost, long firstTokenNanos) {}

  /** Calls {@code task}'s shadow variant, spending the tokens it used from {@code budget}. */
  Answer call(ShadowTask task, ShadowBudget budget) {
    String model = task.shadow().model().orElseThrow();
    long start = System.nanoTime();
    try {
      // Streamed when the primary was, so the pair compares times to first token.
      boolean stream = task.primaryOutcome().firstTokenNanos() >= 0;
      var body =
          ChatRequestBody.build(
              json,
              model,
              task.shadow().parameters(),
              task.messages(),
              stream,
              task.jsonRequested());
      ChatResult result =
          stream
              ? client.stream(task.endpoint(), body, chunk -> {})
              : client.complete(task.endpoint(), body);
      budget.spend(result.inputTokens() + result.outputTokens());
      CallOutcome outcome =
          CallOutcomes.of(result, task.endpoint(), model, inspector, task.jsonRequested());
      shadowStats.record(task.flagKey(), task.shadowVariant(), task.segment(), outcome);
      metrics.recordAnswer(tags(task, model), result);
      return new Answer(
          side(
              task,
              model,
              result.content(),
              Optional.empty(),
              result.latencyNanos(),
              result.inputTokens(),
              result.outputTokens()),
          outcome.costUsd(),
          result.firstTokenNanos());
    } catch (RoutingException e) {
      long elapsed = System.nanoTime() - start;
      shadowStats.record(
          task.flagKey(),
          task.shadowVariant(),
          task.segment(),
          CallOutcome.failed(e.kind(), elapsed));
      metrics.recordFailure(tags(task, model), e.kind().name(), elapsed);
      LOG.info(
          "flag '{}' shadow variant '{}' model {}: {}",
          task.flagKey(),
          task.shadowVariant(),
          model,
          e.getMessage());
      return new Answer(
          side(task, model, "", Optional.of(e.kind().name()), elapsed, 0, 0),
          OptionalDouble.empty(),
          -1);
    }
  }

  private static CallTags tags(ShadowTask task, String model) {
    return new CallTags(task.flagKey(), task.shadowVariant(), model, null, null, true);
  }

  private static ShadowRecord.Side side(
      ShadowTask task,
      String model,
      String content,
      Optional<String> error,
      long nanos,
      long input,
      long output) {
    return new ShadowRecord.Side(
        task.shadowVariant(),
        model,
        task.shadow().version(),
        task.endpoint().name(),
        content,
        error,
        nanos / 1e6,
        input,
        output);
  }
}
