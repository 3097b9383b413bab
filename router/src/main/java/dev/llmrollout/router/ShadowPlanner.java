package dev.llmrollout.router;

import dev.llmrollout.router.internal.Endpoint;
import dev.llmrollout.router.internal.FlagSelector;
import dev.llmrollout.router.internal.PromptRenderer;
import dev.llmrollout.router.internal.RoutedCall;
import dev.llmrollout.router.internal.RouterEvents;
import dev.llmrollout.router.internal.SelectedVariant;
import dev.llmrollout.router.internal.ShadowRunner;
import dev.llmrollout.router.internal.ShadowTask;
import dev.llmrollout.router.internal.StickySampler;
import dev.llmrollout.variant.ChatMessage;
import dev.llmrollout.variant.ShadowDirective;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a request is shadowed (the served variant asks for it, and the targeting key
 * falls in the sticky sample) and hands the call to the {@link ShadowRunner}. Only in-memory work
 * happens here, on the request's thread.
 */
final class ShadowPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowPlanner.class);

  private final FlagSelector selector;
  private final EndpointRegistry endpoints;
  private final PromptRenderer renderer;
  private final ShadowRunner runner;
  private final RouterEvents events;

  ShadowPlanner(
      FlagSelector selector,
      EndpointRegistry endpoints,
      PromptRenderer renderer,
      ShadowRunner runner,
      RouterEvents events) {
    this.selector = selector;
    this.endpoints = endpoints;
    this.renderer = renderer;
    this.runner = runner;
    this.events = events;
  }

  static ShadowRecord.Side side(
      SelectedVariant variant,
      Endpoint endpoint,
      String content,
      Optional<String> error,
      long latencyNanos,
      long inputTokens,
      long outputTokens) {
    return new ShadowRecord.Side(
        variant.name(),
        variant.variant().model().orElse(""),
        variant.variant().version(),
        endpoint.name(),
        content,
        error,
        latencyNanos / 1e6,
        inputTokens,
        outputTokens);
  }

  /**
   * Queues a shadow call when the served variant asks for one; true when queued. {@code
   * primaryOutcome} carries the primary's price and time to first token into the pair.
   */
  boolean plan(
      RoutedCall call,
      List<ChatMessage> primaryMessages,
      boolean jsonRequested,
      ShadowRecord.Side primary,
      CallOutcome primaryOutcome) {
    RouteRequest request = call.request();
    SelectedVariant model = call.model();
    Optional<ShadowDirective> directive = model.variant().shadow();
    Optional<String> targetingKey = request.targetingKey();
    if (directive.isEmpty()
        || targetingKey.isEmpty()
        || directive.get().variant().equals(model.name())
        || !StickySampler.sampled(
            model.flagKey() + '/' + directive.get().variant(),
            targetingKey.get(),
            directive.get().sampleRate())) {
      return false;
    }
    String shadowName = directive.get().variant();
    Optional<SelectedVariant> shadow = selector.named(model.flagKey(), shadowName);
    Optional<Endpoint> endpoint =
        shadow.flatMap(s -> s.variant().endpoint()).flatMap(endpoints::find);
    if (shadow.isEmpty() || endpoint.isEmpty()) {
      events.count(RouterEvent.SHADOW_MISCONFIGURED, model.flagKey());
      LOG.warn(
          "{} asks to shadow variant '{}', which is not a model variant with a configured"
              + " endpoint; not shadowing",
          model.where(),
          shadowName);
      return false;
    }
    List<ChatMessage> messages;
    try {
      messages = messages(call, shadow.get(), primaryMessages);
    } catch (RoutingException e) {
      events.count(RouterEvent.SHADOW_MISCONFIGURED, model.flagKey());
      LOG.warn(
          "{}: shadow variant '{}' prompt cannot be rendered: {}",
          model.where(),
          shadowName,
          e.getMessage());
      return false;
    }
    return runner.submit(
        new ShadowTask(
            model.flagKey(),
            primary,
            primaryOutcome,
            shadowName,
            shadow.get().variant(),
            endpoint.get(),
            messages,
            primaryMessages,
            jsonRequested,
            call.segment(),
            targetingKey.get()));
  }

  /**
   * The shadow answers the same prompt as the primary when a prompt flag chose it, or when the
   * shadow variant has no prompt of its own; otherwise its own prompt with the request's values.
   */
  private List<ChatMessage> messages(
      RoutedCall call, SelectedVariant shadow, List<ChatMessage> primaryMessages) {
    if (call.prompt().isPresent() || shadow.variant().prompt().isEmpty()) {
      return primaryMessages;
    }
    RouteRequest request = call.request();
    List<ChatMessage> messages =
        new ArrayList<>(
            renderer.render(
                shadow.variant().prompt().get().messages(), request.variables(), shadow::where));
    messages.addAll(request.messages());
    return messages;
  }
}
