package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.Metric;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.guard.ShadowRule;
import dev.llmrollout.guard.ShadowRuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the body of {@code POST /admin/flags/{key}/rollout} into a {@link RolloutSpec}. Every
 * mistake is a {@link HttpExchange.BadRequest} naming the flag, the field and what was expected.
 */
final class RolloutRequestReader {
  private static final Set<String> FIELDS =
      Set.of(
          "stable",
          "canary",
          "stableVersion",
          "canaryVersion",
          "plan",
          "evalReport",
          "force",
          "rules",
          "shadowRules");
  private static final Set<String> PLAN_FIELDS =
      Set.of(
          "steps",
          "minBake",
          "minSamplesPerArm",
          "maxStepDuration",
          "onStepTimeout",
          "shadowMinDuration",
          "shadowMinSamples");

  private final String flagKey;
  private final JsonNode body;
  private final JudgeEvidence judge;

  /**
   * @param judge the judge evidence the guard's rollouts can get: a judge rule without it is
   *     refused
   */
  RolloutRequestReader(String flagKey, JsonNode body, JudgeEvidence judge) {
    this.flagKey = flagKey;
    this.body = body;
    this.judge = judge;
    if (!body.isObject()) {
      throw invalid("the body", "a JSON object");
    }
    body.fieldNames()
        .forEachRemaining(
            name -> {
              if (!FIELDS.contains(name)) {
                throw invalid(name, "one of the fields " + FIELDS);
              }
            });
  }

  /** The eval report sent inline, if any. */
  Optional<JsonNode> evalReport() {
    JsonNode report = body.get("evalReport");
    if (report == null || report.isNull()) {
      return Optional.empty();
    }
    if (!report.isObject()) {
      throw invalid("evalReport", "the JSON object llm-router eval writes");
    }
    return Optional.of(report);
  }

  /**
   * The shadow gate's rules for gateway rollouts that declare none, without a judge: the defaults
   * without the judge's win rate (a judge rule would hold every shadow phase for want of verdicts).
   */
  static final ShadowRuleSet SHADOW_RULES =
      ShadowRuleSet.of(
          ShadowRule.refusalDiscordanceAtMost(0.01),
          ShadowRule.errorDiscordanceAtMost(0.01),
          ShadowRule.latencyTailRatioAtMost(0.99, 1.5),
          ShadowRule.tokenRatioAtMost(1.5));

  /** The same with a judge on shadow pairs: {@link ShadowRuleSet#ofDefaults()}. */
  static final ShadowRuleSet SHADOW_RULES_WITH_JUDGE = ShadowRuleSet.ofDefaults();

  /**
   * The spec: {@code stable} defaults to {@code defaultVariant}; the plan's fields default to
   * {@code metadataPlan} (the flag's {@code rollout.*} metadata, or the guard's defaults); the
   * rules to {@link RuleSet#ofDefaults()}; the shadow rules to {@link #SHADOW_RULES}, or {@link
   * #SHADOW_RULES_WITH_JUDGE} where a judge gives verdicts on shadow pairs.
   */
  RolloutSpec spec(String defaultVariant, RolloutPlan metadataPlan, Map<String, Double> split) {
    String stable = optionalText("stable").orElse(defaultVariant);
    String canary = optionalText("canary").orElseThrow(() -> invalid("canary", "a variant name"));
    RolloutSpec.Builder spec =
        RolloutSpec.forFlag(flagKey)
            .stable(stable)
            .canary(canary)
            .versions(
                optionalText("stableVersion").orElse(null),
                optionalText("canaryVersion").orElse(null))
            .plan(plan(metadataPlan))
            .rules(rules().orElse(RuleSet.ofDefaults()))
            .shadowRules(
                shadowRules()
                    .orElse(judge.judgeByDefault() ? SHADOW_RULES_WITH_JUDGE : SHADOW_RULES));
    Optional<String> force = optionalText("force");
    // --force starts anyway: past the eval gate and over a split already in place.
    force.ifPresent(reason -> spec.skipEvalGate(reason).force(true));
    // A split of only these two variants (stable 95, canary 5) is this rollout's own traffic.
    spec.force(force.isPresent() || splitsOnly(split, stable, canary));
    try {
      return spec.build();
    } catch (IllegalArgumentException e) {
      throw new HttpExchange.BadRequest(e.getMessage());
    }
  }

  /**
   * The declared canary rules, each written as its factory call ({@code "judgeScoreDrop(0.05)"},
   * see {@link Rule#parse}).
   */
  private Optional<RuleSet> rules() {
    JsonNode rules = body.get("rules");
    if (rules == null || rules.isNull()) {
      return Optional.empty();
    }
    if (!rules.isArray() || rules.isEmpty()) {
      throw invalid("rules", "a non-empty array of rules such as [\"judgeScoreDrop(0.05)\"]");
    }
    List<Rule> declared = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      JsonNode rule = rules.get(i);
      String field = "rules[" + i + "]";
      if (!rule.isTextual()) {
        throw invalid(field, "a rule such as \"successRateDrop(0.05)\"");
      }
      Rule parsed = parse(field, () -> Rule.parse(rule.textValue()));
      if (parsed.metric() == Metric.JUDGE_SCORE && !judge.liveScores()) {
        throw noJudge(
            field,
            rule.textValue(),
            "live judge scores; start llm-router serve with a judge (--judge-endpoint NAME or"
                + " --judge stand-in) and --live-judge-sample-rate");
      }
      declared.add(parsed);
    }
    return Optional.of(new RuleSet(declared));
  }

  private <T> T parse(String field, Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new HttpExchange.BadRequest(
          "rollout of flag '" + flagKey + "': " + field + ": " + e.getMessage());
    }
  }

  private HttpExchange.BadRequest noJudge(String field, String rule, String needed) {
    return new HttpExchange.BadRequest(
        "rollout of flag '"
            + flagKey
            + "': "
            + field
            + ": "
            + rule
            + " needs "
            + needed
            + "; this gateway has none");
  }

  /**
   * The declared shadow rules, each written as its factory call ({@code
   * "refusalDiscordanceAtMost(0.01)"}, see {@link ShadowRule#parse}).
   */
  private Optional<ShadowRuleSet> shadowRules() {
    JsonNode rules = body.get("shadowRules");
    if (rules == null || rules.isNull()) {
      return Optional.empty();
    }
    String expected = "a non-empty array of rules such as [\"refusalDiscordanceAtMost(0.01)\"]";
    if (!rules.isArray() || rules.isEmpty()) {
      throw invalid("shadowRules", expected);
    }
    List<ShadowRule> declared = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      JsonNode rule = rules.get(i);
      if (!rule.isTextual()) {
        throw invalid("shadowRules[" + i + "]", "a rule such as \"tokenRatioAtMost(1.5)\"");
      }
      String field = "shadowRules[" + i + "]";
      ShadowRule parsed = parse(field, () -> ShadowRule.parse(rule.textValue()));
      boolean judgeRule =
          parsed.metric() == ShadowRule.Metric.JUDGE_WIN_RATE
              || parsed.metric() == ShadowRule.Metric.JUDGE_SCORE;
      if (judgeRule && !judge.shadowVerdicts()) {
        throw noJudge(
            field,
            rule.textValue(),
            "the judge's verdicts on shadow pairs; start llm-router serve with a judge"
                + " (--judge-endpoint NAME or --judge stand-in) and a --judge-shadow-sample-rate"
                + " above 0");
      }
      declared.add(parsed);
    }
    return Optional.of(new ShadowRuleSet(declared));
  }

  private static boolean splitsOnly(Map<String, Double> split, String stable, String canary) {
    return split.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .allMatch(e -> e.getKey().equals(stable) || e.getKey().equals(canary));
  }

  private RolloutPlan plan(RolloutPlan base) {
    JsonNode plan = body.path("plan");
    if (plan.isMissingNode() || plan.isNull()) {
      return base;
    }
    if (!plan.isObject()) {
      throw invalid("plan", "an object with " + PLAN_FIELDS);
    }
    plan.fieldNames()
        .forEachRemaining(
            name -> {
              if (!PLAN_FIELDS.contains(name)) {
                throw invalid("plan." + name, "one of the fields " + PLAN_FIELDS);
              }
            });
    CanaryStep first = base.steps().get(0);
    RolloutPlan.Builder builder =
        RolloutPlan.custom()
            .steps(steps(plan).orElseGet(() -> percents(base)))
            .minBake(duration(plan, "minBake").orElse(first.minBake()))
            .maxStepDuration(duration(plan, "maxStepDuration").orElse(first.maxDuration()))
            .minSamplesPerArm(count(plan, "minSamplesPerArm").orElse(first.minSamplesPerArm()))
            .onStepTimeout(timeoutAction(plan).orElse(base.onStepTimeout()))
            .holdbackPercent(base.holdbackPercent())
            .evidence(base.evidence());
    Optional<Duration> shadowDuration = duration(plan, "shadowMinDuration");
    Optional<Long> shadowSamples = count(plan, "shadowMinSamples");
    if (shadowDuration.isPresent() || shadowSamples.isPresent() || base.shadow().isPresent()) {
      Optional<RolloutPlan.ShadowPhase> baseShadow = base.shadow();
      builder.shadow(
          shadowDuration.orElse(
              baseShadow.map(RolloutPlan.ShadowPhase::minDuration).orElse(Duration.ZERO)),
          shadowSamples.orElse(baseShadow.map(RolloutPlan.ShadowPhase::minSamples).orElse(0L)));
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new HttpExchange.BadRequest(
          "rollout of flag '" + flagKey + "': plan." + e.getMessage());
    }
  }

  private static double[] percents(RolloutPlan plan) {
    return plan.steps().stream().mapToDouble(CanaryStep::percent).toArray();
  }

  private Optional<double[]> steps(JsonNode plan) {
    JsonNode steps = plan.get("steps");
    if (steps == null) {
      return Optional.empty();
    }
    if (!steps.isArray() || steps.isEmpty()) {
      throw invalid("plan.steps", "an array of percentages like [5, 25, 50, 100]");
    }
    double[] percents = new double[steps.size()];
    for (int i = 0; i < percents.length; i++) {
      if (!steps.get(i).isNumber()) {
        throw invalid("plan.steps[" + i + "]", "a percentage");
      }
      percents[i] = steps.get(i).doubleValue();
    }
    return Optional.of(percents);
  }

  private Optional<Duration> duration(JsonNode plan, String field) {
    JsonNode value = plan.get(field);
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(
        Durations.parse(value.asText())
            .orElseThrow(
                () ->
                    invalid(
                        "plan." + field, Durations.EXPECTED + ", got '" + value.asText() + "'")));
  }

  private Optional<Long> count(JsonNode plan, String field) {
    JsonNode value = plan.get(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.canConvertToExactIntegral() || value.asLong() < 0) {
      throw invalid("plan." + field, "a whole number, 0 or more, got " + value);
    }
    return Optional.of(value.asLong());
  }

  private Optional<RolloutPlan.StepTimeoutAction> timeoutAction(JsonNode plan) {
    JsonNode value = plan.get("onStepTimeout");
    if (value == null) {
      return Optional.empty();
    }
    Map<String, RolloutPlan.StepTimeoutAction> actions =
        Map.of(
            "hold", RolloutPlan.StepTimeoutAction.HOLD,
            "roll_back", RolloutPlan.StepTimeoutAction.ROLL_BACK);
    RolloutPlan.StepTimeoutAction action = actions.get(value.asText().toLowerCase(Locale.ROOT));
    if (action == null) {
      throw invalid("plan.onStepTimeout", "hold or roll_back, got " + value);
    }
    return Optional.of(action);
  }

  private Optional<String> optionalText(String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw invalid(field, "a non-empty string");
    }
    return Optional.of(value.asText());
  }

  private HttpExchange.BadRequest invalid(String field, String expected) {
    return new HttpExchange.BadRequest(
        "rollout of flag '" + flagKey + "': " + field + ": expected " + expected);
  }
}
