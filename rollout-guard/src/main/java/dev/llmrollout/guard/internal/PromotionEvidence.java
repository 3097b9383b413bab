package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RuleCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a step still lacks before it may be promoted, besides bake time and sample: the power gate
 * in the first step (each rule over all traffic has the information to catch its regression to
 * detect) and non-inferiority in the step that takes the canary to 100 % (each rule's regression
 * shown below that size over all traffic and in each declared segment above the minimum share).
 *
 * <p>The power gate also looks ahead: once a share has baked, it projects each unpowered rule's
 * information at the step's deadline ({@link InformationProjection}); when a rule cannot get there
 * at the current share, the first step widens to the plan's next {@link
 * RolloutPlan#firstStepWidening() share}, and when no share is left it alerts once, long before the
 * deadline, instead of idling until it. Not thread-safe; its rollout serializes checks.
 */
final class PromotionEvidence {
  private final RolloutPlan plan;
  private final GuardConfig config;
  private final RuleFamily rules;
  private final Map<String, InformationProjection> projections = new HashMap<>();
  private Instant shareStartedAt;
  private int widenings;
  private boolean shortfallAlerted;

  /**
   * A projected shortfall of the first step: the wider share to write, or NaN when the plan has
   * none left (then the rollout alerts once and keeps gathering until the step's deadline).
   */
  record Shortfall(double widenTo, String why) {
    boolean widens() {
      return !Double.isNaN(widenTo);
    }
  }

  PromotionEvidence(RolloutPlan plan, GuardConfig config, RuleFamily rules) {
    this.plan = plan;
    this.config = config;
    this.rules = rules;
  }

  /** The first step's current share: its planned one, or the last it widened to. */
  double firstStepPercent() {
    return widenings == 0
        ? plan.steps().get(0).percent()
        : plan.firstStepWidening().get(widenings - 1);
  }

  /** What step {@code step} still lacks, one sentence per item; empty when it may be promoted. */
  List<String> missing(int step, List<RuleCheck> checks, List<StepWindows.Window> windows) {
    List<String> missing = new ArrayList<>();
    if (plan.evidence() == RolloutPlan.Evidence.BAKE_ONLY) {
      return missing;
    }
    int last = plan.steps().size() - 1;
    for (RuleCheck check : checks) {
      boolean allTraffic = check.segment().equals(RuleCheck.ALL_TRAFFIC);
      if (step == 0 && step < last && allTraffic && !check.powered()) {
        missing.add(
            String.format(
                Locale.ROOT,
                "%s has %.0f%% of the information to catch its regression (canary at %s%%)",
                check.rule(),
                100 * (check.tested() ? check.information() / check.requiredInformation() : 0),
                firstStepPercent()));
      }
      boolean needed =
          allTraffic || rules.share(check.segment(), windows) >= config.minSegmentShare();
      if (step == last - 1 && needed && !check.nonInferior()) {
        missing.add(
            String.format(
                Locale.ROOT,
                "%s in %s not shown non-inferior (upper bound %.4f)",
                check.rule(),
                check.segment(),
                check.upper()));
      }
    }
    return missing;
  }

  /**
   * Feeds this check of the first step to the projections and reports a shortfall: a rule over all
   * traffic, unpowered, whose information projected at the step's deadline falls short after the
   * current share baked. Empty otherwise (also outside the first step), and after the one report
   * that no wider share is left.
   */
  Optional<Shortfall> shortfall(
      int step, Instant now, Instant stepStartedAt, CanaryStep current, List<RuleCheck> checks) {
    if (step != 0 || plan.evidence() == RolloutPlan.Evidence.BAKE_ONLY || plan.steps().size() < 2) {
      return Optional.empty();
    }
    if (shareStartedAt == null) {
      shareStartedAt = stepStartedAt;
    }
    Instant deadline = stepStartedAt.plus(current.maxDuration());
    boolean baked = !now.isBefore(shareStartedAt.plus(current.minBake()));
    for (RuleCheck check : checks) {
      if (!check.segment().equals(RuleCheck.ALL_TRAFFIC) || !check.tested()) {
        continue;
      }
      InformationProjection projection =
          projections.computeIfAbsent(
              check.rule(),
              r -> new InformationProjection(seconds(stepStartedAt), seconds(shareStartedAt), 0));
      projection.observe(seconds(now), check.information(), rules.designEffect(check.rule()));
      double projected = projection.projected(seconds(deadline));
      if (baked && !check.powered() && projected < check.requiredInformation()) {
        return shortfallOf(deadline, check, projected);
      }
    }
    return Optional.empty();
  }

  /** The first step widened at {@code now}: each projection restarts at the new share. */
  void widened(Instant now, Instant stepStartedAt) {
    widenings++;
    shareStartedAt = now;
    projections.replaceAll(
        (rule, old) ->
            new InformationProjection(
                seconds(stepStartedAt), seconds(now), old.independentInformation()));
  }

  private Optional<Shortfall> shortfallOf(Instant deadline, RuleCheck check, double projected) {
    String why =
        String.format(
            Locale.ROOT,
            "%s projected to hold %.0f of the %.0f information it needs by %s at %s%% canary",
            check.rule(),
            projected,
            check.requiredInformation(),
            deadline,
            firstStepPercent());
    if (widenings < plan.firstStepWidening().size()) {
      double next = plan.firstStepWidening().get(widenings);
      return Optional.of(new Shortfall(next, why + "; step 1 widened to " + next + "%"));
    }
    if (!shortfallAlerted) {
      shortfallAlerted = true;
      return Optional.of(new Shortfall(Double.NaN, why + "; no wider first step in the plan"));
    }
    return Optional.empty();
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }
}
