package dev.llmrollout.router;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.internal.ChatCompletionClient;
import dev.llmrollout.router.internal.LiveJudging;
import dev.llmrollout.router.internal.RouterEvents;
import dev.llmrollout.signals.PairRecorder;
import dev.openfeature.sdk.Client;
import io.opentelemetry.api.OpenTelemetry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Builds a {@link ModelRouter}. Only the OpenFeature client, the provider behind it and the
 * endpoint registry are required; everything else has a default.
 *
 * <pre>{@code
 * ModelRouter router = ModelRouter.builder(client, provider, endpoints)
 *     .retry(RetryPolicy.of(3, Duration.ofMillis(100), Duration.ofSeconds(2)))
 *     .shadow(ShadowOptions.custom().threads(4).requestsPerMinute(600).build())
 *     .shadowSink(JsonLinesShadowSink.appendingTo(Path.of("shadow.jsonl")))
 *     .judgeWithEndpoint("judge-pool", "gpt-4o-2024-08-06")
 *     .fallbackToDefaultOnError("support-model")
 *     .build();
 * }</pre>
 */
public final class ModelRouterBuilder {
  /** Phrases that mark an answer as a refusal unless {@link #refusalPatterns} replaces them. */
  public static final List<Pattern> DEFAULT_REFUSAL_PATTERNS =
      List.of(
          Pattern.compile(
              "(?i)\\bI(?: a|')m (?:sorry,? (?:but )?)?(?:not able|unable) to (?:help|assist|comply)"),
          Pattern.compile("(?i)\\bI can(?:no|')t (?:help|assist|comply|provide)"),
          Pattern.compile("(?i)\\bI (?:won't|will not) (?:help|assist|comply|provide)"));

  final Client client;
  final LlmFeatureProvider provider;
  final EndpointRegistry endpoints;

  /**
   * Jackson's default keeps its parse and write buffers (about 30 KiB) per thread that ever used
   * them, for as long as the thread lives: on virtual threads that is one set per call in flight,
   * held by a slow stream for its whole length. One bounded pool for the process keeps buffers only
   * for the parses and writes under way, on platform and virtual threads alike.
   */
  final ObjectMapper json =
      new ObjectMapper(
          JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build());

  ModelTransport modelTransport;
  OpenTelemetry openTelemetry = OpenTelemetry.noop();
  RetryPolicy retry = RetryPolicy.ofDefaults();

  /** Segment label values per flag in the guard's exported metrics. */
  public static final int DEFAULT_EXPORTED_SEGMENTS = 16;

  VariantStats signals = VariantStats.create();
  int exportedSegmentsPerFlag = DEFAULT_EXPORTED_SEGMENTS;
  VariantStats shadowSignals;
  PairRecorder shadowPairs = new PairRecorder();
  VariantStats evalSignals;
  ShadowOptions shadowOptions = ShadowOptions.ofDefaults();
  private ShadowSink shadowSink;
  private ShadowJudge judge;
  private String judgeEndpoint;
  private JudgeConfig judgeConfig;
  private AnswerJudge answerJudge;
  private LiveJudgeOptions liveJudgeOptions;
  private Predicate<String> judgedFlags;
  final Set<String> fallbackFlags = new LinkedHashSet<>();
  List<Pattern> refusalPatterns = DEFAULT_REFUSAL_PATTERNS;
  int shortAnswerChars = 2;

  ModelRouterBuilder(Client client, LlmFeatureProvider provider, EndpointRegistry endpoints) {
    this.client = Objects.requireNonNull(client, "client");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
  }

  /**
   * The JDK HTTP client model calls share (default: a new HTTP/1.1 client with a 10 s connect
   * timeout); the same as {@code modelTransport(ModelTransport.jdk(client))}.
   */
  public ModelRouterBuilder httpClient(HttpClient client) {
    return modelTransport(ModelTransport.jdk(Objects.requireNonNull(client, "httpClient")));
  }

  /**
   * How model calls go over HTTP (default: the JDK's HttpClient, see {@link #httpClient}). The
   * router does not close it: whoever made it does, after closing the router.
   */
  public ModelRouterBuilder modelTransport(ModelTransport transport) {
    this.modelTransport = Objects.requireNonNull(transport, "modelTransport");
    return this;
  }

  /** Where GenAI metrics go (default: nowhere). */
  public ModelRouterBuilder openTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    return this;
  }

  public ModelRouterBuilder retry(RetryPolicy policy) {
    this.retry = Objects.requireNonNull(policy, "retry");
    return this;
  }

  /** The store routed calls are counted in (default: segments by {@code intent}). */
  public ModelRouterBuilder signals(VariantStats stats) {
    this.signals = Objects.requireNonNull(stats, "signals");
    return this;
  }

  /** The store shadow calls are counted in (default: a new one, segmented like the signals). */
  public ModelRouterBuilder shadowSignals(VariantStats stats) {
    this.shadowSignals = Objects.requireNonNull(stats, "shadowSignals");
    return this;
  }

  /** The store shadow pairs' differences are counted in (default: a new one). */
  public ModelRouterBuilder shadowPairs(PairRecorder pairs) {
    this.shadowPairs = Objects.requireNonNull(pairs, "shadowPairs");
    return this;
  }

  /**
   * The store calls routed to a named variant ({@link ModelRouter#routeToVariant}) are counted in
   * (default: a new one, segmented like the signals), so eval traffic never skews live signals.
   */
  public ModelRouterBuilder evalSignals(VariantStats stats) {
    this.evalSignals = Objects.requireNonNull(stats, "evalSignals");
    return this;
  }

  /**
   * How many segment values per flag get their own label in the guard's exported metrics (default
   * {@value #DEFAULT_EXPORTED_SEGMENTS}); later values add up under {@code other}, so a client
   * sending arbitrary segment values cannot grow the metrics without bound.
   */
  public ModelRouterBuilder exportedSegmentsPerFlag(int segments) {
    if (segments < 0) {
      throw new IllegalArgumentException(
          "exportedSegmentsPerFlag: expected 0 or more, got " + segments);
    }
    this.exportedSegmentsPerFlag = segments;
    return this;
  }

  public ModelRouterBuilder shadow(ShadowOptions options) {
    this.shadowOptions = Objects.requireNonNull(options, "shadow");
    return this;
  }

  /** Where shadow pairs go (default: {@code shadow-pairs.jsonl} in the working directory). */
  public ModelRouterBuilder shadowSink(ShadowSink sink) {
    this.shadowSink = Objects.requireNonNull(sink, "shadowSink");
    return this;
  }

  /** A judge for a sample of shadow pairs ({@link ShadowOptions#judgeSampleRate()}). */
  public ModelRouterBuilder judge(ShadowJudge shadowJudge) {
    this.judge = Objects.requireNonNull(shadowJudge, "judge");
    return this;
  }

  /**
   * Judges a sample of shadow pairs by asking {@code datedModelId}, a model id that pins its
   * version (such as {@code gpt-4o-2024-08-06}), on the named endpoint, with the default rubric in
   * both orders ({@link JudgeConfig#snapshot}).
   */
  public ModelRouterBuilder judgeWithEndpoint(String endpointName, String datedModelId) {
    return judgeWithEndpoint(endpointName, JudgeConfig.snapshot(datedModelId));
  }

  /** Judges a sample of shadow pairs with the judge {@code config} on the named endpoint. */
  public ModelRouterBuilder judgeWithEndpoint(String endpointName, JudgeConfig config) {
    if (endpoints.find(endpointName).isEmpty()) {
      throw new IllegalArgumentException(
          "judge endpoint '" + endpointName + "' is not in the endpoints file");
    }
    this.judgeEndpoint = endpointName;
    this.judgeConfig = Objects.requireNonNull(config, "judge config");
    return this;
  }

  /**
   * The judge that scores single live answers for {@link #liveJudging} (default: the judge model of
   * {@link #judgeWithEndpoint}, with the same pinned version and rubric, or a {@link #judge} that
   * is also an {@link AnswerJudge}).
   */
  public ModelRouterBuilder answerJudge(AnswerJudge judge) {
    this.answerJudge = Objects.requireNonNull(judge, "answerJudge");
    return this;
  }

  /**
   * Scores a sampled share of the live answers of the flags {@code judgedFlags} accepts (for
   * example those a rollout guard has in a canary step), with the same share for every variant and
   * within a per-flag budget, after each answer was returned; the scores and judge failures go to
   * the live signals the guard reads ({@code Rule.judgeScoreDrop}). Needs a judge ({@link
   * #answerJudge} or {@link #judgeWithEndpoint}).
   *
   * <pre>{@code
   * builder.judgeWithEndpoint("judge-pool", JudgeConfig.pinned("gpt-4o", "2024-08-06"))
   *     .liveJudging(LiveJudgeOptions.of(0.05, 120), flag -> guard.rollout(flag)
   *         .map(r -> r.state() == RolloutState.CANARY).orElse(false));
   * }</pre>
   */
  public ModelRouterBuilder liveJudging(LiveJudgeOptions options, Predicate<String> judgedFlags) {
    this.liveJudgeOptions = Objects.requireNonNull(options, "liveJudging options");
    this.judgedFlags = Objects.requireNonNull(judgedFlags, "judgedFlags");
    return this;
  }

  /**
   * On these flags, a request whose variant fails (endpoint error or configuration error) is served
   * by the flag's default variant instead, and counted as a fallback. Off by default.
   */
  public ModelRouterBuilder fallbackToDefaultOnError(String... flagKeys) {
    fallbackFlags.addAll(Arrays.asList(flagKeys));
    return this;
  }

  /** Patterns that mark an answer as a refusal (searched, not matched whole). */
  public ModelRouterBuilder refusalPatterns(List<Pattern> patterns) {
    this.refusalPatterns = List.copyOf(patterns);
    return this;
  }

  /** Answers shorter than this many characters (trimmed) count as empty or short (default 2). */
  public ModelRouterBuilder shortAnswerChars(int chars) {
    if (chars < 0) {
      throw new IllegalArgumentException("shortAnswerChars: expected 0 or more");
    }
    this.shortAnswerChars = chars;
    return this;
  }

  public ModelRouter build() {
    boolean scoresAnswers =
        answerJudge != null
            || (judge != null ? judge instanceof AnswerJudge : judgeEndpoint != null);
    if (liveJudgeOptions != null && !scoresAnswers) {
      throw new IllegalStateException(
          "liveJudging: no judge to score answers; expected answerJudge(...) or"
              + " judgeWithEndpoint(...)");
    }
    if (modelTransport == null) {
      modelTransport =
          ModelTransport.jdk(
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(Duration.ofSeconds(10))
                  .build());
    }
    if (shadowSignals == null) {
      shadowSignals = VariantStats.bySegment(signals.segmentAttribute());
    }
    if (evalSignals == null) {
      evalSignals = VariantStats.bySegment(signals.segmentAttribute());
    }
    return new ModelRouter(this);
  }

  ShadowSink shadowSink() {
    return shadowSink != null
        ? shadowSink
        : JsonLinesShadowSink.appendingTo(Path.of("shadow-pairs.jsonl"));
  }

  /** The live judging asked for, scoring with {@code shadowJudge} when no answer judge was set. */
  Optional<LiveJudging> liveJudging(
      Optional<ShadowJudge> shadowJudge,
      Executor executor,
      VariantStats liveSignals,
      RouterEvents events) {
    if (liveJudgeOptions == null) {
      return Optional.empty();
    }
    AnswerJudge scorer =
        answerJudge != null ? answerJudge : (AnswerJudge) shadowJudge.orElseThrow();
    return Optional.of(
        new LiveJudging(scorer, liveJudgeOptions, judgedFlags, executor, liveSignals, events));
  }

  Optional<ShadowJudge> judge(ChatCompletionClient chatClient, Executor executor) {
    if (judge != null) {
      return Optional.of(judge);
    }
    if (judgeEndpoint == null) {
      return Optional.empty();
    }
    return Optional.of(
        new EndpointShadowJudge(
            chatClient, endpoints.find(judgeEndpoint).orElseThrow(), judgeConfig, executor, json));
  }
}
