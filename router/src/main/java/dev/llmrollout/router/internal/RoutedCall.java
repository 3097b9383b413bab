package dev.llmrollout.router.internal;

import dev.llmrollout.router.CallOutcome;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.router.RoutedResponse;
import dev.llmrollout.router.TokenUsage;
import dev.llmrollout.router.VariantStats;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One routed call from selection to response: the request, what its model flag (and prompt flag)
 * served, the request's segment, and whether the call is a fallback. The one place that turns what
 * served a call into response tags (the gateway's headers), log context, metric attributes and
 * signal attribution.
 *
 * @param request the caller's request
 * @param model what the model flag served
 * @param prompt what the prompt flag served, when the request named one
 * @param segment the request's value of the segment attribute, or null
 * @param fallback true when the flag's default variant answers for a failed variant
 */
public record RoutedCall(
    RouteRequest request,
    SelectedVariant model,
    Optional<SelectedVariant> prompt,
    String segment,
    boolean fallback) {

  /** The model id sent to the endpoint. */
  public String modelId() {
    return model.variant().model().orElseThrow();
  }

  public Optional<String> modelVersion() {
    return model.variant().version();
  }

  /** True for a call routed to a named variant (offline eval), not by the flag's rules. */
  public boolean pinned() {
    return model.pinned();
  }

  /** Names the model flag and variant in messages. */
  public String where() {
    return model.where();
  }

  /** The same request, answered by the flag's default variant. */
  public RoutedCall fallingBackTo(SelectedVariant defaultVariant) {
    return new RoutedCall(request, defaultVariant, prompt, segment, true);
  }

  /** The response tags, also what a gateway sends as headers: flags, variants, model, version. */
  public Map<String, String> tags() {
    Map<String, String> tags =
        RoutedResponse.tags(
            model.flagKey(),
            model.name(),
            modelId(),
            modelVersion(),
            prompt.map(SelectedVariant::flagKey).orElse(null),
            prompt.map(SelectedVariant::name).orElse(null));
    if (fallback) {
      tags.put(RoutedResponse.TAG_FALLBACK, "true");
    }
    return tags;
  }

  /** The attributes of the call's metrics. */
  public CallTags metricTags() {
    return new CallTags(
        model.flagKey(),
        model.name(),
        modelId(),
        prompt.map(SelectedVariant::flagKey).orElse(null),
        prompt.map(SelectedVariant::name).orElse(null),
        false);
  }

  /** Puts the call into the logging MDC; {@link RoutingLogContext#clear()} takes it out. */
  public void putLogContext() {
    RoutingLogContext.put(metricTags(), modelVersion());
  }

  /**
   * Counts the outcome for every flag that shaped the call: the model flag's variant and the prompt
   * flag's, so a rollout of either is judged on the same calls.
   */
  public void record(VariantStats store, CallOutcome outcome) {
    String unit = request.targetingKey().orElse(null);
    store.record(model.flagKey(), model.name(), segment, unit, outcome);
    prompt.ifPresent(p -> store.record(p.flagKey(), p.name(), segment, unit, outcome));
  }

  /** Counts the live judge's score of the call's answer for every flag that shaped it. */
  public void recordJudgeScore(VariantStats store, double score) {
    String unit = request.targetingKey().orElse(null);
    store.recordJudgeScore(model.flagKey(), model.name(), segment, unit, score);
    prompt.ifPresent(p -> store.recordJudgeScore(p.flagKey(), p.name(), segment, unit, score));
  }

  /** Counts a live judge call on the call's answer that gave no score, for every flag. */
  public void recordJudgeFailure(VariantStats store) {
    String unit = request.targetingKey().orElse(null);
    store.recordJudgeFailure(model.flagKey(), model.name(), segment, unit);
    prompt.ifPresent(p -> store.recordJudgeFailure(p.flagKey(), p.name(), segment, unit));
  }

  /** The tagged response to the caller. */
  public RoutedResponse response(
      ChatResult result, String endpoint, CallOutcome outcome, boolean shadowed) {
    return new RoutedResponse(
        result.content(),
        result.finishReason(),
        model.selection(),
        prompt.map(SelectedVariant::selection),
        modelId(),
        modelVersion(),
        endpoint,
        result.responseModel(),
        new TokenUsage(result.usageReported(), result.inputTokens(), result.outputTokens()),
        outcome.costUsd(),
        Duration.ofNanos(result.latencyNanos()),
        result.firstTokenNanos() < 0
            ? Optional.empty()
            : Optional.of(Duration.ofNanos(result.firstTokenNanos())),
        fallback,
        outcome.refusal(),
        shadowed);
  }
}
