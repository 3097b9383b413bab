package dev.llmrollout.router.eval;

import dev.llmrollout.router.JudgeVerdict;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.RetryPolicy;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.router.RoutedResponse;
import dev.llmrollout.router.RoutingException;
import dev.llmrollout.router.ShadowJudge;
import dev.llmrollout.router.ShadowRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every case through the baseline and the candidate variant with the real router ({@link
 * ModelRouter#routeToVariant}), with bounded concurrency. Transient endpoint errors (no connection,
 * timeout, saturation, a broken read, HTTP 429 or 5xx) are retried with backoff and every retry is
 * reported in the outcome; anything else fails the case on that variant.
 *
 * <pre>{@code
 * EvalRunner runner = new EvalRunner(router, "support-model", RetryPolicy.ofDefaults(), 8,
 *     router.judge());
 * List<VariantOutcome.Pair> pairs = runner.run(cases, "stable", "canary", progress);
 * }</pre>
 */
public final class EvalRunner {
  private static final Duration JUDGE_TIMEOUT = Duration.ofMinutes(2);

  /** Told after every finished call. */
  @FunctionalInterface
  public interface Progress {
    void advanced(int done, int total, int retries);
  }

  private final ModelRouter router;
  private final String flagKey;
  private final RetryPolicy retries;
  private final int concurrency;
  private final Optional<ShadowJudge> judge;

  public EvalRunner(
      ModelRouter router,
      String flagKey,
      RetryPolicy retries,
      int concurrency,
      Optional<ShadowJudge> judge) {
    if (concurrency < 1) {
      throw new EvalInputException(0, "--concurrency", "expected at least 1, found " + concurrency);
    }
    this.router = Objects.requireNonNull(router, "router");
    this.flagKey = Objects.requireNonNull(flagKey, "flagKey");
    this.retries = Objects.requireNonNull(retries, "retries");
    this.concurrency = concurrency;
    this.judge = Objects.requireNonNull(judge, "judge");
  }

  /** Runs {@code cases} on both variants and pairs the outcomes, in the cases' order. */
  public List<VariantOutcome.Pair> run(
      List<EvalCase> cases, String baseline, String candidate, Progress progress)
      throws InterruptedException {
    for (EvalCase c : cases) {
      if (c.judge().isPresent() && judge.isEmpty()) {
        throw new EvalInputException(
            c.line(), "checks.judge", "needs a judge: pass --judge-endpoint and --judge-model");
      }
    }
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    AtomicInteger done = new AtomicInteger();
    AtomicInteger retried = new AtomicInteger();
    int total = cases.size() * 2;
    try {
      List<CompletableFuture<VariantOutcome>> base = new ArrayList<>();
      List<CompletableFuture<VariantOutcome>> cand = new ArrayList<>();
      for (EvalCase c : cases) {
        for (String variant : List.of(baseline, candidate)) {
          CompletableFuture<VariantOutcome> outcome =
              CompletableFuture.supplyAsync(
                  () -> {
                    VariantOutcome o = runCase(c, variant);
                    retried.addAndGet(o.retriedErrors().size());
                    progress.advanced(done.incrementAndGet(), total, retried.get());
                    return o;
                  },
                  workers);
          (variant.equals(baseline) ? base : cand).add(outcome);
        }
      }
      List<VariantOutcome.Pair> pairs = new ArrayList<>();
      for (int i = 0; i < cases.size(); i++) {
        pairs.add(new VariantOutcome.Pair(cases.get(i), join(base.get(i)), join(cand.get(i))));
      }
      return pairs;
    } finally {
      workers.shutdownNow();
      workers.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static VariantOutcome join(CompletableFuture<VariantOutcome> outcome)
      throws InterruptedException {
    try {
      return outcome.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("eval worker failed", e.getCause());
    }
  }

  /** One case on one variant, with retries for transient errors. */
  VariantOutcome runCase(EvalCase c, String variant) {
    RouteRequest.Builder request =
        RouteRequest.builder(flagKey)
            .sessionId("eval-" + c.id())
            .requestId("eval:" + c.id() + ":" + variant)
            .attribute("intent", c.intent())
            .variables(c.variables());
    c.messages().forEach(request::message);
    RouteRequest routed = request.build();
    List<String> retriedErrors = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      try {
        RoutedResponse response = router.routeToVariant(routed, variant);
        return judged(c, variant, response, attempt, retriedErrors);
      } catch (RoutingException e) {
        String error = e.kind() + ": " + e.getMessage();
        if (!isTransient(e) || attempt >= retries.maxAttempts()) {
          return new VariantOutcome(
              false,
              List.of("call failed: " + error),
              attempt,
              retriedErrors,
              Optional.of(error),
              -1,
              -1,
              OptionalDouble.empty());
        }
        retriedErrors.add(error);
        backOff(attempt + 1);
      }
    }
  }

  private VariantOutcome judged(
      EvalCase c, String variant, RoutedResponse response, int attempts, List<String> retried) {
    long outputTokens = response.usage().reported() ? response.usage().outputTokens() : -1;
    Answer answer =
        new Answer(response.content(), response.refusal(), response.latency(), outputTokens);
    List<String> failures = new ArrayList<>();
    c.checks().forEach(check -> check.failure(answer).ifPresent(failures::add));
    OptionalDouble score = OptionalDouble.empty();
    Optional<String> error = Optional.empty();
    if (c.judge().isPresent()) {
      try {
        double s = judge(c, variant, response);
        score = OptionalDouble.of(s);
        if (s < c.judge().get().minScore()) {
          failures.add("judge score " + s + " is below " + c.judge().get().minScore());
        }
      } catch (RuntimeException e) {
        // No verdict is no evaluation: the case errored, it did not fail.
        error = Optional.of("judge failed: " + e.getMessage());
        failures.add(error.get());
      }
    }
    return new VariantOutcome(
        failures.isEmpty(),
        failures,
        attempts,
        retried,
        error,
        response.latency().toMillis(),
        outputTokens,
        score);
  }

  /** Asks the judge to compare the reference (A, primary) with the variant's answer (B). */
  private double judge(EvalCase c, String variant, RoutedResponse response) {
    ShadowRecord.Side reference =
        new ShadowRecord.Side(
            "reference",
            "reference",
            Optional.empty(),
            "",
            c.judge().orElseThrow().reference(),
            Optional.empty(),
            0,
            0,
            0);
    ShadowRecord.Side answer =
        new ShadowRecord.Side(
            variant,
            response.model(),
            response.modelVersion(),
            response.endpoint(),
            response.content(),
            Optional.empty(),
            response.latency().toMillis(),
            response.usage().inputTokens(),
            response.usage().outputTokens());
    ShadowRecord pair =
        new ShadowRecord(
            Instant.now(),
            "eval:" + c.id(),
            flagKey,
            reference,
            answer,
            new ShadowRecord.Diff(
                response.content().length() - reference.content().length(),
                false,
                response.refusal(),
                false,
                false));
    try {
      JudgeVerdict verdict =
          judge
              .orElseThrow()
              .judge(c.messages(), pair)
              .toCompletableFuture()
              .get(JUDGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return verdict.score();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no verdict within " + JUDGE_TIMEOUT, e);
    }
  }

  private static boolean isTransient(RoutingException e) {
    return switch (e.kind()) {
      case CONNECT, TIMEOUT, SATURATED, IO -> true;
      case HTTP_STATUS -> e.httpStatus() == 429 || e.httpStatus() >= 500;
      default -> false;
    };
  }

  private void backOff(int attempt) {
    long ceiling = retries.ceilingBefore(attempt).toNanos();
    long nanos = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling);
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RoutingException(RoutingException.Kind.CANCELLED, "eval interrupted");
    }
  }
}
