package dev.llmrollout.router.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.router.JudgeVerdict;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.RetryPolicy;
import dev.llmrollout.router.ShadowJudge;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 10.2: every case through both variants, bounded, with reported retries")
class EvalRunnerTest {
  private static final RetryPolicy FAST =
      RetryPolicy.of(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private final RouterHarness harness = new RouterHarness();
  private final EvalCaseReader reader = new EvalCaseReader();

  @AfterEach
  void close() {
    harness.close();
  }

  private EvalCase evalCase(int line, String id, String intent, String content, String checks) {
    return reader.parse(
        line,
        "{\"id\": \""
            + id
            + "\", \"intent\": \""
            + intent
            + "\", \"messages\": [{\"role\": \"user\", \"content\": \""
            + content
            + "\"}], \"variables\": {\"product\": \"Acme\"}, \"checks\": "
            + checks
            + "}");
  }

  private EvalRunner runner(ModelRouter router, int concurrency, Optional<ShadowJudge> judge) {
    return new EvalRunner(router, RouterHarness.MODEL_FLAG, FAST, concurrency, judge);
  }

  @Test
  @DisplayName("both variants answer every case, with the variant's prompt, whatever the split")
  void runsEveryCaseOnBothVariants() throws Exception {
    harness.canary.respond(
        r ->
            Reply.answer(
                r.message(1).contains("card ending") ? "I can't help with that." : "Sure"));
    ModelRouter router = harness.build(harness.router());
    List<EvalCase> cases = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      cases.add(evalCase(i + 1, "c" + i, "billing", "invoice " + i, "{\"notRefusal\": true}"));
    }
    cases.add(
        evalCase(11, "pay", "payment", "Order #A-1, card ending 4242", "{\"notRefusal\": true}"));
    List<Integer> progress = new CopyOnWriteArrayList<>();

    List<VariantOutcome.Pair> pairs =
        runner(router, 4, Optional.empty())
            .run(cases, "stable", "canary", (done, total, retries) -> progress.add(done));

    assertThat(pairs).hasSize(11);
    assertThat(pairs.get(10).evalCase().id()).isEqualTo("pay");
    assertThat(pairs.get(10).regressed()).isTrue();
    assertThat(pairs.get(10).candidate().failures()).containsExactly("is a refusal");
    assertThat(pairs.subList(0, 10)).allSatisfy(p -> assertThat(p.regressed()).isFalse());
    assertThat(harness.stable.received()).hasSize(11);
    assertThat(harness.canary.received()).hasSize(11);
    assertThat(harness.canary.received().get(0).message(0)).isEqualTo("You help with Acme.");
    assertThat(progress).hasSize(22).contains(22);
    assertThat(router.evalSignals().arm(RouterHarness.MODEL_FLAG, "canary", "payment").refusals())
        .isEqualTo(1);
    assertThat(router.signals().arm(RouterHarness.MODEL_FLAG, "canary").requests()).isZero();
  }

  @Test
  @DisplayName("transient errors are retried and reported; a persistent one fails the case")
  void retriesAreReportedNotHidden() throws Exception {
    harness.canary.enqueue(Reply.status(503), Reply.status(429));
    ModelRouter router = harness.build(harness.router().retry(RetryPolicy.none()));
    EvalCase c = evalCase(1, "c1", "billing", "hi", "{\"notRefusal\": true}");

    VariantOutcome recovered = runner(router, 1, Optional.empty()).runCase(c, "canary");

    assertThat(recovered.passed()).isTrue();
    assertThat(recovered.attempts()).isEqualTo(3);
    assertThat(recovered.retriedErrors())
        .hasSize(2)
        .allSatisfy(e -> assertThat(e).startsWith("HTTP_STATUS"));

    harness.canary.respond(r -> Reply.status(503));
    VariantOutcome failed = runner(router, 1, Optional.empty()).runCase(c, "canary");
    assertThat(failed.passed()).isFalse();
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.retriedErrors()).hasSize(2);
    assertThat(failed.error()).get().asString().startsWith("HTTP_STATUS");

    harness.canary.respond(r -> Reply.status(400));
    VariantOutcome notRetried = runner(router, 1, Optional.empty()).runCase(c, "canary");
    assertThat(notRetried.attempts()).as("a 400 is not transient").isEqualTo(1);
    assertThat(notRetried.failures()).singleElement().asString().startsWith("call failed");
  }

  @Test
  @DisplayName("latency and token limits are checked on the routed answer")
  void latencyAndTokens() throws Exception {
    // Wide margins: a loaded machine must neither push stable past the bound nor time canary out.
    harness.canary.respond(r -> Reply.answer("long answer").tokens(10, 900).delayed(2_500));
    ModelRouter router = harness.build(harness.timeoutMs(10_000).router());
    EvalCase c =
        evalCase(1, "c1", "billing", "hi", "{\"maxLatencyMs\": 2000, \"maxOutputTokens\": 512}");

    VariantOutcome canary = runner(router, 1, Optional.empty()).runCase(c, "canary");
    VariantOutcome stable = runner(router, 1, Optional.empty()).runCase(c, "stable");

    assertThat(canary.failures())
        .hasSize(2)
        .anySatisfy(f -> assertThat(f).contains("more than 2000 ms"))
        .anySatisfy(f -> assertThat(f).isEqualTo("used 900 output tokens, more than 512"));
    assertThat(stable.passed()).isTrue();
    assertThat(stable.outputTokens()).isEqualTo(7);
  }

  @Test
  @DisplayName("a judge threshold is checked through the router's judge interface")
  void judgeThreshold() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    ShadowJudge judge =
        (request, pair) -> {
          asked.incrementAndGet();
          double score = pair.shadow().content().contains("canary") ? -0.6 : 0.1;
          return CompletableFuture.completedFuture(
              new JudgeVerdict(score < 0 ? "primary" : "shadow", score, "compared", "judge-model"));
        };
    ModelRouter router = harness.build(harness.router().judge(judge));
    EvalCase c =
        evalCase(
            1,
            "c1",
            "billing",
            "hi",
            "{\"judge\": {\"reference\": \"A helpful answer\", \"minScore\": -0.2}}");

    VariantOutcome canary = runner(router, 1, router.judge()).runCase(c, "canary");
    VariantOutcome stable = runner(router, 1, router.judge()).runCase(c, "stable");

    assertThat(asked).hasValue(2);
    assertThat(canary.passed()).isFalse();
    assertThat(canary.judgeScore()).hasValue(-0.6);
    assertThat(canary.failures()).containsExactly("judge score -0.6 is below -0.2");
    assertThat(stable.passed()).isTrue();
  }

  @Test
  @DisplayName("a judge check without a judge is bad input naming its line")
  void judgeCheckNeedsAJudge() {
    ModelRouter router = harness.build(harness.router());
    EvalCase c =
        evalCase(7, "c1", "billing", "hi", "{\"judge\": {\"reference\": \"A helpful answer\"}}");

    assertThatThrownBy(
            () ->
                runner(router, 1, Optional.empty())
                    .run(List.of(c), "stable", "canary", (d, t, r) -> {}))
        .isInstanceOf(EvalInputException.class)
        .hasMessageStartingWith("line 7, field 'checks.judge'");
  }
}
