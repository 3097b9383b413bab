package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.EventPublisher;
import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutPlan.StepTimeoutAction;
import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.SampleRatioCheck;
import dev.llmrollout.guard.StateTransition;
import dev.llmrollout.spi.FlagState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The state machine of one rollout: SHADOW, CANARY step N, PROMOTED, ROLLED_BACK, HALTED. Each
 * check reads the signals, runs the sample ratio check and the rule family, and acts; every
 * decision becomes an audit record and an event. Checks, manual rollbacks and retries are
 * serialized on this object's monitor.
 */
public final class GuardedRollout implements Rollout {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final RuleFamily rules;
  private final SampleRatioChecker sampleRatio;
  private final StepWriter stepWriter;
  private final DefaultEventPublisher events = new DefaultEventPublisher();

  private RolloutState state;
  private int step;
  private Instant phaseStartedAt;
  private Map<String, Long> phaseStartCounts;
  private boolean holdAlerted;
  private volatile boolean rollbackVerified;
  private AuditRecord lastRecord;

  /** A rollout whose first phase (shadow, or the first step already written) begins now. */
  public GuardedRollout(
      GuardContext context, RolloutSpec spec, RolloutState initialState, FlagState written) {
    this.context = context;
    this.spec = spec;
    this.rules =
        new RuleFamily(
            spec.rules(),
            context.config().minSamplesForTest(),
            context.config().alpha(),
            context.config().hysteresis());
    this.sampleRatio = new SampleRatioChecker(context.config().sampleRatioAlpha());
    this.stepWriter = new StepWriter(context, spec, written.version());
    this.state = initialState;
    this.step = initialState == RolloutState.CANARY ? 0 : -1;
    beginPhase();
  }

  @Override
  public RolloutSpec spec() {
    return spec;
  }

  @Override
  public synchronized RolloutState state() {
    return state;
  }

  @Override
  public synchronized int step() {
    return step;
  }

  @Override
  public boolean rollbackVerified() {
    return rollbackVerified;
  }

  @Override
  public EventPublisher eventPublisher() {
    return events;
  }

  @Override
  public synchronized AuditRecord check() {
    if (state.isFinal()) {
      return lastRecord;
    }
    Instant now = context.clock().instant();
    Optional<SampleRatioCheck> srm =
        state == RolloutState.CANARY
            ? sampleRatio.check(phaseCounts(), stepWriter.weights(currentStep().percent()))
            : Optional.empty();
    if (srm.isPresent() && srm.get().mismatch()) {
      return halt(now, srm, "sample ratio mismatch: routing is broken, the data cannot be trusted");
    }
    List<RuleCheck> checks =
        rules.check(context.signals(), spec.flagKey(), spec.stable(), spec.canary());
    List<RuleCheck> broken = checks.stream().filter(RuleCheck::broken).toList();
    if (!broken.isEmpty()) {
      return rollBack(now, checks, srm, "rule broken: " + describe(broken));
    }
    return state == RolloutState.SHADOW
        ? advanceShadow(now, checks)
        : advanceStep(now, checks, srm);
  }

  @Override
  public synchronized AuditRecord rollBack(String reason) {
    if (state == RolloutState.ROLLED_BACK) {
      return lastRecord;
    }
    return rollBack(context.clock().instant(), List.of(), Optional.empty(), "by hand: " + reason);
  }

  /** Records how the rollout got past the eval gate, as its first audit record. */
  public synchronized void recordStart(String reason) {
    record(context.clock().instant(), Decision.CONTINUE, null, List.of(), Optional.empty(), reason);
  }

  /** Ends this rollout without touching the flag: a forced rollout took over its traffic. */
  public synchronized void supersede(String reason) {
    if (!state.isFinal()) {
      StateTransition t = transition(RolloutState.HALTED, step, reason);
      record(context.clock().instant(), Decision.HALT, t, List.of(), Optional.empty(), reason);
    }
  }

  @Override
  public void startChecking() {
    context.scheduler().schedule(this::scheduledCheck, Duration.ZERO);
  }

  private void scheduledCheck() {
    check();
    if (!state().isFinal()) {
      context.scheduler().schedule(this::scheduledCheck, context.config().checkInterval());
    }
  }

  private AuditRecord advanceShadow(Instant now, List<RuleCheck> checks) {
    var shadow = spec.plan().shadow().orElseThrow();
    long shadowSamples = context.signals().arm(spec.flagKey(), spec.canary()).requests();
    boolean baked = !now.isBefore(phaseStartedAt.plus(shadow.minDuration()));
    if (!baked || shadowSamples < shadow.minSamples()) {
      return record(now, Decision.CONTINUE, null, checks, Optional.empty(), "shadow still baking");
    }
    String why = "shadow phase passed";
    try {
      why += EvalGateCheck.enforce(context, spec, "canary").map(note -> "; " + note).orElse("");
    } catch (RolloutRefusedException e) {
      return record(now, Decision.HOLD, null, checks, Optional.empty(), e.getMessage());
    }
    return promoteTo(now, 0, checks, Optional.empty(), why);
  }

  private AuditRecord advanceStep(
      Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm) {
    CanaryStep current = currentStep();
    Duration elapsed = Duration.between(phaseStartedAt, now);
    boolean samplesMet = stepSamplesMet(current);
    if (samplesMet && elapsed.compareTo(current.minBake()) >= 0) {
      return step + 1 < spec.plan().steps().size()
          ? promoteTo(now, step + 1, checks, srm, "step minimums met, no rule broken")
          : finish(now, checks, srm);
    }
    if (!samplesMet && elapsed.compareTo(current.maxDuration()) >= 0) {
      String why =
          "step "
              + (step + 1)
              + " missed its minimum sample of "
              + current.minSamplesPerArm()
              + " per arm within "
              + current.maxDuration();
      if (spec.plan().onStepTimeout() == StepTimeoutAction.ROLL_BACK) {
        return rollBack(now, checks, srm, why);
      }
      if (!holdAlerted) {
        holdAlerted = true;
        alert(Alert.Severity.WARNING, "rollout held", why);
      }
      return record(now, Decision.HOLD, null, checks, srm, why + "; held, never promoted");
    }
    return record(now, Decision.CONTINUE, null, checks, srm, "step minimums not met yet");
  }

  private AuditRecord promoteTo(
      Instant now,
      int nextStep,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      String why) {
    double percent = spec.plan().steps().get(nextStep).percent();
    StepWriter.Outcome outcome = stepWriter.write(percent, why);
    switch (outcome.kind()) {
      case WRITTEN -> {
        StateTransition t = transition(RolloutState.CANARY, nextStep, why);
        return record(now, Decision.PROMOTE, t, checks, srm, why + "; canary at " + percent + "%");
      }
      case KILLED_ELSEWHERE -> {
        StateTransition t = transition(RolloutState.ROLLED_BACK, -1, outcome.detail());
        rollbackVerified = true;
        return record(now, Decision.ROLL_BACK, t, checks, srm, outcome.detail());
      }
      case STEPPED_ELSEWHERE -> {
        int adopted = stepOf(outcome.canaryShare());
        StateTransition t =
            adopted > step ? transition(RolloutState.CANARY, adopted, outcome.detail()) : null;
        return record(now, Decision.CONTINUE, t, checks, srm, outcome.detail());
      }
      default -> {
        alert(Alert.Severity.WARNING, "promotion write failed", outcome.detail());
        return record(now, Decision.CONTINUE, null, checks, srm, outcome.detail());
      }
    }
  }

  private AuditRecord finish(Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm) {
    StateTransition t = transition(RolloutState.PROMOTED, -1, "last step passed");
    return record(now, Decision.PROMOTE, t, checks, srm, "last step passed; canary serves all");
  }

  private AuditRecord rollBack(
      Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm, String why) {
    context.override().force(spec.flagKey(), spec.stable());
    StateTransition t = transition(RolloutState.ROLLED_BACK, -1, why);
    AuditRecord record = record(now, Decision.ROLL_BACK, t, checks, srm, why);
    alert(Alert.Severity.CRITICAL, "rolled back to '" + spec.stable() + "'", why);
    new RollbackWriter(context, spec.flagKey(), spec.stable(), events::publish, this::verified)
        .start(why);
    return record;
  }

  private AuditRecord halt(Instant now, Optional<SampleRatioCheck> srm, String why) {
    StateTransition t = transition(RolloutState.HALTED, step, why);
    String detail = why + " " + srm.map(Object::toString).orElse("");
    alert(Alert.Severity.CRITICAL, "rollout halted", detail);
    return record(now, Decision.HALT, t, List.of(), srm, why);
  }

  private void verified() {
    rollbackVerified = true;
  }

  private StateTransition transition(RolloutState to, int toStep, String why) {
    StateTransition t = new StateTransition(state, step, to, toStep);
    state = to;
    step = toStep;
    beginPhase();
    events.publish(
        new GuardEvent.StateTransitionEvent(spec.flagKey(), context.clock().instant(), t, why));
    return t;
  }

  private void beginPhase() {
    phaseStartedAt = context.clock().instant();
    phaseStartCounts = armCounts();
    holdAlerted = false;
  }

  private AuditRecord record(
      Instant now,
      Decision decision,
      StateTransition transition,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      String reason) {
    AuditRecord record =
        new AuditRecord(
            now,
            spec.flagKey(),
            decision,
            Optional.ofNullable(transition),
            state,
            step,
            reason,
            checks,
            srm,
            context.config().actor());
    lastRecord = record;
    context.auditLog().record(record);
    events.publish(new GuardEvent.CheckEvent(record));
    return record;
  }

  private void alert(Alert.Severity severity, String title, String detail) {
    context
        .alertHook()
        .alert(new Alert(context.clock().instant(), severity, spec.flagKey(), title, detail));
  }

  private CanaryStep currentStep() {
    return spec.plan().steps().get(step);
  }

  private boolean stepSamplesMet(CanaryStep current) {
    Map<String, Long> counts = phaseCounts();
    boolean stableServes = current.percent() < 100;
    return counts.get(spec.canary()) >= current.minSamplesPerArm()
        && (!stableServes || counts.get(spec.stable()) >= current.minSamplesPerArm());
  }

  private int stepOf(double canaryShare) {
    List<CanaryStep> steps = spec.plan().steps();
    for (int i = steps.size() - 1; i >= 0; i--) {
      if (canaryShare >= steps.get(i).percent()) {
        return i;
      }
    }
    return step;
  }

  private Map<String, Long> phaseCounts() {
    Map<String, Long> now = armCounts();
    Map<String, Long> delta = new LinkedHashMap<>();
    now.forEach((arm, count) -> delta.put(arm, count - phaseStartCounts.getOrDefault(arm, 0L)));
    return delta;
  }

  private Map<String, Long> armCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put(spec.stable(), context.signals().arm(spec.flagKey(), spec.stable()).requests());
    counts.put(spec.canary(), context.signals().arm(spec.flagKey(), spec.canary()).requests());
    return counts;
  }

  private static String describe(List<RuleCheck> broken) {
    return broken.stream()
        .map(
            c ->
                String.format(
                    java.util.Locale.ROOT,
                    "%s in %s (effect %.4f, CI [%.4f, %.4f], p=%.2g, n=%d/%d)",
                    c.rule(),
                    c.segment(),
                    c.effect(),
                    c.lower(),
                    c.upper(),
                    c.pValue(),
                    c.stableSamples(),
                    c.canarySamples()))
        .collect(Collectors.joining("; "));
  }
}
