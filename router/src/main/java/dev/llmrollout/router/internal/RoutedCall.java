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
    store.record(model.flagKey(), model.name(), segment, outcome);
    prompt.ifPresent(p -> store.record(p.flagKey(), p.name(), segment, outcome));
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
