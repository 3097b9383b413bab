package dev.llmrollout.router.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenTelemetry metrics named by the GenAI semantic conventions ({@code
 * gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage}), with the feature-flag
 * attributes {@code feature_flag.key} and {@code feature_flag.result.variant} so any metrics
 * backend can split them per variant.
 */
public final class GenAiMetrics {
  public static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  public static final AttributeKey<String> FLAG_KEY = AttributeKey.stringKey("feature_flag.key");
  public static final AttributeKey<String> FLAG_VARIANT =
      AttributeKey.stringKey("feature_flag.result.variant");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<String> TRAFFIC = AttributeKey.stringKey("llm_rollout.traffic");
  public static final AttributeKey<String> PROMPT_FLAG_KEY =
      AttributeKey.stringKey("llm_rollout.prompt_flag.key");
  public static final AttributeKey<String> PROMPT_FLAG_VARIANT =
      AttributeKey.stringKey("llm_rollout.prompt_flag.result.variant");

  /** Bounds the cache of call attributes; distinct shapes are few (flags x variants x models). */
  static final int MAX_CACHED_SHAPES = 4_096;

  private final Map<AttributesKey, CallAttributes> shapes = new ConcurrentHashMap<>();
  private final DoubleHistogram duration;
  private final LongHistogram tokens;
  private final DoubleHistogram firstToken;
  private final LongCounter events;

  public GenAiMetrics(OpenTelemetry openTelemetry) {
    Meter meter = openTelemetry.getMeter("dev.llmrollout.router");
    this.duration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setDescription("GenAI operation duration")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(
                List.of(
                    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96,
                    81.92))
            .build();
    this.tokens =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .setDescription("Measures number of input and output tokens used")
            .setUnit("{token}")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(
                List.of(
                    1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L,
                    4194304L, 16777216L, 67108864L))
            .build();
    this.firstToken =
        meter
            .histogramBuilder("llm_rollout.router.time_to_first_token")
            .setDescription("Time from sending a streamed request to its first content token")
            .setUnit("s")
            .build();
    this.events =
        meter
            .counterBuilder("llm_rollout.router.events")
            .setDescription(
                "Router events: configuration errors, missing targeting keys, fallbacks,"
                    + " shadow calls dropped or over budget")
            .build();
  }

  /** Records one answered call: its duration, time to first token (streamed) and token usage. */
  public void recordAnswer(CallTags tags, ChatResult result) {
    CallAttributes attributes = attributesOf(tags, result.responseModel(), null);
    duration.record(result.latencyNanos() / 1e9, attributes.call());
    if (result.firstTokenNanos() >= 0) {
      firstToken.record(result.firstTokenNanos() / 1e9, attributes.call());
    }
    if (result.usageReported()) {
      tokens.record(result.inputTokens(), attributes.input());
      tokens.record(result.outputTokens(), attributes.output());
    }
  }

  /** Records one failed call: its duration, with {@code errorType} (a failure kind) as error. */
  public void recordFailure(CallTags tags, String errorType, long latencyNanos) {
    duration.record(latencyNanos / 1e9, attributesOf(tags, null, errorType).call());
  }

  /**
   * The attributes of a call, built once per distinct call shape: they repeat with every request to
   * the same variant, and building them (a sorted, de-duplicated array) costs more than the record.
   * Past {@link #MAX_CACHED_SHAPES} (response models come from the endpoint) they are built per
   * call.
   */
  CallAttributes attributesOf(CallTags tags, String responseModel, String errorType) {
    AttributesKey key =
        new AttributesKey(tags, responseModel == null ? "" : responseModel, errorType);
    CallAttributes cached = shapes.get(key);
    if (cached != null) {
      return cached;
    }
    CallAttributes built = build(key);
    if (shapes.size() < MAX_CACHED_SHAPES) {
      shapes.putIfAbsent(key, built);
    }
    return built;
  }

  static CallAttributes build(AttributesKey key) {
    CallTags tags = key.tags();
    AttributesBuilder builder =
        Attributes.builder()
            .put(OPERATION, "chat")
            .put(REQUEST_MODEL, tags.model())
            .put(FLAG_KEY, tags.flagKey())
            .put(FLAG_VARIANT, tags.variant())
            .put(TRAFFIC, tags.shadow() ? "shadow" : "primary");
    if (tags.promptFlag() != null) {
      builder
          .put(PROMPT_FLAG_KEY, tags.promptFlag())
          .put(PROMPT_FLAG_VARIANT, tags.promptVariant());
    }
    if (!key.responseModel().isEmpty()) {
      builder.put(RESPONSE_MODEL, key.responseModel());
    }
    if (key.errorType() != null) {
      builder.put(ERROR_TYPE, key.errorType());
    }
    Attributes call = builder.build();
    return new CallAttributes(
        call,
        call.toBuilder().put(TOKEN_TYPE, "input").build(),
        call.toBuilder().put(TOKEN_TYPE, "output").build());
  }

  /** What a call's attributes depend on; {@code responseModel} is empty when none came back. */
  record AttributesKey(CallTags tags, String responseModel, String errorType) {}

  /** A call's attributes, and the same with the token type for the two token counts. */
  record CallAttributes(Attributes call, Attributes input, Attributes output) {}

  /** Counts a router event such as {@code configuration_error}, for one flag. */
  public void recordEvent(String event, String flagKey) {
    events.add(
        1, Attributes.of(AttributeKey.stringKey("llm_rollout.event"), event, FLAG_KEY, flagKey));
  }
}
