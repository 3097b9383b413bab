package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.ShadowRule;
import dev.llmrollout.guard.analysis.OneSidedMixture;
import dev.llmrollout.signals.PairCounters;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairCounts.Field;
import dev.llmrollout.signals.PairSignalSource;
import dev.llmrollout.signals.WindowedPairSignalSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The shadow gate: decides SHADOW -> first canary step on shadow pairs alone, before any user is
 * exposed. Every shadow rule over all pairs and each declared segment (plus "other") is one member
 * of a family fixed at the start; each member's paired harm ({@link PairedEstimate}) is tested with
 * the guard's one-sided mixture e-process against the rule's margin, Holm-corrected over the family
 * at the guard's alpha (as the canary rules are), with the same hysteresis. The gate passes when
 * every member over all pairs, and in each segment carrying {@code minSegmentShare} of the pairs,
 * is shown non-inferior (upper end below the margin, at {@code nonInferiorityAlpha}); it breaks
 * when a member's lower end is above the margin; it times out when neither happened within the
 * first step's maximum duration. Not thread-safe; its rollout serializes checks.
 */
public final class ShadowEvidence {

  /** What the gate decided at one check. */
  public enum Verdict {
    WAITING,
    PASSED,
    BROKEN,
    TIMED_OUT
  }

  /** One check's verdict, its rule checks and why. */
  public record Outcome(Verdict verdict, List<RuleCheck> checks, String reason, long pairs) {}

  private record Member(ShadowRule rule, String segment) {
    String key() {
      return rule.name() + "|" + segment;
    }
  }

  private record Tuning(OneSidedMixture mixture, double requiredInformation) {}

  private final PairSignalSource source;
  private final RolloutSpec spec;
  private final GuardConfig config;
  private final List<String> declared;
  private final List<Member> members = new ArrayList<>();
  private final Map<ShadowRule, Tuning> tunings = new HashMap<>();
  private final Map<String, Integer> consecutiveFailures = new HashMap<>();
  private PairCounters atStart = PairCounters.EMPTY;

  public ShadowEvidence(
      PairSignalSource source, RolloutSpec spec, List<String> segments, GuardConfig config) {
    this.source = source;
    this.spec = spec;
    this.config = config;
    this.declared = List.copyOf(segments);
    List<String> all = new ArrayList<>();
    all.add(RuleCheck.ALL_TRAFFIC);
    all.addAll(segments);
    if (!segments.isEmpty()) {
      all.add(RolloutSpec.OTHER_SEGMENT);
    }
    for (ShadowRule rule : spec.shadowRules().rules()) {
      all.forEach(segment -> members.add(new Member(rule, segment)));
    }
    double perTest = config.alpha() / members.size();
    for (ShadowRule rule : spec.shadowRules().rules()) {
      OneSidedMixture mixture =
          OneSidedMixture.tunedAt(
              OneSidedMixture.fixedHorizonInformation(rule.margin(), perTest, config.power()),
              perTest);
      tunings.put(
          rule,
          new Tuning(mixture, mixture.requiredInformation(rule.margin(), perTest, config.power())));
    }
  }

  /**
   * Starts the shadow window now: pairs recorded before never count. A windowed source is read from
   * the phase's start at each check (nothing to read now, so a source that is unavailable cannot
   * fail the start); an in-process one from a snapshot taken now.
   */
  public void begin() {
    if (!(source instanceof WindowedPairSignalSource)) {
      atStart = source.pairs(spec.flagKey(), spec.stable(), spec.canary());
    }
    consecutiveFailures.clear();
  }

  /** How many tests the correction runs over. */
  public int size() {
    return members.size();
  }

  /**
   * Judges the pairs of a shadow phase that began at {@code startedAt}: since {@link #begin} for an
   * in-process source, since {@code startedAt} (the recorded start, the same after a restart) for a
   * windowed one.
   *
   * @throws dev.llmrollout.signals.SignalsUnavailableException when a windowed source has no
   *     complete data: the guard holds, neither passing nor breaking the gate
   */
  public Outcome check(Instant now, Instant startedAt) {
    PairCounters window = window(startedAt, now);
    long pairs = window.all().total(Field.PAIRS);
    List<RuleCheck> checks = judge(window);
    List<RuleCheck> broken = checks.stream().filter(RuleCheck::broken).toList();
    if (!broken.isEmpty()) {
      return new Outcome(
          Verdict.BROKEN,
          checks,
          "shadow rule broken, no user exposed: " + describe(broken),
          pairs);
    }
    RolloutPlan.ShadowPhase phase = spec.plan().shadow().orElseThrow();
    List<String> missing = new ArrayList<>();
    if (now.isBefore(startedAt.plus(phase.minDuration()))) {
      missing.add("baking until " + startedAt.plus(phase.minDuration()));
    }
    if (pairs < phase.minSamples()) {
      missing.add("shadow has " + pairs + " of " + phase.minSamples() + " pairs");
    }
    for (RuleCheck check : checks) {
      boolean needed =
          check.segment().equals(RuleCheck.ALL_TRAFFIC)
              || share(window, check.segment()) >= config.minSegmentShare();
      if (needed && !check.nonInferior()) {
        missing.add(
            String.format(
                Locale.ROOT,
                "%s in %s not shown non-inferior (upper bound %.4f, %d samples)",
                check.rule(),
                check.segment(),
                check.upper(),
                check.canarySamples()));
      }
    }
    long judged = window.all().total(Field.JUDGED);
    long failed = window.all().total(Field.JUDGE_FAILURES);
    String judgeNote =
        String.format(Locale.ROOT, "%d pairs, %d judged, %d judge failures", pairs, judged, failed);
    if (missing.isEmpty()) {
      return new Outcome(
          Verdict.PASSED, checks, "shadow gate passed on evidence (" + judgeNote + ")", pairs);
    }
    Duration maxDuration = spec.plan().steps().get(0).maxDuration();
    String lacking = String.join("; ", missing) + " (" + judgeNote + ")";
    if (!now.isBefore(startedAt.plus(maxDuration))) {
      return new Outcome(
          Verdict.TIMED_OUT, checks, "shadow ran " + maxDuration + " and lacks: " + lacking, pairs);
    }
    return new Outcome(Verdict.WAITING, checks, "shadow waiting: " + lacking, pairs);
  }

  private PairCounters window(Instant startedAt, Instant now) {
    if (source instanceof WindowedPairSignalSource windowed) {
      return windowed.window(spec.flagKey(), spec.stable(), spec.canary(), startedAt, now);
    }
    return source.pairs(spec.flagKey(), spec.stable(), spec.canary()).minus(atStart);
  }

  private record Raw(Member member, PairedEstimate estimate, boolean tested, double logE) {}

  private List<RuleCheck> judge(PairCounters window) {
    List<Raw> raw = new ArrayList<>();
    for (Member member : members) {
      PairedEstimate e = PairedEstimate.of(member.rule(), counts(window, member.segment()));
      boolean tested = e.tested(config.minSamplesForTest(), RuleFamily.MIN_OCCUPIED_BUCKETS);
      double logE =
          tested
              ? tunings
                  .get(member.rule())
                  .mixture()
                  .logE((e.harm() - member.rule().margin()) * e.information(), e.information())
              : Double.NEGATIVE_INFINITY;
      raw.add(new Raw(member, e, tested, logE));
    }
    double[] levels = HolmLevels.of(raw.stream().mapToDouble(Raw::logE).toArray(), config.alpha());
    List<RuleCheck> checks = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Raw r = raw.get(i);
      boolean failing = levels[i] < 0;
      int run = failing ? consecutiveFailures.merge(r.member().key(), 1, Integer::sum) : 0;
      if (!failing) {
        consecutiveFailures.remove(r.member().key());
      }
      checks.add(toCheck(r, Math.abs(levels[i]), failing, run >= config.hysteresis()));
    }
    return checks;
  }

  private RuleCheck toCheck(Raw r, double level, boolean failing, boolean broken) {
    ShadowRule rule = r.member().rule();
    Tuning tuning = tunings.get(rule);
    PairedEstimate e = r.estimate();
    double info = e.information();
    double lower = Double.NaN;
    double upper = Double.NaN;
    if (r.tested()) {
      lower = e.harm() - tuning.mixture().boundary(info, level) / info;
      upper = e.harm() + tuning.mixture().boundary(info, config.nonInferiorityAlpha()) / info;
    }
    return new RuleCheck(
        rule.name(),
        r.member().segment(),
        e.primaryValue(),
        e.candidateValue(),
        e.harm(),
        lower,
        upper,
        r.tested() ? Math.min(1, Math.exp(-r.logE())) : 1,
        level,
        r.tested() ? info : 0,
        tuning.requiredInformation(),
        e.trials(),
        e.trials(),
        r.tested(),
        failing,
        broken,
        r.tested() && upper < rule.margin());
  }

  private PairCounts counts(PairCounters window, String segment) {
    if (segment.equals(RuleCheck.ALL_TRAFFIC)) {
      return window.all();
    }
    if (!segment.equals(RolloutSpec.OTHER_SEGMENT)) {
      return window.segment(segment);
    }
    PairCounts other = window.all();
    for (String value : declared) {
      other = other.minus(window.segment(value));
    }
    return other;
  }

  private double share(PairCounters window, String segment) {
    long all = window.all().total(Field.PAIRS);
    return all == 0 ? 0 : (double) counts(window, segment).total(Field.PAIRS) / all;
  }

  private static String describe(List<RuleCheck> broken) {
    return broken.stream()
        .map(
            c ->
                String.format(
                    Locale.ROOT,
                    "%s in %s (harm %.4f, CI [%.4f, %.4f], p=%.2g, n=%d)",
                    c.rule(),
                    c.segment(),
                    c.effect(),
                    c.lower(),
                    c.upper(),
                    c.pValue(),
                    c.canarySamples()))
        .collect(Collectors.joining("; "));
  }
}
