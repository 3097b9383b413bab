package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RuleCheck;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The first step's widening. With few, heavy, sticky units the first step's information has a
 * ceiling that no wait at its share passes, so the power gate also looks ahead: once a share has
 * baked, it projects each unpowered rule's information at the step's deadline ({@link
 * InformationProjection}); when a rule cannot get there at the current share, the step widens to
 * the first of the plan's {@link RolloutPlan#firstStepWidening() wider shares} at which it is
 * projected to (written conditionally, like a promotion, with a window of its own), and when no
 * share is left it alerts once, long before the deadline, instead of idling until it. The step's
 * bake and deadline stand. Each share is one step start in the rollout's record, so a resumed
 * rollout continues at the widened share. Not thread-safe; its rollout serializes checks.
 */
final class FirstStepWidening {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final RuleFamily rules;
  private final StepWriter stepWriter;
  private final RolloutPhases phases;
  private final Map<String, InformationProjection> projections = new HashMap<>();
  private Instant shareStartedAt;
  private int widenings;
  private boolean shortfallAlerted;
  private boolean projectFromFirstLook;

  /**
   * A projected shortfall of the first step: the wider share to write, or NaN when the plan has
   * none left (then the rollout alerts once and keeps gathering until the step's deadline).
   */
  record Shortfall(double widenTo, String why) {
    boolean widens() {
      return !Double.isNaN(widenTo);
    }
  }

  FirstStepWidening(
      GuardContext context,
      RolloutSpec spec,
      RuleFamily rules,
      StepWriter stepWriter,
      RolloutPhases phases) {
    this.context = context;
    this.spec = spec;
    this.rules = rules;
    this.stepWriter = stepWriter;
    this.phases = phases;
  }

  /**
   * Takes up a first step as its record left it: the widening continues from the share of its last
   * start. The projections begin again at their first look after now (an in-process source lost the
   * earlier counts), and the next widening waits for a bake from now: later, never earlier.
   */
  void resume(RolloutProgress progress) {
    if (progress.step() != 0 || progress.steps().isEmpty()) {
      return;
    }
    widenings = widenedIndex(progress.steps().get(progress.steps().size() - 1).canaryPercent());
    shareStartedAt = context.clock().instant();
    projectFromFirstLook = true;
  }

  /**
   * The flag shows the first step at {@code share}, one of the plan's wider shares above the
   * running one, written before the rollout's record (a crash between the two writes): opens its
   * window as the widening would have. False when there is nothing to take up.
   */
  boolean adopt(double share) {
    int index = widenedIndex(share);
    if (index <= widenings) {
      return false;
    }
    phases.widen(share);
    widened(index, context.clock().instant(), phases.startedAt());
    projectFromFirstLook = true;
    projections.clear();
    return true;
  }

  /**
   * Feeds this check of the first step to the projections and reports a shortfall: a rule over all
   * traffic, unpowered, whose information projected at the step's deadline falls short after the
   * current share baked. Empty otherwise (also outside the first step), and after the one report
   * that no wider share is left.
   */
  Optional<Shortfall> shortfall(
      int step, Instant now, Instant stepStartedAt, CanaryStep current, List<RuleCheck> checks) {
    RolloutPlan plan = spec.plan();
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
      double designEffect = rules.designEffect(check.rule());
      if (!(designEffect >= 1)) {
        continue;
      }
      InformationProjection projection =
          projections.computeIfAbsent(
              check.rule(),
              r ->
                  projectFromFirstLook
                      ? new InformationProjection(
                          seconds(stepStartedAt), seconds(now), check.information() * designEffect)
                      : new InformationProjection(
                          seconds(stepStartedAt), seconds(shareStartedAt), 0));
      projection.observe(seconds(now), check.information(), designEffect);
      double projected = projection.projected(seconds(deadline));
      if (baked && !check.powered() && projected < check.requiredInformation()) {
        return shortfallOf(
            deadline, check, projected, projection.projectedAsObserved(seconds(deadline)));
      }
    }
    return Optional.empty();
  }

  /**
   * Acts on {@code shortfall}: writes the wider share and opens its window, alerting that the step
   * widened; or, with none left, alerts that the step will not gather its evidence in time. The
   * write's outcome when the wider share was not written (the rollout then deals with it).
   */
  Optional<StepWriter.Outcome> act(Shortfall shortfall) {
    if (!shortfall.widens()) {
      alert("step 1 will not gather its evidence in time", shortfall.why());
      return Optional.empty();
    }
    StepWriter.Outcome outcome = stepWriter.write(shortfall.widenTo(), shortfall.why());
    if (outcome.kind() != StepWriter.Kind.WRITTEN) {
      return Optional.of(outcome);
    }
    phases.widen(shortfall.widenTo());
    widened(widenedIndex(shortfall.widenTo()), context.clock().instant(), phases.startedAt());
    alert("step 1 widened", shortfall.why());
    return Optional.empty();
  }

  /** The share at {@code index} of the plan's widening is now running: projections restart. */
  private void widened(int index, Instant now, Instant stepStartedAt) {
    widenings = index;
    shareStartedAt = now;
    projections.replaceAll(
        (rule, old) ->
            new InformationProjection(
                seconds(stepStartedAt), seconds(now), old.independentInformation()));
  }

  /**
   * The index of the first wider share at which the rule is projected to hold the {@code needed}
   * information by the deadline, else the widest's. Both the information independent requests give
   * and its ceiling grow with the canary's share {@code s} as {@code s (1 - s)} (more units, each
   * as active), so the projection {@code asObserved} at the current share scales by that ratio. It
   * takes the design effect as observed: the decision to widen took its lower end, so a step that
   * widens skips the shares the best estimate already rules out, instead of spending a bake on
   * each.
   */
  private int sufficientIndex(double needed, double asObserved) {
    List<Double> widening = spec.plan().firstStepWidening();
    double now = currentPercent() / 100;
    for (int i = widenings; i < widening.size(); i++) {
      double wider = widening.get(i) / 100;
      if (!(asObserved * wider * (1 - wider) < needed * now * (1 - now))) {
        return i;
      }
    }
    return widening.size() - 1;
  }

  /** 1 + the index of {@code share} in the plan's widening; 0 for the first step's own share. */
  private int widenedIndex(double share) {
    List<Double> widening = spec.plan().firstStepWidening();
    for (int i = 0; i < widening.size(); i++) {
      if (Math.abs(widening.get(i) - share) < 1e-9) {
        return i + 1;
      }
    }
    return 0;
  }

  private double currentPercent() {
    return widenings == 0
        ? spec.plan().steps().get(0).percent()
        : spec.plan().firstStepWidening().get(widenings - 1);
  }

  private Optional<Shortfall> shortfallOf(
      Instant deadline, RuleCheck check, double projected, double asObserved) {
    String why =
        String.format(
            Locale.ROOT,
            "%s projected to hold %.0f of the %.0f information it needs by %s at %s%% canary",
            check.rule(),
            projected,
            check.requiredInformation(),
            deadline,
            currentPercent());
    List<Double> widening = spec.plan().firstStepWidening();
    if (widenings < widening.size()) {
      double next = widening.get(sufficientIndex(check.requiredInformation(), asObserved));
      return Optional.of(new Shortfall(next, why + "; step 1 widened to " + next + "%"));
    }
    if (!shortfallAlerted) {
      shortfallAlerted = true;
      return Optional.of(new Shortfall(Double.NaN, why + "; no wider first step in the plan"));
    }
    return Optional.empty();
  }

  private void alert(String title, String detail) {
    context.alert(Alert.Severity.WARNING, spec.flagKey(), title, detail);
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }
}
