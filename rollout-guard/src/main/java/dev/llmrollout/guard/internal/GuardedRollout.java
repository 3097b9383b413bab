package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.GuardConfig;
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
 * so far, runs the sample ratio check and the rule family, and decides; {@link Promotion}, {@link
 * Hold} and {@link Rollback} write what it decides, move its {@link RolloutPosition} and record it
 * in its {@link AuditTrail}, so that every decision becomes an audit record and an event. Their
 * writes go through the rollout's lease; {@link DurableRollout} keeps that lease and the rollout's
 * record. Checks, manual rollbacks and retries are serialized on this object's monitor.
 */
final class GuardedRollout {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final RuleFamily rules;
  private final SampleRatioChecker sampleRatio;
  private final RolloutPhases phases;
  private final PromotionEvidence evidence;
  private final FirstStepWidening widening;
  private final ShadowStage shadowStage;
  private final RolloutPosition position;
  private final AuditTrail audit;
  private final Rollback rollback;
  private final Promotion promotion;
  private final Hold hold;
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
    this.rules = new RuleFamily(spec.rules(), segments, context.config());
    this.sampleRatio = new SampleRatioChecker(context.config().sampleRatioAlpha());
    StepWriter stepWriter = new StepWriter(context, spec, lease);
    this.phases = new RolloutPhases(context, spec);
    this.evidence = new PromotionEvidence(spec.plan(), context.config(), rules);
    this.shadowStage = new ShadowStage(context, spec, segments, phases);
    this.widening = new FirstStepWidening(context, spec, rules, stepWriter, phases);
    this.position = new RolloutPosition(context, spec, events, phases, shadowStage, progress);
    this.audit = new AuditTrail(context, spec, events, position);
    this.hold = new Hold(position, audit, progress);
    this.rollback = new Rollback(context, spec, lease, events, position, audit, progress);
    this.promotion = new Promotion(spec, stepWriter, position, audit, rollback);
    this.evalGate = progress.evalGate().orElse(null);
    if (progress.steps().isEmpty() && progress.shadowStartedAt().isEmpty()) {
      position.beginPhase();
    } else {
      phases.resume(progress);
      widening.resume(progress);
      // In-process pair counts are per process: a resumed shadow phase judges the pairs seen from
      // now on; a windowed (fleet) pair source is read from the recorded shadow start.
      shadowStage.begin(progress.state());
    }
  }

  /** Where this rollout stands, for its record. */
  synchronized RolloutProgress progress() {
    return new RolloutProgress(
        position.state(),
        position.step(),
        phases.canaryStarts(),
        phases.shadowStartedAt(),
        hold.heldBecause(),
        hold.heldKind(),
        rollback.automaticReason(),
        rollback.verified(),
        Optional.ofNullable(evalGate));
  }

  /** The last audit record, or null before the first. */
  synchronized AuditRecord lastRecord() {
    return audit.last();
  }

  /** Why the guard rolled this rollout back by itself; empty when it did not. */
  public synchronized Optional<String> automaticRollback() {
    return rollback.automaticReason();
  }

  public RolloutSpec spec() {
    return spec;
  }

  public synchronized RolloutState state() {
    return position.state();
  }

  public synchronized int step() {
    return position.step();
  }

  /** This check's own hold, else the HELD state's kind. */
  synchronized Optional<HoldReason> holdReason() {
    return hold.reason();
  }

  public boolean rollbackVerified() {
    return rollback.verified();
  }

  synchronized AuditRecord check() {
    if (position.state().isFinal()) {
      return audit.last();
    }
    Instant now = context.clock().instant();
    hold.checkBegins();
    try {
      AuditRecord judged = judge(now);
      hold.signalsAnswered();
      return judged;
    } catch (SignalsUnavailableException e) {
      return hold.withoutSignals(now, e.getMessage());
    }
  }

  private AuditRecord judge(Instant now) {
    boolean shadow = position.state() == RolloutState.SHADOW;
    List<StepWindows.Window> steps = phases.windows(shadow);
    Optional<SampleRatioCheck> srm =
        shadow ? Optional.empty() : sampleRatio.check(steps, spec.stable(), spec.canary());
    List<RuleCheck> checks = rules.check(steps);
    List<RuleCheck> broken = checks.stream().filter(RuleCheck::broken).toList();
    if (!broken.isEmpty()) {
      return rollback.automatic(now, checks, srm, "rule broken: " + BrokenRules.describe(broken));
    }
    if (shadow) {
      return advanceShadow(now, checks);
    }
    if (srm.isPresent() && srm.get().mismatch()) {
      String why = "sample ratio mismatch: units do not split as planned " + srm.get();
      if (context.config().onSampleRatioMismatch() == GuardConfig.MismatchAction.ROLL_BACK) {
        return rollback.automatic(now, checks, srm, why);
      }
      return hold.start(now, checks, srm, HoldReason.SAMPLE_RATIO_MISMATCH, why);
    }
    if (position.state() == RolloutState.HELD) {
      return hold.keep(now, checks, srm);
    }
    return advanceStep(now, checks, srm, steps);
  }

  synchronized AuditRecord rollBack(String reason) {
    if (position.state() == RolloutState.ROLLED_BACK) {
      return audit.last();
    }
    return rollback.rollBack(
        context.clock().instant(), List.of(), Optional.empty(), "by hand: " + reason);
  }

  /** Records how the rollout got past the eval gate, as its first audit record. */
  public synchronized void recordStart(String reason) {
    evalGate = reason;
    audit.record(
        context.clock().instant(), Decision.CONTINUE, null, List.of(), Optional.empty(), reason);
  }

  /** Records that an operator restored the flag after this rollout's automatic rollback. */
  public synchronized void recordForcedRestore(String reason) {
    adopt(
        position.state(),
        position.step(),
        Decision.CONTINUE,
        "restore forced after automatic rollback: " + reason);
  }

  /**
   * Takes up what the flag or its record shows, found outside a check (a kill: ROLLED_BACK; a step
   * written ahead of its record: CANARY at it), or only notes a decision about ownership when
   * nothing moves; records it.
   */
  synchronized AuditRecord adopt(RolloutState to, int toStep, Decision decision, String why) {
    StateTransition t = null;
    if (to != position.state() || toStep != position.step()) {
      if (to == RolloutState.ROLLED_BACK) {
        rollback.killedElsewhere();
      }
      t = position.moveTo(to, toStep, why);
    }
    return audit.record(context.clock().instant(), decision, t, List.of(), Optional.empty(), why);
  }

  /**
   * Takes up a first-step share the flag shows ahead of the record (a widening written just before
   * a crash); records it.
   */
  synchronized void adoptWidening(double share) {
    if (!position.state().isFinal() && position.step() == 0 && widening.adopt(share)) {
      String why = "the flag shows step 1 widened to " + share + "% before its record; adopted";
      adopt(position.state(), position.step(), Decision.CONTINUE, why);
    }
  }

  /** Writes a rollback the record says began but was never verified. */
  synchronized void finishRollback() {
    rollback.finish();
  }

  private AuditRecord advanceShadow(Instant now, List<RuleCheck> liveChecks) {
    ShadowStage.Next next = shadowStage.decide(now, liveChecks);
    List<RuleCheck> checks = next.checks();
    String why = next.reason();
    return switch (next.action()) {
      case ROLL_BACK -> rollback.automatic(now, checks, Optional.empty(), why);
      case HOLD -> hold.start(now, checks, Optional.empty(), HoldReason.STEP_TIMEOUT, why);
      case WAIT -> audit.record(now, Decision.CONTINUE, null, checks, Optional.empty(), why);
      case EVAL_GATE_REFUSED -> hold.evalGateRefused(now, checks, why);
      case PROMOTE -> promotion.toStep(now, 0, checks, Optional.empty(), why);
    };
  }

  private AuditRecord advanceStep(
      Instant now,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      List<StepWindows.Window> steps) {
    CanaryStep current = currentStep();
    List<String> missing = missing(now, current, checks, steps);
    if (missing.isEmpty()) {
      return position.step() + 1 < spec.plan().steps().size()
          ? promotion.toStep(
              now,
              position.step() + 1,
              checks,
              srm,
              "step passed: baked, evidence in, no rule broken")
          : promotion.toAll(now, checks, srm);
    }
    String lacking = String.join("; ", missing);
    Optional<FirstStepWidening.Shortfall> shortfall =
        widening.shortfall(position.step(), now, phases.startedAt(), current, checks);
    if (shortfall.isPresent()) {
      return widen(now, shortfall.get(), lacking, checks, srm);
    }
    if (Duration.between(phases.startedAt(), now).compareTo(current.maxDuration()) >= 0) {
      String why =
          "step "
              + (position.step() + 1)
              + " ran "
              + current.maxDuration()
              + " and lacks: "
              + lacking;
      if (spec.plan().onStepTimeout() == StepTimeoutAction.ROLL_BACK) {
        return rollback.automatic(now, checks, srm, why);
      }
      return hold.start(now, checks, srm, HoldReason.STEP_TIMEOUT, why);
    }
    return audit.record(now, Decision.CONTINUE, null, checks, srm, "waiting: " + lacking);
  }

  /** What the running step still lacks before it passes: its bake, its samples, its evidence. */
  private List<String> missing(
      Instant now, CanaryStep current, List<RuleCheck> checks, List<StepWindows.Window> steps) {
    List<String> missing = new ArrayList<>();
    if (Duration.between(phases.startedAt(), now).compareTo(current.minBake()) < 0) {
      missing.add("baking until " + phases.startedAt().plus(current.minBake()));
    }
    missing.addAll(phases.samplesMissing(position.step(), current, steps.get(steps.size() - 1)));
    missing.addAll(evidence.missing(position.step(), checks, steps));
    return missing;
  }

  /** The first step falls short of its evidence by its deadline: it widens, or alerts once. */
  private AuditRecord widen(
      Instant now,
      FirstStepWidening.Shortfall shortfall,
      String lacking,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm) {
    Optional<StepWriter.Outcome> unwritten = widening.act(shortfall);
    if (unwritten.isPresent()) {
      return promotion.notWritten(now, unwritten.get(), checks, srm);
    }
    String why = shortfall.why() + (shortfall.widens() ? "" : "; " + lacking);
    return audit.record(now, Decision.CONTINUE, null, checks, srm, why);
  }

  private CanaryStep currentStep() {
    return spec.plan().steps().get(position.step());
  }
}
