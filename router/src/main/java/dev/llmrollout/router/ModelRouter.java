package dev.llmrollout.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.internal.AnswerInspector;
import dev.llmrollout.router.internal.CallOutcomes;
import dev.llmrollout.router.internal.ChatCompletionClient;
import dev.llmrollout.router.internal.ChatRequestBody;
import dev.llmrollout.router.internal.ChatResult;
import dev.llmrollout.router.internal.DeliveryCounter;
import dev.llmrollout.router.internal.Endpoint;
import dev.llmrollout.router.internal.FlagSelector;
import dev.llmrollout.router.internal.GenAiMetrics;
import dev.llmrollout.router.internal.GuardSignalMetrics;
import dev.llmrollout.router.internal.LiveJudging;
import dev.llmrollout.router.internal.PromptRenderer;
import dev.llmrollout.router.internal.RoutedCall;
import dev.llmrollout.router.internal.RouterEvents;
import dev.llmrollout.router.internal.RoutingLogContext;
import dev.llmrollout.router.internal.SelectedVariant;
import dev.llmrollout.router.internal.ShadowPairMetrics;
import dev.llmrollout.router.internal.ShadowRunner;
import dev.llmrollout.router.internal.StreamWatchdog;
import dev.llmrollout.signals.PairRecorder;
import dev.llmrollout.variant.ChatMessage;
import dev.openfeature.sdk.EvaluationContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a flag's variant into a model call: evaluates the model flag (and an optional prompt flag)
 * through the OpenFeature client with the session or user id as targeting key, renders the prompt,
 * calls the variant's endpoint by name, tags the answer, counts the variant's signals and, where
 * the variant asks, shadows another variant in the background.
 *
 * <pre>{@code
 * ModelRouter router = ModelRouter.builder(client, provider, EndpointRegistry.load(path))
 *     .openTelemetry(openTelemetry)
 *     .fallbackToDefaultOnError("support-model")
 *     .build();
 * RoutedResponse answer = router.route(RouteRequest.builder("support-model")
 *     .sessionId("s-42").userMessage("Hello").build());
 * answer.tags(); // flag, variant, model id, model version
 * }</pre>
 *
 * <p>Every log line the router writes while routing names the flags, variants, model id and
 * version, also as MDC keys ({@code llm.flag}, {@code llm.variant}, {@code llm.model}, {@code
 * llm.modelVersion}, {@code llm.promptFlag}, {@code llm.promptVariant}).
 */
public final class ModelRouter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRouter.class);

  /** The name prefix of the shadow pairs' exported counters (docs/metrics.md). */
  public static final String SHADOW_PAIR_METRIC_PREFIX = "llm_rollout.shadow.";

  private final FlagSelector selector;
  private final EndpointRegistry endpoints;
  private final ChatCompletionClient client;
  private final ObjectMapper json;
  private final PromptRenderer renderer = new PromptRenderer();
  private final AnswerInspector inspector;
  private final VariantStats signals;
  private final VariantStats shadowSignals;
  private final PairRecorder shadowPairs;
  private final VariantStats evalSignals;
  private final Optional<ShadowJudge> judge;
  private final Optional<LiveJudging> liveJudging;
  private final GenAiMetrics metrics;
  private final GuardSignalMetrics guardMetrics;
  private final ShadowPairMetrics pairMetrics;
  private final RouterEvents events;
  private final ShadowRunner shadows;
  private final ShadowSink shadowSink;
  private final StreamWatchdog watchdog;
  private final Set<String> fallbackFlags;
  private final ShadowPlanner shadowPlanner;
  private final ArmRecorder arms;
  private final CallPreparer preparer;

  ModelRouter(ModelRouterBuilder builder) {
    this.json = builder.json;
    this.endpoints = builder.endpoints;
    this.metrics = new GenAiMetrics(builder.openTelemetry);
    this.events = new RouterEvents(metrics);
    this.selector = new FlagSelector(builder.client, builder.provider, events);
    this.watchdog = new StreamWatchdog();
    this.client = new ChatCompletionClient(builder.modelTransport, json, builder.retry, watchdog);
    this.inspector = new AnswerInspector(builder.refusalPatterns, builder.shortAnswerChars, json);
    this.signals = builder.signals;
    this.guardMetrics =
        new GuardSignalMetrics(builder.openTelemetry, signals, builder.exportedSegmentsPerFlag);
    this.shadowSignals = builder.shadowSignals;
    this.shadowPairs = builder.shadowPairs;
    this.pairMetrics =
        new ShadowPairMetrics(builder.openTelemetry, shadowPairs, builder.exportedSegmentsPerFlag);
    this.evalSignals = builder.evalSignals;
    this.shadowSink = builder.shadowSink();
    this.shadows =
        new ShadowRunner(
            builder.shadowOptions,
            client,
            json,
            inspector,
            shadowSink,
            shadowSignals,
            builder.shadowPairs,
            metrics,
            events);
    this.fallbackFlags = Set.copyOf(builder.fallbackFlags);
    this.shadowPlanner = new ShadowPlanner(selector, endpoints, renderer, shadows, events);
    this.arms = new ArmRecorder(signals, evalSignals);
    this.preparer = new CallPreparer(endpoints, renderer, events, arms);
    this.judge = builder.judge(client, shadows.executor());
    judge.ifPresent(shadows::judge);
    this.liveJudging = builder.liveJudging(judge, shadows.executor(), signals, events);
    builder.provider.addFeedbackSink(signals);
  }

  /** Starts a router; see {@link ModelRouterBuilder} for the options. */
  public static ModelRouterBuilder builder(
      dev.openfeature.sdk.Client client, LlmFeatureProvider provider, EndpointRegistry endpoints) {
    return new ModelRouterBuilder(client, provider, endpoints);
  }

  /**
   * Routes a request and waits for the whole answer.
   *
   * @throws RoutingException naming the flag, variant and endpoint when it cannot be answered
   */
  public RoutedResponse route(RouteRequest request) {
    return execute(request, null, null);
  }

  /**
   * Routes a request to the named variant of its model flag, whatever the flag's rules and split
   * would serve, as the offline eval does to compare a baseline and a candidate case by case. The
   * flag is not evaluated (no hooks, no exposure); the call is counted in {@link #evalSignals()}
   * only, never shadowed, never falls back and records no live metrics. The response's selection
   * has the reason {@link FlagSelection#REASON_PINNED}.
   *
   * @throws RoutingException of kind FLAG when the flag has no such model variant
   */
  public RoutedResponse routeToVariant(RouteRequest request, String variant) {
    return execute(request, null, Objects.requireNonNull(variant, "variant"));
  }

  /**
   * Routes a request as a stream: every server-sent event is passed to {@code consumer} as the
   * endpoint sends it, and the assembled, tagged answer is returned at the end. A fallback to the
   * default variant happens only if no event has reached the consumer yet.
   */
  public RoutedResponse routeStreaming(RouteRequest request, Consumer<StreamChunk> consumer) {
    return execute(request, Objects.requireNonNull(consumer, "consumer"), null);
  }

  /** The per-variant signals of routed traffic, also what the rollout guard reads. */
  public VariantStats signals() {
    return signals;
  }

  /**
   * The shadow pairs (primary and shadow answers of the same request) as per-bucket differences:
   * the evidence the rollout guard's shadow gate reads ({@code RolloutGuard.Builder#shadowPairs}).
   */
  public PairRecorder shadowPairs() {
    return shadowPairs;
  }

  /** The per-variant signals of shadow calls, kept apart so they never skew the live split. */
  public VariantStats shadowSignals() {
    return shadowSignals;
  }

  /** The per-variant signals of calls routed to a named variant, apart from live traffic. */
  public VariantStats evalSignals() {
    return evalSignals;
  }

  /** The judge configured on the builder, if any. */
  public Optional<ShadowJudge> judge() {
    return judge;
  }

  /** How often {@code event} happened since the router started. */
  public long count(RouterEvent event) {
    return events.count(event);
  }

  private RoutedResponse execute(
      RouteRequest request, Consumer<StreamChunk> consumer, String pinnedVariant) {
    RoutedCall call = select(request, pinnedVariant);
    DeliveryCounter delivered = consumer == null ? null : new DeliveryCounter(consumer);
    try {
      return attempt(call, delivered);
    } catch (RoutingException e) {
      RoutedCall fallback = fallbackFor(call, e, delivered).orElseThrow(() -> e);
      noteFallback(call, fallback, e);
      return attempt(fallback, delivered);
    }
  }

  /** One evaluation of each flag the request names. */
  private RoutedCall select(RouteRequest request, String pinnedVariant) {
    EvaluationContext context = request.evaluationContext();
    SelectedVariant model =
        pinnedVariant == null
            ? selector.select(request.modelFlag(), context, true)
            : selector.pinned(request.modelFlag(), pinnedVariant);
    Optional<SelectedVariant> prompt =
        request.promptFlag().map(flag -> selector.select(flag, context, false));
    String segment = request.attributes().get(signals.segmentAttribute());
    return new RoutedCall(request, model, prompt, segment, false);
  }

  private Optional<RoutedCall> fallbackFor(
      RoutedCall call, RoutingException e, DeliveryCounter delivered) {
    boolean variantFailed =
        e.isEndpointFailure() || e.kind() == RoutingException.Kind.CONFIGURATION;
    String flagKey = call.model().flagKey();
    if (!fallbackFlags.contains(flagKey)
        || call.pinned()
        || !variantFailed
        || (delivered != null && delivered.count() > 0)) {
      return Optional.empty();
    }
    return selector
        .defaultVariant(flagKey)
        .filter(d -> !d.name().equals(call.model().name()))
        .map(call::fallingBackTo);
  }

  private void noteFallback(RoutedCall failed, RoutedCall fallback, RoutingException e) {
    events.count(RouterEvent.FALLBACK, failed.model().flagKey());
    signals.recordFallback(failed.model().flagKey(), failed.model().name(), failed.segment());
    failed.putLogContext();
    try {
      LOG.warn(
          "{} model {} failed ({}), falling back to default variant '{}'",
          failed.where(),
          failed.modelId(),
          e.kind(),
          fallback.model().name());
    } finally {
      RoutingLogContext.clear();
    }
  }

  /** What one call sends: the endpoint, the rendered messages, whether JSON was asked for. */
  private record Prepared(Endpoint endpoint, List<ChatMessage> messages, boolean jsonRequested) {}

  private RoutedResponse attempt(RoutedCall call, DeliveryCounter delivered) {
    call.putLogContext();
    try {
      if (delivered != null) {
        delivered.routed(call);
      }
      Prepared prepared = prepare(call);
      ObjectNode body =
          ChatRequestBody.build(
              json,
              call.modelId(),
              call.model().variant().parameters(),
              prepared.messages(),
              delivered != null,
              call.request().jsonResponse());
      long start = System.nanoTime();
      ChatResult result;
      try {
        result =
            delivered == null
                ? client.complete(prepared.endpoint(), body)
                : client.stream(prepared.endpoint(), body, delivered);
      } catch (RoutingException e) {
        failed(call, prepared, e, System.nanoTime() - start);
        throw e;
      }
      return answered(call, prepared, result);
    } finally {
      RoutingLogContext.clear();
    }
  }

  private Prepared prepare(RoutedCall call) {
    Endpoint endpoint = preparer.endpointOf(call);
    List<ChatMessage> messages = preparer.messages(call);
    boolean jsonRequested =
        call.request().jsonResponse()
            || ChatRequestBody.asksForJson(call.model().variant().parameters());
    return new Prepared(endpoint, messages, jsonRequested);
  }

  private RoutedResponse answered(RoutedCall call, Prepared prepared, ChatResult result) {
    Endpoint endpoint = prepared.endpoint();
    CallOutcome outcome =
        CallOutcomes.of(result, endpoint, call.modelId(), inspector, prepared.jsonRequested());
    arms.record(call, outcome);
    boolean shadowed = false;
    if (!call.pinned()) {
      metrics.recordAnswer(call.metricTags(), result);
      shadowed =
          shadowPlanner.plan(
              call,
              prepared.messages(),
              prepared.jsonRequested(),
              ShadowPlanner.side(
                  call.model(),
                  endpoint,
                  result.content(),
                  Optional.empty(),
                  result.latencyNanos(),
                  result.inputTokens(),
                  result.outputTokens()),
              outcome);
      liveJudging.ifPresent(j -> j.offer(call, prepared.messages(), result.content()));
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "routed request {}: {} model {} version {} via endpoint '{}' in {} ms",
          call.request().requestId().orElse("-"),
          call.where(),
          call.modelId(),
          call.modelVersion().orElse("-"),
          endpoint.name(),
          result.latencyNanos() / 1e6);
    }
    return call.response(result, endpoint.name(), outcome, shadowed);
  }

  private void failed(RoutedCall call, Prepared prepared, RoutingException e, long elapsed) {
    String requestId = call.request().requestId().orElse("-");
    if (e.kind() == RoutingException.Kind.CANCELLED) {
      LOG.info("{}: request {} cancelled: {}", call.where(), requestId, e.getMessage());
      return;
    }
    arms.record(call, CallOutcome.failed(e.kind(), elapsed));
    LOG.warn(
        "{} model {} version {}: request {} failed: {}",
        call.where(),
        call.modelId(),
        call.modelVersion().orElse("-"),
        requestId,
        e.getMessage());
    if (call.pinned()) {
      return;
    }
    metrics.recordFailure(call.metricTags(), e.kind().name(), elapsed);
    shadowPlanner.plan(
        call,
        prepared.messages(),
        prepared.jsonRequested(),
        ShadowPlanner.side(
            call.model(), prepared.endpoint(), "", Optional.of(e.kind().name()), elapsed, 0, 0),
        CallOutcome.failed(e.kind(), elapsed));
  }

  /** Stops shadow workers (waiting briefly for queued pairs), the stream watchdog and the sink. */
  @Override
  public void close() {
    guardMetrics.close();
    pairMetrics.close();
    shadows.close();
    watchdog.close();
    shadowSink.close();
  }
}
