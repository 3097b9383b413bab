package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.simulation.GuardHarness.Outcome;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One seeded rollout of a scenario: requests arrive (Poisson, at the model's rate) from the
 * population's keys, each is routed by the guard's current split, gets an outcome from the traffic
 * model, and is recorded; every {@link #TICK_SECONDS} seconds the clock moves and the guard's
 * scheduled check runs. Stops when the guard stops the rollout or at the horizon.
 */
final class ScenarioRun {
  static final int TICK_SECONDS = 10;

  /**
   * What one run ended with.
   *
   * @param state the final (or, at the horizon, current) state
   * @param sampleRatioHold true when the guard held the rollout on a unit split mismatch
   * @param stoppedAtStep the step index at which it was rolled back or held on the split, -1
   *     otherwise
   * @param requests requests served
   * @param canaryRequests of which the canary served
   * @param stepSeconds how long each step lasted, NaN for a step not completed
   * @param firstStepPercent the widest canary share the first step ran at (it widens when it cannot
   *     gather its evidence in time)
   * @param lastReason the reason of the guard's last audit record
   */
  record Result(
      RolloutState state,
      boolean sampleRatioHold,
      int stoppedAtStep,
      long requests,
      long canaryRequests,
      double[] stepSeconds,
      double firstStepPercent,
      String lastReason) {}

  private final Scenario scenario;
  private final TrafficModel model;
  private final double sqrtLatent;
  private final double sqrtFresh;
  private final double[][] successThreshold;
  private final double[] errorCut;

  /** Precomputes the scenario's thresholds and latent correlation, shared by all its runs. */
  ScenarioRun(Scenario scenario) {
    this.scenario = scenario;
    this.model = scenario.traffic();
    TrafficModel.Telemetry t = model.telemetry();
    double calibrationRate = t == null ? model.stableSuccessAtStart() : 1 - t.stableErrorRate();
    double latent = LatentCorrelation.latentFor(calibrationRate, model.withinUserCorrelation());
    sqrtLatent = Math.sqrt(latent);
    sqrtFresh = Math.sqrt(1 - latent);
    successThreshold = new double[model.segments().size()][2];
    for (int s = 0; s < successThreshold.length; s++) {
      TrafficModel.Segment segment = model.segments().get(s);
      successThreshold[s][0] = LatentCorrelation.threshold(segment.stableSuccess());
      successThreshold[s][1] = LatentCorrelation.threshold(segment.canarySuccess());
    }
    errorCut =
        t == null
            ? new double[0]
            : new double[] {
              LatentCorrelation.threshold(1 - t.stableErrorRate()),
              LatentCorrelation.threshold(1 - t.canaryErrorRate())
            };
  }

  /** Runs once with {@code seed}. */
  Result run(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Population population = Population.draw(model, random);
    GuardHarness guard =
        new GuardHarness(
            Scenario.plan(), scenario.rules(), scenario.config(), scenario.segmentNames());
    int steps = Scenario.plan().steps().size();
    double[] stepSeconds = new double[steps];
    Arrays.fill(stepSeconds, Double.NaN);
    double enteredAt = 0;
    int step = 0;
    long requests = 0;
    double seconds = 0;
    double firstStepPercent = guard.canaryPercent();
    while (requests < Scenario.HORIZON_REQUESTS && !guard.state().isFinal()) {
      int arrivals = poisson(random, TICK_SECONDS * model.rate(seconds + TICK_SECONDS / 2.0));
      for (int i = 0; i < arrivals && requests < Scenario.HORIZON_REQUESTS; i++, requests++) {
        serve(guard, population.next(random), seconds, random);
      }
      guard.advance(Duration.ofSeconds(TICK_SECONDS));
      seconds += TICK_SECONDS;
      if (guard.state() == RolloutState.CANARY && guard.step() == 0) {
        firstStepPercent = Math.max(firstStepPercent, guard.canaryPercent());
      }
      boolean promoted = guard.state() == RolloutState.PROMOTED;
      if (promoted || (guard.state() == RolloutState.CANARY && guard.step() != step)) {
        stepSeconds[step] = seconds - enteredAt;
        enteredAt = seconds;
        step = promoted ? step : guard.step();
      }
    }
    RolloutState end = guard.state();
    boolean sampleRatioHold = guard.heldOnSampleRatio();
    boolean stopped = end == RolloutState.ROLLED_BACK || sampleRatioHold;
    return new Result(
        end,
        sampleRatioHold,
        stopped ? step : -1,
        requests,
        guard.canaryRequests(),
        stepSeconds,
        firstStepPercent,
        guard.lastReason());
  }

  private void serve(
      GuardHarness guard, Population.User user, double seconds, SplittableRandom random) {
    int segment = segmentAt(seconds, random.nextDouble());
    boolean canary = guard.servesCanary(user.key());
    int arm = canary ? 1 : 0;
    double latent = sqrtLatent * user.qualityEffect() + sqrtFresh * random.nextGaussian();
    TrafficModel.Telemetry t = model.telemetry();
    if (t == null) {
      double threshold = successThreshold[segment][arm] + model.qualityShift(seconds);
      Outcome outcome = latent < threshold ? Outcome.SUCCESS : Outcome.ERROR;
      guard.record(user.key(), segment, canary, outcome, Double.NaN, null);
      return;
    }
    double errorRate = canary ? t.canaryErrorRate() : t.stableErrorRate();
    Outcome outcome =
        latent > errorCut[arm]
            ? Outcome.ERROR
            : random.nextDouble() < t.refusalRate() / (1 - errorRate)
                ? Outcome.REFUSAL
                : Outcome.SUCCESS;
    double sigma = canary ? t.canaryLatencySigma() : t.stableLatencySigma();
    double logLatency =
        Math.sqrt(model.withinUserCorrelation()) * user.latencyEffect()
            + Math.sqrt(1 - model.withinUserCorrelation()) * random.nextGaussian();
    double latency = t.latencyMedianMillis() * Math.exp(sigma * logLatency);
    String feedback =
        random.nextDouble() < t.feedbackRate()
            ? (random.nextDouble() < t.thumbsDownShare() ? "thumbs_down" : "thumbs_up")
            : null;
    guard.record(user.key(), segment, canary, outcome, latency, feedback);
  }

  private int segmentAt(double seconds, double u) {
    double cumulative = 0;
    int last = model.segments().size() - 1;
    for (int s = 0; s < last; s++) {
      cumulative += model.share(s, seconds);
      if (u < cumulative) {
        return s;
      }
    }
    return last;
  }

  /** Knuth's Poisson sampler: fine for the small means of one tick. */
  static int poisson(SplittableRandom random, double mean) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int count = 0;
    while (product > limit) {
      product *= random.nextDouble();
      count++;
    }
    return count;
  }
}
