package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.Metric.Direction;
import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.guard.analysis.OneSidedMixture;
import dev.llmrollout.signals.UnitBuckets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every rule over all traffic and over each segment declared at the start (plus "other"): a family
 * fixed before the first check, whatever values appear later. Each member is one one-sided mixture
 * e-process over the stratified comparison of all steps so far; Holm's step-down correction over
 * the whole family (untested members count with p = 1) keeps the family-wise false-rollback rate at
 * alpha at any stopping time, and hysteresis asks for N failing checks in a row. Not thread-safe;
 * its rollout serializes checks.
 */
public final class RuleFamily {
  /** A member is tested once each arm spans this many unit buckets. */
  static final int MIN_OCCUPIED_BUCKETS = UnitBuckets.COUNT / 4;

  /** The family's members: one rule in one segment. */
  private record Member(Rule rule, String segment) {
    String key() {
      return rule.name() + "|" + segment;
    }
  }

  /** What the statistics of one rule need, computed once per rollout. */
  private record Tuning(OneSidedMixture mixture, double requiredInformation) {}

  private final List<Member> members = new ArrayList<>();
  private final Map<Rule, Tuning> tunings = new HashMap<>();
  private final RuleInputs inputs;
  private final GuardConfig config;
  private final Map<String, Integer> consecutiveFailures = new HashMap<>();
  private final Map<String, Double> designEffects = new HashMap<>();

  /** The family of {@code rules} over all traffic and {@code segments} (fixed now). */
  public RuleFamily(RuleSet rules, List<String> segments, GuardConfig config) {
    this.config = config;
    this.inputs = new RuleInputs(segments);
    List<String> all = new ArrayList<>();
    all.add(RuleCheck.ALL_TRAFFIC);
    all.addAll(segments);
    if (!segments.isEmpty()) {
      all.add(dev.llmrollout.guard.RolloutSpec.OTHER_SEGMENT);
    }
    for (Rule rule : rules.rules()) {
      for (String segment : all) {
        members.add(new Member(rule, segment));
      }
    }
    double perTest = config.alpha() / members.size();
    for (Rule rule : rules.rules()) {
      double detect = detect(rule);
      OneSidedMixture mixture =
          OneSidedMixture.tunedAt(
              OneSidedMixture.fixedHorizonInformation(detect, perTest, config.power()), perTest);
      tunings.put(
          rule, new Tuning(mixture, mixture.requiredInformation(detect, perTest, config.power())));
    }
  }

  /** How many tests the correction runs over. */
  public int size() {
    return members.size();
  }

  /** Tests every member on {@code windows} (oldest first) and judges the family. */
  public List<RuleCheck> check(List<StepWindows.Window> windows) {
    List<Raw> raw = new ArrayList<>(members.size());
    for (Member member : members) {
      raw.add(measure(member, windows));
    }
    return judge(raw);
  }

  /**
   * The design effect of {@code rule} over all traffic at the latest check: its variance over the
   * variance of independent requests (NaN when untested).
   */
  double designEffect(String rule) {
    return designEffects.getOrDefault(rule, Double.NaN);
  }

  /** The share of all requests in the windows that {@code segment} carried. */
  public double share(String segment, List<StepWindows.Window> windows) {
    long all = inputs.requests(RuleCheck.ALL_TRAFFIC, windows);
    return all == 0 ? 0 : (double) inputs.requests(segment, windows) / all;
  }

  private record Raw(Member member, StratifiedComparison.Estimate estimate, double logE) {}

  private Raw measure(Member member, List<StepWindows.Window> windows) {
    Rule rule = member.rule();
    List<StratifiedComparison.Window> ruleWindows = new ArrayList<>(windows.size());
    for (StepWindows.Window window : windows) {
      ruleWindows.add(inputs.window(rule, member.segment(), window));
    }
    StratifiedComparison comparison =
        new StratifiedComparison(
            rule.comparison(),
            rule.direction() == Direction.HIGHER_IS_WORSE,
            config.minSamplesForTest(),
            MIN_OCCUPIED_BUCKETS);
    StratifiedComparison.Estimate estimate = comparison.estimate(ruleWindows);
    if (member.segment().equals(RuleCheck.ALL_TRAFFIC)) {
      designEffects.put(rule.name(), estimate.designEffect());
    }
    double logE =
        estimate.tested()
            ? tunings
                .get(rule)
                .mixture()
                .logE(
                    (estimate.harm() - tolerated(rule)) * estimate.information(),
                    estimate.information())
            : Double.NEGATIVE_INFINITY;
    return new Raw(member, estimate, logE);
  }

  private List<RuleCheck> judge(List<Raw> raw) {
    List<Raw> byEvidence =
        raw.stream().sorted(Comparator.comparingDouble(Raw::logE).reversed()).toList();
    Map<Raw, Double> levels = new java.util.IdentityHashMap<>();
    int m = byEvidence.size();
    boolean rejecting = true;
    for (int k = 0; k < m; k++) {
      Raw r = byEvidence.get(k);
      double level = config.alpha() / (m - k);
      rejecting = rejecting && r.logE() >= Math.log(1 / level);
      // A member past the first acceptance is judged at the level it would have had.
      levels.put(r, level);
      if (rejecting) {
        levels.put(r, -level);
      }
    }
    List<RuleCheck> checks = new ArrayList<>(raw.size());
    for (Raw r : raw) {
      double signed = levels.get(r);
      boolean failing = signed < 0;
      int run = failing ? consecutiveFailures.merge(r.member().key(), 1, Integer::sum) : 0;
      if (!failing) {
        consecutiveFailures.remove(r.member().key());
      }
      checks.add(toCheck(r, Math.abs(signed), failing, run >= config.hysteresis()));
    }
    return checks;
  }

  private RuleCheck toCheck(Raw r, double level, boolean failing, boolean broken) {
    Rule rule = r.member().rule();
    Tuning tuning = tunings.get(rule);
    StratifiedComparison.Estimate e = r.estimate();
    double info = e.information();
    double lower = Double.NaN;
    double upper = Double.NaN;
    if (e.tested()) {
      lower = e.harm() - tuning.mixture().boundary(info, level) / info;
      upper = e.harm() + tuning.mixture().boundary(info, config.nonInferiorityAlpha()) / info;
    }
    return new RuleCheck(
        rule.name(),
        r.member().segment(),
        e.stableRate(),
        e.canaryRate(),
        e.harm(),
        lower,
        upper,
        e.tested() ? Math.min(1, Math.exp(-r.logE())) : 1,
        level,
        info,
        tuning.requiredInformation(),
        e.stableTrials(),
        e.canaryTrials(),
        e.tested(),
        failing,
        broken,
        e.tested() && upper < detect(rule));
  }

  private static double detect(Rule rule) {
    return rule.comparison() == dev.llmrollout.guard.Metric.Comparison.RELATIVE
        ? Math.log1p(rule.regressionToDetect())
        : rule.regressionToDetect();
  }

  private static double tolerated(Rule rule) {
    return rule.comparison() == dev.llmrollout.guard.Metric.Comparison.RELATIVE
        ? Math.log1p(rule.regressionTolerated())
        : rule.regressionTolerated();
  }
}
