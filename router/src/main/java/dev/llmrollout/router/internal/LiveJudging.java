package dev.llmrollout.router.internal;

import dev.llmrollout.router.AnswerJudge;
import dev.llmrollout.router.AnswerScore;
import dev.llmrollout.router.LiveJudgeOptions;
import dev.llmrollout.router.RouterEvent;
import dev.llmrollout.router.VariantStats;
import dev.llmrollout.variant.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a sampled share of live answers of the flags being judged (those in a canary step) to the
 * {@link AnswerJudge}, on a bounded pool after the answer was returned, and counts each score, or
 * each failure (never a score), in the live signals of the arm that answered: the rollout guard's
 * {@code judgeScoreDrop} rule reads them. The sample and the budget are per flag, the same for
 * every variant, so both arms are sampled alike. On the request's thread only a random draw, the
 * budget and a queue offer happen.
 */
public final class LiveJudging {
  private static final Logger LOG = LoggerFactory.getLogger(LiveJudging.class);

  private final AnswerJudge judge;
  private final LiveJudgeOptions options;
  private final Predicate<String> judgedFlags;
  private final Executor executor;
  private final VariantStats signals;
  private final RouterEvents events;
  private final Map<String, ShadowBudget> budgets = new ConcurrentHashMap<>();

  public LiveJudging(
      AnswerJudge judge,
      LiveJudgeOptions options,
      Predicate<String> judgedFlags,
      Executor executor,
      VariantStats signals,
      RouterEvents events) {
    this.judge = judge;
    this.options = options;
    this.judgedFlags = judgedFlags;
    this.executor = executor;
    this.signals = signals;
    this.events = events;
  }

  /** Maybe judges the answer a live call returned; never blocks and never throws. */
  public void offer(RoutedCall call, List<ChatMessage> messages, String answer) {
    String flagKey = call.model().flagKey();
    boolean judged =
        judgedFlags.test(flagKey)
            || call.prompt().map(p -> judgedFlags.test(p.flagKey())).orElse(false);
    if (call.pinned()
        || !judged
        || ThreadLocalRandom.current().nextDouble() >= options.sampleRate()) {
      return;
    }
    ShadowBudget budget =
        budgets.computeIfAbsent(flagKey, k -> new ShadowBudget(options.callsPerMinute(), 0));
    if (!budget.tryAcquire()) {
      events.count(RouterEvent.LIVE_JUDGE_OVER_BUDGET, flagKey);
      return;
    }
    try {
      executor.execute(() -> score(call, messages, answer));
    } catch (RejectedExecutionException e) {
      events.count(RouterEvent.LIVE_JUDGE_DROPPED, flagKey);
    }
  }

  private void score(RoutedCall call, List<ChatMessage> messages, String answer) {
    try {
      judge
          .score(messages, answer)
          .whenComplete(
              (score, failure) -> {
                if (failure != null || score == null) {
                  failed(call, failure);
                } else {
                  scored(call, score);
                }
              });
    } catch (RuntimeException e) {
      failed(call, e);
    }
  }

  private void scored(RoutedCall call, AnswerScore score) {
    call.recordJudgeScore(signals, score.score());
    events.count(RouterEvent.LIVE_JUDGED, call.model().flagKey());
  }

  private void failed(RoutedCall call, Throwable failure) {
    call.recordJudgeFailure(signals);
    events.count(RouterEvent.LIVE_JUDGE_FAILED, call.model().flagKey());
    LOG.debug(
        "{}: live judge call failed: {}",
        call.where(),
        failure == null ? "no score" : failure.toString());
  }
}
