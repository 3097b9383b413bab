package dev.llmrollout.router.demo;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.JsonLinesShadowSink;
import dev.llmrollout.router.LiveJudgeOptions;
import dev.llmrollout.router.ModelRouterBuilder;
import dev.llmrollout.router.ShadowOptions;
import dev.llmrollout.router.StandInJudge;
import dev.llmrollout.router.gateway.LocalFlagsBackend;
import dev.llmrollout.router.gateway.RouterStack;
import dev.llmrollout.spi.BackendFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm-router demo}: a canary that is better on average but refuses payment questions with
 * order data pasted inline, caught on that segment by the rollout guard and rolled back by itself,
 * all on loopback.
 */
@Command(
    name = "demo",
    description =
        "Run a self-contained canary on loopback that regresses on one segment and watch the"
            + " rollout guard roll it back.",
    mixinStandardHelpOptions = true)
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--requests",
      defaultValue = "40000",
      description = "Requests at most (default 40000).")
  long requests;

  @Option(
      names = "--sessions",
      defaultValue = "5000",
      description = "Distinct sessions (default 5000).")
  int sessions;

  @Option(
      names = "--concurrency",
      defaultValue = "32",
      description = "Requests in flight (default 32).")
  int concurrency;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of the traffic generator.")
  long seed;

  @Option(names = "--json", description = "Print only the summary, as JSON.")
  boolean json;

  @Option(
      names = "--shadow-gate",
      description =
          "Make the candidate a major version (2.0.0): an offline eval runs first (the guard"
              + " refuses to start without its passing report), then the candidate runs in shadow,"
              + " judged by a stand-in judge, and the shadow gate decides on the pairs before any"
              + " user sees it.")
  boolean shadowGate;

  @Option(
      names = "--good-candidate",
      description = "With --shadow-gate: a candidate without the payment regression.")
  boolean goodCandidate;

  @Option(
      names = "--live-judge",
      description =
          "The shadow gate lets a good v2.0.0 into the canary, where it starts hedging on half its"
              + " answers (success and refusal rates unchanged); the stand-in judge scores half of"
              + " both arms' live answers and the judge-score rule rolls it back. Implies"
              + " --shadow-gate.")
  boolean liveJudge;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("llm-router-demo");
    try {
      return runIn(dir, out);
    } finally {
      deleteRecursively(dir);
    }
  }

  private int runIn(Path dir, PrintWriter out) throws Exception {
    shadowGate |= liveJudge;
    AtomicReference<Rollout> started = new AtomicReference<>();
    try (DemoModel stable = new DemoModel("support-llm-2025-06", 40, 0.04, prompt -> false);
        DemoModel canary =
            new DemoModel(
                "support-llm-2025-09",
                30,
                0.01,
                goodCandidate || liveJudge ? prompt -> false : DemoTraffic::hasInlineOrderData);
        RouterStack stack =
            new RouterStack(
                backend(dir, shadowGate),
                endpoints(dir, stable, canary),
                builder ->
                    shadowGate
                        ? liveJudging(
                            builder
                                .shadow(
                                    ShadowOptions.custom()
                                        .threads(4)
                                        .queueCapacity(256)
                                        .judgeSampleRate(1.0)
                                        .build())
                                .judge(new StandInJudge())
                                .shadowSink(
                                    JsonLinesShadowSink.appendingTo(dir.resolve("shadow.jsonl"))),
                            started)
                        : builder)) {
      // With --json, only the summary reaches stdout.
      PrintWriter view = json ? new PrintWriter(Writer.nullWriter()) : out;
      view.printf(
          "flags file (removed at exit): %s%nstable v1.1.0 at %s, canary %s at %s%n%n",
          dir.resolve("flags.json"),
          stable.baseUrl(),
          shadowGate ? "v2.0.0" : "v1.2.0",
          canary.baseUrl());
      Optional<EvalStage> eval =
          shadowGate ? Optional.of(EvalStage.run(stack, dir)) : Optional.empty();
      eval.ifPresent(e -> e.print(view, "2.0.0"));
      DemoTimeline timeline = new DemoTimeline(stack.router().signals());
      ShadowStage shadowStage = new ShadowStage(stack.router().shadowPairs());
      LiveJudgeStage liveStage =
          new LiveJudgeStage(
              stack.router().signals(), () -> canary.startHedging(LiveJudgeStage.HEDGE_RATE));
      Rollout rollout;
      try {
        rollout = startRollout(stack, eval, timeline, shadowStage, liveStage);
      } catch (RolloutRefusedException e) {
        out.println("the guard refused to start the rollout: " + e.getMessage());
        return 1;
      }
      eval.ifPresent(
          e -> view.println("  the guard's eval gate found it and started the rollout in SHADOW"));
      started.set(rollout);
      DemoTraffic traffic = new DemoTraffic(stack.router(), sessions);
      timeline.trafficStarted(Instant.now());
      shadowStage.trafficStarted(Instant.now());
      liveStage.trafficStarted(Instant.now());
      run(traffic, stack, rollout, timeline, new LiveTable(view, System.console() != null));
      if (shadowGate) {
        shadowStage.print(view, traffic, !liveJudge);
        if (liveJudge) {
          liveStage.print(view, traffic);
        }
      } else {
        timeline.print(view, traffic, rollout, dir.resolve("flags.json"));
      }
      int exitCode = succeeded(rollout, traffic, liveStage) ? 0 : 1;
      if (json) {
        var summary = timeline.toJson(traffic, rollout).put("exitCode", exitCode);
        shadowStage.addTo(summary);
        eval.ifPresent(e -> e.addTo(summary));
        if (liveJudge) {
          liveStage.addTo(summary);
        }
        out.println(summary.toPrettyString());
      }
      return exitCode;
    }
  }

  /**
   * The canary demo succeeds when the guard rolled back and verified it; the shadow demo when the
   * shadow gate aborted a bad candidate with no session exposed, or let a good one into step 1; the
   * live judge demo when the judge-score rule rolled the canary back and it was verified.
   */
  private boolean succeeded(Rollout rollout, DemoTraffic traffic, LiveJudgeStage liveStage) {
    if (!shadowGate) {
      return rollout.state() == RolloutState.ROLLED_BACK && rollout.rollbackVerified();
    }
    if (liveJudge) {
      return rollout.state() == RolloutState.ROLLED_BACK
          && rollout.rollbackVerified()
          && liveStage.caughtByJudge();
    }
    if (goodCandidate) {
      return rollout.state() == RolloutState.CANARY;
    }
    return rollout.state() == RolloutState.ROLLED_BACK
        && rollout.rollbackVerified()
        && traffic.exposure().get("canary") == 0;
  }

  /** The demo leaves nothing behind: its flags file, audit trail and lock go with the directory. */
  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static BackendFactory.Backend backend(Path dir, boolean shadowGate) throws Exception {
    Files.writeString(
        dir.resolve("flags.json"),
        """
        {"flags": {"support-model": {"state": "ENABLED",
          "variants": {
            "stable": {"model": "support-llm-2025-06", "version": "1.1.0", "endpoint": "stable-pool",%s
              "prompt": {"id": "support", "version": "7", "messages": [
                {"role": "system", "content": "You are the support assistant of {{company}}."}]}},
            "canary": {"model": "support-llm-2025-09", "version": "%s", "endpoint": "canary-pool",
              "prompt": {"id": "support", "version": "7", "messages": [
                {"role": "system", "content": "You are the support assistant of {{company}}."}]}}},
          "defaultVariant": "stable"}}}
        """
            .formatted(
                shadowGate
                    ? "\n      \"shadow\": {\"variant\": \"canary\", \"sampleRate\": 1.0},"
                    : "",
                shadowGate ? "2.0.0" : "1.2.0"));
    return LocalFlagsBackend.open(dir.resolve("flags.json"), System::getenv);
  }

  private static EndpointRegistry endpoints(Path dir, DemoModel stable, DemoModel canary)
      throws Exception {
    Path file = dir.resolve("endpoints.json");
    Files.writeString(
        file,
        """
        {"endpoints": {
          "stable-pool": {"baseUrl": "%s", "apiKeyEnv": "DEMO_MODEL_KEY", "timeoutMs": 5000},
          "canary-pool": {"baseUrl": "%s", "apiKeyEnv": "DEMO_MODEL_KEY", "timeoutMs": 5000}}}
        """
            .formatted(stable.baseUrl(), canary.baseUrl()));
    return EndpointRegistry.load(file, name -> "demo-key-not-a-secret");
  }

  /**
   * With {@code --live-judge}, the stand-in judge also scores the flag's live answers while its
   * rollout is in a canary step (no budget: the demo's judge costs nothing).
   */
  private ModelRouterBuilder liveJudging(
      ModelRouterBuilder builder, AtomicReference<Rollout> rollout) {
    return liveJudge
        ? builder.liveJudging(
            LiveJudgeOptions.of(LiveJudgeStage.SAMPLE_RATE, 0),
            flag -> rollout.get() != null && rollout.get().state() == RolloutState.CANARY)
        : builder;
  }

  private Rollout startRollout(
      RouterStack stack,
      Optional<EvalStage> eval,
      DemoTimeline timeline,
      ShadowStage shadow,
      LiveJudgeStage live) {
    RolloutGuard.Builder builder = RolloutGuard.builder(stack.control(), stack.router().signals());
    eval.ifPresent(e -> builder.evalGate(e.gate(stack)));
    RolloutGuard guard =
        builder
            .shadowPairs(stack.router().shadowPairs())
            .override(stack.override())
            .probe(stack.evaluationProbe())
            .config(
                GuardConfig.custom()
                    .checkInterval(Duration.ofMillis(250))
                    .minSamplesForTest(50)
                    .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                    .actor("rollout-guard (demo)")
                    .build())
            .build();
    RolloutPlan.Builder plan =
        RolloutPlan.custom()
            .steps(5, 25, 50, 100)
            .minBake(Duration.ofSeconds(30))
            .minSamplesPerArm(500);
    if (shadowGate) {
      plan.shadow(Duration.ofSeconds(5), 500).maxStepDuration(Duration.ofMinutes(5));
    }
    Rollout rollout =
        guard.start(
            RolloutSpec.forFlag(DemoTraffic.FLAG)
                .stable("stable")
                .canary("canary")
                .versions("1.1.0", shadowGate ? "2.0.0" : "1.2.0")
                .plan(plan.build())
                .rules(liveJudge ? LiveJudgeStage.RULES : RuleSet.ofDefaults())
                .shadowRules(ShadowStage.RULES)
                .segments(DemoTraffic.INTENTS.toArray(String[]::new))
                .build());
    rollout.eventPublisher().onEvent(timeline::record);
    rollout.eventPublisher().onEvent(shadow::record);
    if (liveJudge) {
      rollout.eventPublisher().onEvent(live::record);
    }
    rollout.startChecking();
    return rollout;
  }

  /** The demo stops once the guard rolled back and verified it, or the shadow gate let it in. */
  private boolean finished(Rollout rollout) {
    if (liveJudge) {
      return rollout.state() == RolloutState.ROLLED_BACK
          ? rollout.rollbackVerified()
          : rollout.state().isFinal();
    }
    if (shadowGate && rollout.state() != RolloutState.SHADOW) {
      return rollout.state() != RolloutState.ROLLED_BACK || rollout.rollbackVerified();
    }
    return rollout.rollbackVerified();
  }

  private void run(
      DemoTraffic traffic,
      RouterStack stack,
      Rollout rollout,
      DemoTimeline timeline,
      LiveTable table)
      throws InterruptedException {
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    AtomicReference<Instant> stopAt = new AtomicReference<>(Instant.MAX);
    for (int w = 0; w < concurrency; w++) {
      Random random = new Random(seed + w);
      workers.submit(
          () -> {
            while (traffic.sent() < requests && Instant.now().isBefore(stopAt.get())) {
              traffic.sendOne(random);
            }
          });
    }
    workers.shutdown();
    while (!workers.awaitTermination(500, TimeUnit.MILLISECONDS)) {
      if (finished(rollout) && stopAt.get() == Instant.MAX) {
        stopAt.set(Instant.now().plusSeconds(2));
      }
      table.draw(stack.router().signals(), traffic.sent(), requests, timeline.status(rollout));
    }
    long sent = traffic.sent();
    // The bar ends at what was sent: the demo stops soon after the verified rollback.
    String stopped =
        sent < requests
            ? String.format(
                Locale.ROOT,
                "; stopped 2 s after the %s (--requests allowed %,d)",
                shadowGate && !liveJudge ? "shadow gate's decision" : "verified rollback",
                requests)
            : "";
    table.draw(stack.router().signals(), sent, sent, timeline.status(rollout) + stopped);
  }
}
