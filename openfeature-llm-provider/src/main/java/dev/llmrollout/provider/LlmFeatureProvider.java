package dev.llmrollout.provider;

import dev.llmrollout.provider.internal.ExposureLog;
import dev.llmrollout.provider.internal.TypedResult;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.TrackingEventDetails;
import dev.openfeature.sdk.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenFeature provider for model and prompt variants, whichever backend holds the flags.
 *
 * <pre>{@code
 * FlagBackend backend = LocalFileBackend.watching(Path.of("flags.json"));
 * OpenFeatureAPI.getInstance().setProviderAndWait(LlmFeatureProvider.builder(backend).build());
 * Client client = OpenFeatureAPI.getInstance().getClient();
 * FlagEvaluationDetails<Value> model =
 *     client.getObjectDetails("support-model", new Value(), new ImmutableContext(sessionId));
 * String modelId = model.getFlagMetadata().getString("model");
 * }</pre>
 *
 * <p>Object flags resolve to the variant's JSON as a structure, string flags to the variant's name,
 * boolean and number flags to their plain values. Flag metadata carries the model id and version,
 * the prompt id and version, the endpoint name and the flag's version. Backend changes become
 * CONFIGURATION_CHANGED events with the changed keys; a lost source STALE; a rejected update ERROR.
 * {@code track()} attributes feedback to the variant the targeting key was served.
 */
public final class LlmFeatureProvider extends EventProvider {
  private static final Logger LOG = LoggerFactory.getLogger(LlmFeatureProvider.class);

  /** The tracking-details field naming the flag that feedback is about. */
  public static final String TRACK_FLAG_FIELD = "flag";

  private final FlagBackend backend;
  private final Metadata metadata;
  private final Duration startTimeout;
  private final ExposureLog exposures;
  private final ServingOverride servingOverride;
  private final List<FeedbackSink> feedbackSinks;
  private final AtomicBoolean started = new AtomicBoolean();
  private final LongAdder unattributedFeedback = new LongAdder();
  private volatile boolean stale;

  private LlmFeatureProvider(Builder builder) {
    this.backend = builder.backend;
    // Built once: the OpenFeature client asks for it on every evaluation.
    String name = "llm-rollout:" + backend.name();
    this.metadata = () -> name;
    this.startTimeout = builder.startTimeout;
    this.exposures = new ExposureLog(builder.exposureCapacity, builder.exposureRetention);
    this.servingOverride = builder.servingOverride;
    this.feedbackSinks = new CopyOnWriteArrayList<>(builder.feedbackSinks);
  }

  public static Builder builder(FlagBackend backend) {
    return new Builder(backend);
  }

  @Override
  public Metadata getMetadata() {
    return metadata;
  }

  /** The backend this provider serves from. */
  public FlagBackend backend() {
    return backend;
  }

  /** A variant by name, parsed when its configuration arrived: for shadow calls and tooling. */
  public Optional<VariantPayload> variant(String flagKey, String variantName) {
    return backend.variant(flagKey, variantName);
  }

  /** Registers a sink for attributed feedback, such as the router's signal store. */
  public void addFeedbackSink(FeedbackSink sink) {
    feedbackSinks.add(Objects.requireNonNull(sink, "sink"));
  }

  /** Feedback received for a targeting key with no known exposure, so attributed to no variant. */
  public long unattributedFeedback() {
    return unattributedFeedback.sum();
  }

  @Override
  public void initialize(EvaluationContext evaluationContext) {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    // The SDK derives READY from initialize returning, so READY is only emitted on later recovery.
    backend.start(new EventBridge(), startTimeout);
  }

  @Override
  public void shutdown() {
    if (started.compareAndSet(true, false)) {
      backend.close();
    }
    super.shutdown();
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(
      String key, Boolean defaultValue, EvaluationContext ctx) {
    return evaluate(TypedResult.BOOLEAN, key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(
      String key, String defaultValue, EvaluationContext ctx) {
    return evaluate(TypedResult.STRING, key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(
      String key, Integer defaultValue, EvaluationContext ctx) {
    return evaluate(TypedResult.INTEGER, key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(
      String key, Double defaultValue, EvaluationContext ctx) {
    return evaluate(TypedResult.DOUBLE, key, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(
      String key, Value defaultValue, EvaluationContext ctx) {
    return evaluate(TypedResult.OBJECT, key, defaultValue, ctx);
  }

  private <T> ProviderEvaluation<T> evaluate(
      TypedResult type, String key, T defaultValue, EvaluationContext ctx) {
    EvaluationContext context = ctx == null ? new ImmutableContext() : ctx;
    Resolution resolution = resolve(key, context);
    ProviderEvaluation<T> evaluation = type.evaluation(resolution, defaultValue, stale);
    if (evaluation.getErrorCode() == null && evaluation.getVariant() != null) {
      String targetingKey = context.getTargetingKey();
      if (targetingKey != null && !targetingKey.isEmpty()) {
        exposures.served(targetingKey, key, evaluation.getVariant());
      }
    }
    return evaluation;
  }

  /**
   * The forced variant when the serving override names one the flag defines, else the backend's.
   */
  private Resolution resolve(String key, EvaluationContext context) {
    // No lambda here: this runs on every evaluation.
    Optional<String> forced = servingOverride.forcedVariant(key);
    if (forced.isPresent()) {
      Optional<VariantPayload> payload = backend.variant(key, forced.get());
      if (payload.isPresent()) {
        return Resolution.served(payload.get(), Reason.TARGETING_MATCH);
      }
    }
    try {
      return backend.resolve(key, context);
    } catch (RuntimeException e) {
      LOG.warn("flag '{}': backend {} failed to resolve", key, backend.name(), e);
      return Resolution.error(
          key, ErrorCode.GENERAL, "flag '" + key + "': backend failed: " + e.getMessage());
    }
  }

  @Override
  public void track(String eventName, EvaluationContext context, TrackingEventDetails details) {
    String targetingKey = context == null ? null : context.getTargetingKey();
    Map<String, String> served =
        targetingKey == null || targetingKey.isEmpty()
            ? Map.of()
            : exposures.servedTo(targetingKey);
    Optional<String> flag = flagNamedIn(details);
    Map<String, String> attributed =
        flag.map(f -> served.containsKey(f) ? Map.of(f, served.get(f)) : Map.<String, String>of())
            .orElse(served);
    if (attributed.isEmpty()) {
      unattributedFeedback.increment();
      return;
    }
    OptionalDouble value = valueOf(details);
    Instant now = Instant.now();
    attributed.forEach(
        (flagKey, variant) -> {
          FeedbackEvent event =
              new FeedbackEvent(flagKey, variant, targetingKey, eventName, value, context, now);
          feedbackSinks.forEach(sink -> sink.record(event));
        });
  }

  private static Optional<String> flagNamedIn(TrackingEventDetails details) {
    if (details == null) {
      return Optional.empty();
    }
    Value flag = details.getValue(TRACK_FLAG_FIELD);
    return flag != null && flag.isString() ? Optional.of(flag.asString()) : Optional.empty();
  }

  private static OptionalDouble valueOf(TrackingEventDetails details) {
    if (details == null) {
      return OptionalDouble.empty();
    }
    return details
        .getValue()
        .map(n -> OptionalDouble.of(n.doubleValue()))
        .orElse(OptionalDouble.empty());
  }

  /** Forwards backend events to OpenFeature, tracking staleness for the STALE reason. */
  private final class EventBridge implements BackendListener {
    @Override
    public void onReady() {
      stale = false;
      emitProviderReady(
          ProviderEventDetails.builder().message(backend.name() + " is serving").build());
    }

    @Override
    public void onFlagsChanged(Set<String> flagKeys) {
      stale = false;
      emitProviderConfigurationChanged(
          ProviderEventDetails.builder()
              .flagsChanged(List.copyOf(flagKeys))
              .message("flags changed: " + flagKeys)
              .build());
    }

    @Override
    public void onStale(String message) {
      stale = true;
      emitProviderStale(ProviderEventDetails.builder().message(message).build());
    }

    @Override
    public void onError(String message, ErrorCode code) {
      // The SDK (1.22) drops errorCode when it hands events to handlers, so it rides in the
      // event metadata too.
      emitProviderError(
          ProviderEventDetails.builder()
              .message(message)
              .errorCode(code)
              .eventMetadata(
                  ImmutableMetadata.builder().addString("errorCode", code.name()).build())
              .build());
    }
  }

  /** Builds a provider; only the backend is required. */
  public static final class Builder {
    private final FlagBackend backend;
    private Duration startTimeout = Duration.ofSeconds(30);
    private long exposureCapacity = 100_000;
    private Duration exposureRetention = Duration.ofHours(24);
    private final List<FeedbackSink> feedbackSinks = new CopyOnWriteArrayList<>();
    private ServingOverride servingOverride = ServingOverride.NONE;

    private Builder(FlagBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** How long {@code initialize} waits for the backend's first configuration (default 30 s). */
    public Builder startTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout: expected a positive duration");
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * How many targeting keys to remember the served variant of, for feedback attribution (default
     * 100,000), and for how long (default 24 hours).
     */
    public Builder exposures(long capacity, Duration retention) {
      if (capacity < 1) {
        throw new IllegalArgumentException("exposures capacity: expected at least 1");
      }
      this.exposureCapacity = capacity;
      this.exposureRetention = retention;
      return this;
    }

    public Builder feedbackSink(FeedbackSink sink) {
      feedbackSinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Consulted before the backend on every evaluation (default: none): a variant it forces is
     * served at once, such as the rollout guard's {@link KillSwitchOverride} after a rollback.
     */
    public Builder servingOverride(ServingOverride override) {
      this.servingOverride = Objects.requireNonNull(override, "override");
      return this;
    }

    public LlmFeatureProvider build() {
      return new LlmFeatureProvider(this);
    }
  }
}
