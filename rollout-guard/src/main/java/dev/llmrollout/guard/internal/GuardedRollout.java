package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.EventPublisher;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutPlan.StepTimeoutAction;
import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.SampleRatioCheck;
import dev.llmrollout.guard.StateTransition;
import dev.llmrollout.signals.SignalsUnavailableException;
import dev.llmrollout.spi.FlagState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The state machine of one rollout: SHADOW, CANARY step N, HELD, PROMOTED, ROLLED_BACK, HALTED
 * (moves only as {@link StateTransition#isLegal} allows). Each check reads the windows of the steps
 * so far, runs the sample ratio check and the rule family, and acts; every decision becomes an
 * audit record and an event. Checks, manual rollbacks and retries are serialized on this object's
 * monitor.
 */
public final class GuardedRollout implements Rollout {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final RuleFamily rules;
  private final SampleRatioChecker sampleRatio;
  private final StepWriter stepWriter;
  private final StepWindows windows;
  private final StepWindows shadowWindows;
  private final PromotionEvidence evidence;
  private final DefaultEventPublisher events = new DefaultEventPublisher();

  private RolloutState state;
  private int step;
  private Instant phaseStartedAt;
  private long shadowStartRequests;
  private String heldBecause;
  private String signalsMissing;
  private String automaticRollback;
  private volatile boolean rollbackVerified;
  private AuditRecord lastRecord;

  /**
   * A rollout whose first phase (shadow, or the first step already written) begins now, judged on
   * the rules of {@code spec} in {@code segments} (fixed for its whole life).
   */
  public GuardedRollout(
      GuardContext context,
      RolloutSpec spec,
      RolloutState initialState,
      FlagState written,
      List<String> segments) {
    this.context = context;
    this.spec = spec;
    this.rules = new RuleFamily(spec.rules(), segments, context.config());
    this.sampleRatio = new SampleRatioChecker(context.config().sampleRatioAlpha());
    this.stepWriter = new StepWriter(context, spec, written.version());
    this.windows =
        new StepWindows(
            context.signals(), context.clock(), spec.flagKey(), spec.stable(), spec.canary());
    this.shadowWindows =
        new StepWindows(
            context.signals(), context.clock(), spec.flagKey(), spec.stable(), spec.canary());
    this.evidence = new PromotionEvidence(spec.plan(), context.config(), rules);
    this.state = initialState;
    this.step = initialState == RolloutState.CANARY ? 0 : -1;
    beginPhase();
  }

  /** Why the guard rolled this rollout back by itself; empty when it did not. */
  public synchronized Optional<String> automaticRollback() {
    return Optional.ofNullable(automaticRollback);
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
    try {
      AuditRecord judged = judge(now);
      signalsMissing = null;
      return judged;
    } catch (SignalsUnavailableException e) {
      return holdWithoutSignals(now, e.getMessage());
    }
  }

  /**
   * No window could be read (a fleet's metrics are missing or stale): neither promotes nor rolls
   * back, alerts once per distinct reason, and says why in the audit record the status shows.
   */
  private AuditRecord holdWithoutSignals(Instant now, String why) {
    if (!why.equals(signalsMissing)) {
      alert(Alert.Severity.WARNING, "signals unavailable; rollout held until they return", why);
    }
    signalsMissing = why;
    return record(
        now,
        Decision.HOLD,
        null,
        List.of(),
        Optional.empty(),
        "signals unavailable, neither promoted nor rolled back: " + why);
  }

  private AuditRecord judge(Instant now) {
    boolean shadow = state == RolloutState.SHADOW;
    List<StepWindows.Window> steps = shadow ? shadowWindows.windows() : windows.windows();
    Optional<SampleRatioCheck> srm =
        shadow ? Optional.empty() : sampleRatio.check(steps, spec.stable(), spec.canary());
    List<RuleCheck> checks = rules.check(steps);
    List<RuleCheck> broken = checks.stream().filter(RuleCheck::broken).toList();
    if (!broken.isEmpty()) {
      automaticRollback = "rule broken: " + describe(broken);
      return rollBack(now, checks, srm, automaticRollback);
    }
    if (shadow) {
      return advanceShadow(now, checks);
    }
    if (srm.isPresent() && srm.get().mismatch()) {
      String why = "sample ratio mismatch: units do not split as planned " + srm.get();
      if (context.config().onSampleRatioMismatch() == GuardConfig.MismatchAction.ROLL_BACK) {
        automaticRollback = why;
        return rollBack(now, checks, srm, why);
      }
      return hold(now, checks, srm, why);
    }
    if (state == RolloutState.HELD) {
      return record(now, Decision.HOLD, null, checks, srm, "held: " + heldBecause);
    }
    return advanceStep(now, checks, srm, steps);
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

  /** Records that an operator restored the flag after this rollout's automatic rollback. */
  public synchronized void recordForcedRestore(String reason) {
    record(
        context.clock().instant(),
        Decision.CONTINUE,
        null,
        List.of(),
        Optional.empty(),
        "restore forced after automatic rollback: " + reason);
  }

  /** Ends this rollout without touching the flag: a forced rollout took over its traffic. */
  public synchronized void supersede(String reason) {
    if (!state.isFinal()) {
      StateTransition t = transition(RolloutState.HALTED, -1, reason);
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
    long shadowSamples = canaryRequests() - shadowStartRequests;
    boolean baked = !now.isBefore(phaseStartedAt.plus(shadow.minDuration()));
    if (!baked || shadowSamples < shadow.minSamples()) {
      return record(now, Decision.CONTINUE, null, checks, Optional.empty(), "shadow baking");
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
      Instant now,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      List<StepWindows.Window> steps) {
    CanaryStep current = currentStep();
    Duration elapsed = Duration.between(phaseStartedAt, now);
    List<String> missing = new ArrayList<>();
    if (elapsed.compareTo(current.minBake()) < 0) {
      missing.add("baking until " + phaseStartedAt.plus(current.minBake()));
    }
    missing.addAll(samplesMissing(current, steps.get(steps.size() - 1)));
    missing.addAll(evidence.missing(step, checks, steps));
    if (missing.isEmpty()) {
      return step + 1 < spec.plan().steps().size()
          ? promoteTo(now, step + 1, checks, srm, "step passed: baked, evidence in, no rule broken")
          : finish(now, checks, srm);
    }
    String lacking = String.join("; ", missing);
    Optional<PromotionEvidence.Shortfall> shortfall =
        evidence.shortfall(step, now, phaseStartedAt, current, checks);
    if (shortfall.isPresent()) {
      return widenOrAlert(now, shortfall.get(), checks, srm, lacking);
    }
    if (elapsed.compareTo(current.maxDuration()) >= 0) {
      String why =
          "step " + (step + 1) + " ran " + current.maxDuration() + " and lacks: " + lacking;
      if (spec.plan().onStepTimeout() == StepTimeoutAction.ROLL_BACK) {
        automaticRollback = why;
        return rollBack(now, checks, srm, why);
      }
      return hold(now, checks, srm, why);
    }
    return record(now, Decision.CONTINUE, null, checks, srm, "waiting: " + lacking);
  }

  /**
   * The first step cannot gather its evidence in time at its share: writes the wider share the plan
   * allows and opens a window for it (the step's bake and deadline stand), or, with none left,
   * alerts now rather than at the deadline.
   */
  private AuditRecord widenOrAlert(
      Instant now,
      PromotionEvidence.Shortfall shortfall,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      String lacking) {
    if (!shortfall.widens()) {
      alert(Alert.Severity.WARNING, "step 1 will not gather its evidence in time", shortfall.why());
      return record(now, Decision.CONTINUE, null, checks, srm, shortfall.why() + "; " + lacking);
    }
    StepWriter.Outcome outcome = stepWriter.write(shortfall.widenTo(), shortfall.why());
    if (outcome.kind() != StepWriter.Kind.WRITTEN) {
      return notWritten(now, outcome, checks, srm);
    }
    windows.beginStep(shortfall.widenTo());
    evidence.widened(now, phaseStartedAt);
    alert(Alert.Severity.WARNING, "step 1 widened", shortfall.why());
    return record(now, Decision.CONTINUE, null, checks, srm, shortfall.why());
  }

  private List<String> samplesMissing(CanaryStep current, StepWindows.Window window) {
    long canary = window.canary().all().totalRequests();
    long stable = window.stable().all().totalRequests();
    boolean lastStep = step == spec.plan().steps().size() - 1;
    List<String> missing = new ArrayList<>();
    if (canary < current.minSamplesPerArm()) {
      missing.add("canary has " + canary + " of " + current.minSamplesPerArm() + " requests");
    }
    if (!lastStep && stable < current.minSamplesPerArm()) {
      missing.add("stable has " + stable + " of " + current.minSamplesPerArm() + " requests");
    }
    return missing;
  }

  private AuditRecord hold(
      Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm, String why) {
    if (state == RolloutState.HELD) {
      return record(now, Decision.HOLD, null, checks, srm, "held: " + heldBecause);
    }
    heldBecause = why;
    StateTransition t = transition(RolloutState.HELD, step, why);
    alert(Alert.Severity.CRITICAL, "rollout held; rules still checked", why);
    return record(now, Decision.HOLD, t, checks, srm, why + "; held, never promoted");
  }

  private AuditRecord promoteTo(
      Instant now,
      int nextStep,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      String why) {
    double percent = spec.plan().canaryPercent(nextStep);
    StepWriter.Outcome outcome = stepWriter.write(percent, why);
    if (outcome.kind() != StepWriter.Kind.WRITTEN) {
      return notWritten(now, outcome, checks, srm);
    }
    StateTransition t = transition(RolloutState.CANARY, nextStep, why);
    return record(now, Decision.PROMOTE, t, checks, srm, why + "; canary at " + percent + "%");
  }

  private AuditRecord finish(Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm) {
    String why = "last step passed";
    if (spec.plan().holdbackPercent() > 0) {
      StepWriter.Outcome outcome = stepWriter.write(100, why + "; holdback released");
      if (outcome.kind() != StepWriter.Kind.WRITTEN) {
        return notWritten(now, outcome, checks, srm);
      }
    }
    StateTransition t = transition(RolloutState.PROMOTED, -1, why);
    return record(now, Decision.PROMOTE, t, checks, srm, why + "; canary serves all");
  }

  private AuditRecord notWritten(
      Instant now,
      StepWriter.Outcome outcome,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm) {
    switch (outcome.kind()) {
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

  private void verified() {
    rollbackVerified = true;
  }

  private StateTransition transition(RolloutState to, int toStep, String why) {
    StateTransition t = new StateTransition(state, step, to, toStep);
    boolean newStep = to == RolloutState.CANARY;
    state = to;
    step = toStep;
    if (newStep || to == RolloutState.SHADOW) {
      beginPhase();
    }
    events.publish(
        new GuardEvent.StateTransitionEvent(spec.flagKey(), context.clock().instant(), t, why));
    return t;
  }

  private void beginPhase() {
    phaseStartedAt = context.clock().instant();
    if (state == RolloutState.SHADOW) {
      shadowStartRequests = canaryRequests();
      shadowWindows.beginStep(0);
    }
    if (state == RolloutState.CANARY) {
      windows.beginStep(spec.plan().canaryPercent(step));
    }
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

  private int stepOf(double canaryShare) {
    List<CanaryStep> steps = spec.plan().steps();
    for (int i = steps.size() - 1; i >= 0; i--) {
      if (canaryShare >= spec.plan().canaryPercent(i)) {
        return i;
      }
    }
    return step;
  }

  private long canaryRequests() {
    return context.signals().counters(spec.flagKey(), spec.canary()).all().totalRequests();
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
