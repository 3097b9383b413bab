package dev.llmrollout.router.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.JudgeVerdict;
import dev.llmrollout.router.RouterEvent;
import dev.llmrollout.router.ShadowJudge;
import dev.llmrollout.router.ShadowOptions;
import dev.llmrollout.router.ShadowRecord;
import dev.llmrollout.router.ShadowSink;
import dev.llmrollout.router.VariantStats;
import dev.llmrollout.signals.JudgePreference;
import dev.llmrollout.signals.PairObservation;
import dev.llmrollout.signals.PairRecorder;
import dev.llmrollout.variant.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs shadow calls on a bounded pool after the primary answered: a full queue drops the call (and
 * counts it) rather than making the user wait; a spent per-minute budget skips it. Each pair goes
 * to the sink, the shadow's outcome to the shadow signal store, the pair's differences to the pair
 * store (the guard's shadow gate reads them), and a sample to the judge, whose verdicts (and
 * failures, which are never a verdict) go to the pair store too.
 */
public final class ShadowRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowRunner.class);

  private final ShadowOptions options;
  private final ThreadPoolExecutor executor;
  private final ShadowCaller caller;
  private final AnswerInspector inspector;
  private final ShadowSink sink;
  private final PairRecorder pairs;
  private final RouterEvents events;
  private final Map<String, ShadowBudget> budgets = new ConcurrentHashMap<>();
  private volatile ShadowJudge judge;

  public ShadowRunner(
      ShadowOptions options,
      ChatCompletionClient client,
      ObjectMapper json,
      AnswerInspector inspector,
      ShadowSink sink,
      VariantStats shadowStats,
      PairRecorder pairs,
      GenAiMetrics metrics,
      RouterEvents events) {
    this.options = options;
    this.caller = new ShadowCaller(client, json, inspector, shadowStats, metrics);
    this.inspector = inspector;
    this.sink = sink;
    this.pairs = pairs;
    this.events = events;
    AtomicInteger threadNumber = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            options.threads(),
            options.threads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(options.queueCapacity()),
            r -> {
              Thread thread = new Thread(r, "llm-router-shadow-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /** The pool shadow and judge calls run on. */
  public ExecutorService executor() {
    return executor;
  }

  public void judge(ShadowJudge shadowJudge) {
    this.judge = shadowJudge;
  }

  /** Queues the shadow call; returns false when the budget is spent or the queue is full. */
  public boolean submit(ShadowTask task) {
    ShadowBudget budget =
        budgets.computeIfAbsent(
            task.flagKey() + '/' + task.shadowVariant(),
            k -> new ShadowBudget(options.requestsPerMinute(), options.tokensPerMinute()));
    if (!budget.tryAcquire()) {
      events.count(RouterEvent.SHADOW_OVER_BUDGET, task.flagKey());
      return false;
    }
    try {
      executor.execute(() -> run(task, budget));
    } catch (RejectedExecutionException e) {
      events.count(RouterEvent.SHADOW_DROPPED, task.flagKey());
      return false;
    }
    events.count(RouterEvent.SHADOW_SUBMITTED, task.flagKey());
    return true;
  }

  /** Shadow log lines carry the shadow variant's tags, as the router's own lines do. */
  private void run(ShadowTask task, ShadowBudget budget) {
    MDC.put("llm.flag", task.flagKey());
    MDC.put("llm.variant", task.shadowVariant());
    MDC.put("llm.model", task.shadow().model().orElse(""));
    MDC.put("llm.modelVersion", task.shadow().version().orElse(""));
    MDC.put("llm.traffic", "shadow");
    try {
      runPair(task, budget);
    } catch (RuntimeException e) {
      if (!executor.isShutdown()) {
        throw e;
      }
      // The router closed under a call still in flight (its watchdog or sink already gone).
      events.count(RouterEvent.SHADOW_DROPPED, task.flagKey());
      LOG.debug("flag '{}': shadow call abandoned at shutdown: {}", task.flagKey(), e.toString());
    } finally {
      List.of("llm.flag", "llm.variant", "llm.model", "llm.modelVersion", "llm.traffic")
          .forEach(MDC::remove);
    }
  }

  private void runPair(ShadowTask task, ShadowBudget budget) {
    ShadowCaller.Answer answer = caller.call(task, budget);
    ShadowRecord.Side shadowSide = answer.side();
    ShadowRecord.Side primary = task.primary();
    ShadowRecord pair =
        new ShadowRecord(
            Instant.now(),
            hash(task.flagKey(), task.primaryMessages()),
            task.flagKey(),
            primary,
            shadowSide,
            new ShadowRecord.Diff(
                shadowSide.content().length() - primary.content().length(),
                primary.error().isEmpty() && inspector.refusal(primary.content()),
                shadowSide.error().isEmpty() && inspector.refusal(shadowSide.content()),
                inspector.validJson(primary.content()),
                inspector.validJson(shadowSide.content())));
    recordPair(task, pair, answer);
    try {
      sink.record(pair);
      events.count(RouterEvent.SHADOW_RECORDED, task.flagKey());
    } catch (RuntimeException e) {
      if (executor.isShutdown()) {
        throw e;
      }
      events.count(RouterEvent.SHADOW_SINK_FAILED, task.flagKey());
      LOG.warn(
          "flag '{}' shadow '{}': the shadow sink failed: {}",
          task.flagKey(),
          task.shadowVariant(),
          e.toString());
      return;
    }
    maybeJudge(task, pair);
  }

  private void recordPair(ShadowTask task, ShadowRecord pair, ShadowCaller.Answer answer) {
    ShadowRecord.Side primary = pair.primary();
    ShadowRecord.Side shadow = pair.shadow();
    pairs.record(
        task.flagKey(),
        primary.variant(),
        shadow.variant(),
        task.segment(),
        task.targetingKey(),
        new PairObservation(
            primary.error().isPresent(),
            shadow.error().isPresent(),
            pair.diff().primaryRefusal(),
            pair.diff().shadowRefusal(),
            task.jsonRequested(),
            pair.diff().primaryValidJson(),
            pair.diff().shadowValidJson(),
            primary.latencyMillis(),
            shadow.latencyMillis(),
            primary.inputTokens() + primary.outputTokens(),
            shadow.inputTokens() + shadow.outputTokens(),
            primary.content().length(),
            shadow.content().length(),
            task.primaryOutcome().costUsd().orElse(Double.NaN),
            answer.cost().orElse(Double.NaN),
            millis(task.primaryOutcome().firstTokenNanos()),
            millis(answer.firstTokenNanos())));
  }

  /** Nanoseconds in milliseconds; NaN for -1 (not streamed). */
  private static double millis(long nanos) {
    return nanos < 0 ? Double.NaN : nanos / 1e6;
  }

  private void maybeJudge(ShadowTask task, ShadowRecord pair) {
    ShadowJudge current = judge;
    if (current == null
        || pair.primary().error().isPresent()
        || pair.shadow().error().isPresent()
        || ThreadLocalRandom.current().nextDouble() >= options.judgeSampleRate()) {
      return;
    }
    try {
      current
          .judge(task.primaryMessages(), pair)
          .whenComplete(
              (verdict, failure) -> {
                if (failure != null || verdict == null) {
                  judgeFailed(task, pair);
                  return;
                }
                pairs.recordVerdict(
                    task.flagKey(),
                    pair.primary().variant(),
                    pair.shadow().variant(),
                    task.segment(),
                    task.targetingKey(),
                    preference(verdict),
                    verdict.score());
                sink.verdict(pair, verdict);
                events.count(RouterEvent.JUDGED, task.flagKey());
              });
    } catch (RejectedExecutionException e) {
      judgeFailed(task, pair);
    }
  }

  private void judgeFailed(ShadowTask task, ShadowRecord pair) {
    events.count(RouterEvent.JUDGE_FAILED, task.flagKey());
    pairs.recordJudgeFailure(
        task.flagKey(),
        pair.primary().variant(),
        pair.shadow().variant(),
        task.segment(),
        task.targetingKey());
  }

  private static JudgePreference preference(JudgeVerdict verdict) {
    return switch (verdict.preferred()) {
      case "primary" -> JudgePreference.PRIMARY;
      case "shadow" -> JudgePreference.CANDIDATE;
      default -> JudgePreference.TIE;
    };
  }

  static String hash(String flagKey, List<ChatMessage> messages) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(flagKey.getBytes(StandardCharsets.UTF_8));
      for (ChatMessage message : messages) {
        digest.update((byte) 0);
        digest.update(message.role().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(message.content().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
