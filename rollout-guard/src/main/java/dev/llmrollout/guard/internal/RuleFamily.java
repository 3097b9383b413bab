package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.signals.SignalSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every rule over all traffic and over each segment, judged together: Holm's step-down correction
 * keeps the family-wise false-rollback rate at alpha however many segments appear (valid with
 * always-valid p-values at any stopping time), and hysteresis asks for N failing checks in a row.
 * Not thread-safe; its rollout serializes checks.
 */
public final class RuleFamily {
  private final RuleSet rules;
  private final RuleEvaluator evaluator;
  private final double alpha;
  private final int hysteresis;
  private final Map<String, Integer> consecutiveFailures = new HashMap<>();

  public RuleFamily(RuleSet rules, long minSamples, double alpha, int hysteresis) {
    this.rules = rules;
    this.evaluator = new RuleEvaluator(minSamples);
    this.alpha = alpha;
    this.hysteresis = hysteresis;
  }

  /** Tests every rule in every segment of {@code flagKey} and judges the family. */
  public List<RuleCheck> check(SignalSource signals, String flagKey, String stable, String canary) {
    Set<String> segments = new TreeSet<>(signals.segments(flagKey));
    int family = rules.rules().size() * (1 + segments.size());
    double ciAlpha = alpha / family;
    List<RuleCheck> raw = new ArrayList<>();
    for (Rule rule : rules.rules()) {
      raw.add(
          evaluator.evaluate(
              rule,
              RuleCheck.ALL_TRAFFIC,
              signals.arm(flagKey, stable),
              signals.arm(flagKey, canary),
              ciAlpha));
      for (String segment : segments) {
        raw.add(
            evaluator.evaluate(
                rule,
                segment,
                signals.arm(flagKey, stable, segment),
                signals.arm(flagKey, canary, segment),
                ciAlpha));
      }
    }
    return judge(raw);
  }

  private List<RuleCheck> judge(List<RuleCheck> raw) {
    List<RuleCheck> tested =
        raw.stream()
            .filter(RuleCheck::tested)
            .sorted(Comparator.comparingDouble(RuleCheck::pValue))
            .toList();
    Map<RuleCheck, Double> failingAt = new IdentityHashMap<>();
    int m = tested.size();
    for (int k = 0; k < m; k++) {
      double level = alpha / (m - k);
      if (tested.get(k).pValue() >= level) {
        break;
      }
      failingAt.put(tested.get(k), level);
    }
    List<RuleCheck> judged = new ArrayList<>(raw.size());
    for (RuleCheck check : raw) {
      String key = check.rule() + "|" + check.segment();
      boolean failing = failingAt.containsKey(check);
      int run = failing ? consecutiveFailures.merge(key, 1, Integer::sum) : 0;
      if (!failing) {
        consecutiveFailures.remove(key);
      }
      double level = failingAt.getOrDefault(check, check.alphaUsed());
      judged.add(check.judged(level, failing, run >= hysteresis));
    }
    return judged;
  }
}
