package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.HoldReason;
import dev.llmrollout.guard.RolloutPlan.StepTimeoutAction;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.SampleRatioCheck;
import dev.llmrollout.guard.StateTransition;
import dev.llmrollout.signals.SignalsUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state machine of one rollout: SHADOW, CANARY step N, HELD, PROMOTED, ROLLED_BACK, HALTED
 * (moves only as {@link StateTransition#isLegal} allows). Each check reads the windows of the steps
 * so far, runs the sample ratio check and the rule family, and acts; every decision becomes an
 * audit record and an event. Its writes go through the rollout's lease; {@link DurableRollout}
 * keeps that lease and the rollout's record. Checks, manual rollbacks and retries are serialized on
 * this object's monitor.
 */
final class GuardedRollout {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final RuleFamily rules;
  private final SampleRatioChecker sampleRatio;
  private final StepWriter stepWriter;
  private final RolloutPhases phases;
  private final PromotionEvidence evidence;
  private final FirstStepWidening widening;
  private final DefaultEventPublisher events;
  private final RolloutLease lease;
  private final ShadowStage shadowStage;

  private RolloutState state;
  private int step;
  private String heldBecause;
  private HoldReason heldKind;

  /** A hold of this check alone (signals unavailable, eval gate), on top of the HELD state's. */
  private HoldReason holdReason;

  private String signalsMissing;
  private String automaticRollback;
  private volatile boolean rollbackVerified;
  private AuditRecord lastRecord;
  private String evalGate;

  /**
   * A rollout judged on the rules of {@code spec} in {@code segments} (fixed for its whole life),
   * from {@code progress}: a phase beginning now, or the steps a record says began earlier.
   */
  GuardedRollout(
      GuardContext context,
      RolloutSpec spec,
      List<String> segments,
      RolloutLease lease,
      DefaultEventPublisher events,
      RolloutProgress progress) {
    this.context = context;
    this.spec = spec;
    this.lease = lease;
    this.events = events;
    this.rules = new RuleFamily(spec.rules(), segments, context.config());
    this.sampleRatio = new SampleRatioChecker(context.config().sampleRatioAlpha());
    this.stepWriter = new StepWriter(context, spec, lease);
    this.phases = new RolloutPhases(context, spec);
    this.evidence = new PromotionEvidence(spec.plan(), context.config(), rules);
    this.shadowStage = new ShadowStage(context, spec, segments, phases);
    this.widening = new FirstStepWidening(context, spec, rules, stepWriter, phases);
    this.state = progress.state();
    this.step = progress.step();
    this.heldBecause = progress.heldBecause().orElse(null);
    this.heldKind = progress.heldKind().orElse(null);
    this.automaticRollback = progress.automaticRollback().orElse(null);
    this.rollbackVerified = progress.rollbackVerified();
    this.evalGate = progress.evalGate().orElse(null);
    if (progress.steps().isEmpty() && progress.shadowStartedAt().isEmpty()) {
      beginPhase();
    } else {
      phases.resume(progress);
      widening.resume(progress);
      // In-process pair counts are per process: a resumed shadow phase judges the pairs seen from
      // now on; a windowed (fleet) pair source is read from the recorded shadow start.
      shadowStage.begin(state);
    }
  }

  /** Where this rollout stands, for its record. */
  synchronized RolloutProgress progress() {
    return new RolloutProgress(
        state,
        step,
        phases.canaryStarts(),
        phases.shadowStartedAt(),
        Optional.ofNullable(heldBecause),
        Optional.ofNullable(heldKind),
        Optional.ofNullable(automaticRollback),
        rollbackVerified,
        Optional.ofNullable(evalGate));
  }

  /** The last audit record, or null before the first. */
  synchronized AuditRecord lastRecord() {
    return lastRecord;
  }

  /** Why the guard rolled this rollout back by itself; empty when it did not. */
  public synchronized Optional<String> automaticRollback() {
    return Optional.ofNullable(automaticRollback);
  }

  public RolloutSpec spec() {
    return spec;
  }

  public synchronized RolloutState state() {
    return state;
  }

  public synchronized int step() {
    return step;
  }

  /** This check's own hold, else the HELD state's kind. */
  synchronized Optional<HoldReason> holdReason() {
    HoldReason held = holdReason != null || state != RolloutState.HELD ? holdReason : heldKind;
    return state.isFinal() ? Optional.empty() : Optional.ofNullable(held);
  }

  public boolean rollbackVerified() {
    return rollbackVerified;
  }

  synchronized AuditRecord check() {
    if (state.isFinal()) {
      return lastRecord;
    }
    Instant now = context.clock().instant();
    holdReason = null;
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
    holdReason = HoldReason.SIGNALS_UNAVAILABLE;
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
    List<StepWindows.Window> steps = phases.windows(shadow);
    Optional<SampleRatioCheck> srm =
        shadow ? Optional.empty() : sampleRatio.check(steps, spec.stable(), spec.canary());
    List<RuleCheck> checks = rules.check(steps);
    List<RuleCheck> broken = checks.stream().filter(RuleCheck::broken).toList();
    if (!broken.isEmpty()) {
      automaticRollback = "rule broken: " + BrokenRules.describe(broken);
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
      return hold(now, checks, srm, HoldReason.SAMPLE_RATIO_MISMATCH, why);
    }
    if (state == RolloutState.HELD) {
      return record(now, Decision.HOLD, null, checks, srm, "held: " + heldBecause);
    }
    return advanceStep(now, checks, srm, steps);
  }

  synchronized AuditRecord rollBack(String reason) {
    if (state == RolloutState.ROLLED_BACK) {
      return lastRecord;
    }
    return rollBack(context.clock().instant(), List.of(), Optional.empty(), "by hand: " + reason);
  }

  /** Records how the rollout got past the eval gate, as its first audit record. */
  public synchronized void recordStart(String reason) {
    evalGate = reason;
    record(context.clock().instant(), Decision.CONTINUE, null, List.of(), Optional.empty(), reason);
  }

  /** Records that an operator restored the flag after this rollout's automatic rollback. */
  public synchronized void recordForcedRestore(String reason) {
    adopt(state, step, Decision.CONTINUE, "restore forced after automatic rollback: " + reason);
  }

  /**
   * Takes up what the flag or its record shows, found outside a check (a kill: ROLLED_BACK; a step
   * written ahead of its record: CANARY at it), or only notes a decision about ownership when
   * nothing moves; records it.
   */
  synchronized AuditRecord adopt(RolloutState to, int toStep, Decision decision, String why) {
    StateTransition t = null;
    if (to != state || toStep != step) {
      rollbackVerified |= to == RolloutState.ROLLED_BACK;
      t = transition(to, toStep, why);
    }
    return record(context.clock().instant(), decision, t, List.of(), Optional.empty(), why);
  }

  /**
   * Takes up a first-step share the flag shows ahead of the record (a widening written just before
   * a crash); records it.
   */
  synchronized void adoptWidening(double share) {
    if (!state.isFinal() && step == 0 && widening.adopt(share)) {
      String why = "the flag shows step 1 widened to " + share + "% before its record; adopted";
      adopt(state, step, Decision.CONTINUE, why);
    }
  }

  /** Writes a rollback the record says began but was never verified. */
  synchronized void finishRollback() {
    if (state == RolloutState.ROLLED_BACK && !rollbackVerified) {
      context.override().force(spec.flagKey(), spec.stable());
      startRollbackWriter("resumed: " + automaticRollback().orElse("rollback not yet verified"));
    }
  }

  private AuditRecord advanceShadow(Instant now, List<RuleCheck> liveChecks) {
    ShadowStage.Next next = shadowStage.decide(now, liveChecks);
    List<RuleCheck> checks = next.checks();
    String why = next.reason();
    return switch (next.action()) {
      case ROLL_BACK -> {
        automaticRollback = why;
        yield rollBack(now, checks, Optional.empty(), why);
      }
      case HOLD -> hold(now, checks, Optional.empty(), HoldReason.STEP_TIMEOUT, why);
      case WAIT -> record(now, Decision.CONTINUE, null, checks, Optional.empty(), why);
      case EVAL_GATE_REFUSED -> {
        holdReason = HoldReason.EVAL_GATE;
        yield record(now, Decision.HOLD, null, checks, Optional.empty(), why);
      }
      case PROMOTE -> promoteTo(now, 0, checks, Optional.empty(), why);
    };
  }

  private AuditRecord advanceStep(
      Instant now,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      List<StepWindows.Window> steps) {
    CanaryStep current = currentStep();
    Duration elapsed = Duration.between(phases.startedAt(), now);
    List<String> missing = new ArrayList<>();
    if (elapsed.compareTo(current.minBake()) < 0) {
      missing.add("baking until " + phases.startedAt().plus(current.minBake()));
    }
    missing.addAll(phases.samplesMissing(step, current, steps.get(steps.size() - 1)));
    missing.addAll(evidence.missing(step, checks, steps));
    if (missing.isEmpty()) {
      return step + 1 < spec.plan().steps().size()
          ? promoteTo(now, step + 1, checks, srm, "step passed: baked, evidence in, no rule broken")
          : finish(now, checks, srm);
    }
    String lacking = String.join("; ", missing);
    Optional<FirstStepWidening.Shortfall> shortfall =
        widening.shortfall(step, now, phases.startedAt(), current, checks);
    if (shortfall.isPresent()) {
      Optional<StepWriter.Outcome> unwritten = widening.act(shortfall.get());
      if (unwritten.isPresent()) {
        return notWritten(now, unwritten.get(), checks, srm);
      }
      String why = shortfall.get().why() + (shortfall.get().widens() ? "" : "; " + lacking);
      return record(now, Decision.CONTINUE, null, checks, srm, why);
    }
    if (elapsed.compareTo(current.maxDuration()) >= 0) {
      String why =
          "step " + (step + 1) + " ran " + current.maxDuration() + " and lacks: " + lacking;
      if (spec.plan().onStepTimeout() == StepTimeoutAction.ROLL_BACK) {
        automaticRollback = why;
        return rollBack(now, checks, srm, why);
      }
      return hold(now, checks, srm, HoldReason.STEP_TIMEOUT, why);
    }
    return record(now, Decision.CONTINUE, null, checks, srm, "waiting: " + lacking);
  }

  private AuditRecord hold(
      Instant now,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      HoldReason kind,
      String why) {
    if (state == RolloutState.HELD) {
      return record(now, Decision.HOLD, null, checks, srm, "held: " + heldBecause);
    }
    heldBecause = why;
    heldKind = kind;
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
      case LOST_OWNERSHIP -> {
        return record(now, Decision.HOLD, null, checks, srm, outcome.detail());
      }
      case STEPPED_ELSEWHERE -> {
        int adopted = StepWriter.stepOf(spec.plan(), outcome.canaryShare(), step);
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
    startRollbackWriter(why);
    return record;
  }

  private void startRollbackWriter(String why) {
    new RollbackWriter(
            context, spec.flagKey(), spec.stable(), lease, events::publish, this::verified)
        .start(why);
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
    phases.begin(state, step);
    shadowStage.begin(state);
  }

  private AuditRecord record(
      Instant now,
      Decision decision,
      StateTransition transition,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      String reason) {
    lastRecord =
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
    context.auditLog().record(lastRecord);
    events.publish(new GuardEvent.CheckEvent(lastRecord));
    return lastRecord;
  }

  private void alert(Alert.Severity severity, String title, String detail) {
    Instant now = context.clock().instant();
    context.alertHook().alert(new Alert(now, severity, spec.flagKey(), title, detail));
  }

  private CanaryStep currentStep() {
    return spec.plan().steps().get(step);
  }
}
