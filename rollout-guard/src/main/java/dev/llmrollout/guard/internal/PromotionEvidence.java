package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RuleCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a step still lacks before it may be promoted, besides bake time and sample: the power gate
 * in the first step (each rule over all traffic has the information to catch its regression to
 * detect) and non-inferiority in the step that takes the canary to 100 % (each rule's regression
 * shown below that size over all traffic and in each declared segment above the minimum share). The
 * first step's look ahead at its power gate is {@link FirstStepWidening}'s.
 */
final class PromotionEvidence {
  private final RolloutPlan plan;
  private final GuardConfig config;
  private final RuleFamily rules;

  PromotionEvidence(RolloutPlan plan, GuardConfig config, RuleFamily rules) {
    this.plan = plan;
    this.config = config;
    this.rules = rules;
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
                windows.get(windows.size() - 1).canaryPercent()));
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
}
