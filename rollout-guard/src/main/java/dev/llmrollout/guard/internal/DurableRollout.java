package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.EventPublisher;
import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.HoldReason;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.spi.FlagState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A rollout that survives its controller: its record (spec, plan, step starts, state, reasons,
 * owner, lease) is written next to the flag on every transition and lease renewal, and a guard that
 * finds the record takes the rollout up where it stood. One guard owns it at a time: the owner
 * renews its lease on its checks and acts; any other guard stands by, follows the record, and takes
 * the rollout over only once the lease lapsed. Every write the owner makes is fenced by the flag
 * version it last saw (see {@link RolloutLease}).
 */
public final class DurableRollout implements Rollout {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final List<String> segments;
  private final RolloutLease lease;
  private final DefaultEventPublisher events = new DefaultEventPublisher();
  private volatile GuardedRollout current;
  private RolloutProgress followed;
  private RolloutProgress persisted;
  private String standingBy;

  private DurableRollout(
      GuardContext context, RolloutSpec spec, List<String> segments, String rolloutId, String v) {
    this.context = context;
    this.spec = spec;
    this.segments = List.copyOf(segments);
    this.lease = new RolloutLease(context, spec.flagKey(), rolloutId, v, events::publish);
    events.onStateTransition(e -> persist(e.transition() + ": " + e.reason()));
    events.onRollback(
        e -> {
          if (e.phase() == GuardEvent.RollbackEvent.Phase.VERIFIED) {
            persist("rollback verified");
          }
        });
  }

  /**
   * A rollout this guard starts now, its first phase (shadow, or the first step in {@code written})
   * beginning now; it owns the lease and writes its first record at once, with how it passed the
   * eval gate.
   */
  public static DurableRollout start(
      GuardContext context,
      RolloutSpec spec,
      RolloutState initialState,
      FlagState written,
      List<String> segments,
      Optional<String> gateNote) {
    DurableRollout rollout =
        new DurableRollout(
            context, spec, segments, UUID.randomUUID().toString(), written.version());
    rollout.current =
        new GuardedRollout(
            context,
            spec,
            segments,
            rollout.lease,
            rollout.events,
            RolloutProgress.starting(initialState));
    gateNote.ifPresent(rollout.current::recordStart);
    rollout.lease.claim();
    rollout.persist("rollout of '" + spec.canary() + "' started");
    return rollout;
  }

  /**
   * A rollout found in its flag's record, at the record's step with the record's step start. It
   * takes the lease at once when it lapsed or names this guard, squaring the record with the flag
   * (a kill, or a step written just before a crash); otherwise it stands by.
   */
  public static DurableRollout resume(GuardContext context, RolloutRecord stored) {
    DurableRollout rollout =
        new DurableRollout(context, stored.spec(), stored.segments(), stored.rolloutId(), null);
    rollout.follow(stored);
    rollout.note(Decision.CONTINUE, "found in the flag's record: " + stored.standing());
    if (!stored.state().isFinal()) {
      rollout.takeOverIfLapsed(context.clock().instant());
    }
    return rollout;
  }

  /** The id telling this rollout from the flag's earlier and later ones. */
  public String rolloutId() {
    return lease.rolloutId();
  }

  /** True while this guard holds the rollout's lease and acts on it. */
  public boolean owned() {
    return lease.held();
  }

  @Override
  public RolloutSpec spec() {
    return spec;
  }

  @Override
  public RolloutState state() {
    return current.state();
  }

  @Override
  public int step() {
    return current.step();
  }

  @Override
  public boolean rollbackVerified() {
    return current.rollbackVerified();
  }

  @Override
  public Optional<HoldReason> holdReason() {
    return current.holdReason();
  }

  @Override
  public EventPublisher eventPublisher() {
    return events;
  }

  /** When the running step (or shadow phase) began: its bake clock. */
  public Instant phaseStartedAt() {
    RolloutProgress progress = current.progress();
    return progress.stepStartedAt().or(progress::shadowStartedAt).orElseThrow();
  }

  /**
   * As the owner: reads the flag (a kill or another owner's record shows there), renews the lease
   * once half of it is gone, then judges. As a standby: follows the record and takes the rollout
   * over once its lease lapsed.
   */
  @Override
  public synchronized AuditRecord check() {
    if (current.state().isFinal()) {
      return current.check();
    }
    Instant now = context.clock().instant();
    if (lease.held()) {
      Optional<FlagState> seen = lease.observe();
      if (lease.held()) {
        seen.filter(FlagState::killed).ifPresent(this::killedMeanwhile);
        if (lease.renewalDue(now)) {
          persist("lease renewed by " + lease.owner());
        }
      }
    }
    if (!lease.held()) {
      Optional<AuditRecord> standing = takeOverIfLapsed(now);
      if (standing.isPresent()) {
        return standing.get();
      }
    }
    AuditRecord judged = current.check();
    if (!current.progress().equals(persisted)) {
      // a move that is no transition: the first step widened (its share is a new step start)
      persist(judged.reason());
    }
    return judged;
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

  /**
   * Rolls back by hand. A standby does it too (the operator's word outranks the lease): its kill is
   * written on the version it reads now, and the owner finds the flag killed on its next check.
   */
  @Override
  public synchronized AuditRecord rollBack(String reason) {
    if (!lease.held()) {
      lease.readForOperator();
    }
    return current.rollBack(reason);
  }

  /** Why the guard rolled this rollout back by itself; empty when it did not. */
  public Optional<String> automaticRollback() {
    return current.automaticRollback();
  }

  /** Records that an operator restored the flag after this rollout's automatic rollback. */
  public void recordForcedRestore(String reason) {
    current.recordForcedRestore(reason);
  }

  /** Ends this rollout without touching the flag or its record: a forced rollout replaced it. */
  public synchronized void supersede(String reason) {
    lease.release();
    halt(reason);
  }

  /** Ends the rollout here without touching the flag; its record is another's now. */
  private void halt(String why) {
    if (!current.state().isFinal()) {
      current.adopt(RolloutState.HALTED, -1, Decision.HALT, why);
    }
  }

  private AuditRecord note(Decision decision, String why) {
    return current.adopt(current.state(), current.step(), decision, why);
  }

  private void persist(String reason) {
    if (lease.held()) {
      RolloutRecord record = snapshot(lease.expiryFromNow());
      lease.write(record, reason);
      persisted = record.progress();
    }
  }

  private RolloutRecord snapshot(Instant expiry) {
    return new RolloutRecord(
        lease.rolloutId(),
        spec,
        segments,
        current.progress(),
        lease.owner(),
        expiry,
        context.clock().instant());
  }

  /**
   * A standby's look at the record: follows the owner's progress, takes the lease once it lapsed,
   * or ends when the record no longer holds this rollout. Empty once this guard owns the rollout.
   */
  private Optional<AuditRecord> takeOverIfLapsed(Instant now) {
    RolloutLease.Look look =
        lease.tryAcquire(
            now, stored -> stored.withOwner(lease.owner(), lease.expiryFromNow(), now));
    Optional<RolloutRecord> stored = look.stored();
    if (stored.isEmpty() || !stored.get().rolloutId().equals(lease.rolloutId())) {
      halt("the flag's record no longer holds this rollout (replaced or removed)");
      return Optional.of(note(Decision.HALT, "record replaced or removed; stopped"));
    }
    follow(stored.get());
    if (current.state().isFinal()) {
      return Optional.of(
          note(Decision.CONTINUE, "ended under " + stored.get().owner() + "'s lease"));
    }
    if (!look.acquired()) {
      String why =
          "standing by: "
              + stored.get().owner()
              + " owns the rollout until "
              + stored.get().leaseExpiresAt();
      if (!why.equals(standingBy) || current.lastRecord() == null) {
        standingBy = why;
        return Optional.of(note(Decision.HOLD, why));
      }
      return Optional.of(current.lastRecord());
    }
    standingBy = null;
    note(
        Decision.CONTINUE,
        "took the rollout over from "
            + stored.get().owner()
            + " at step "
            + (current.step() + 1)
            + ", step started "
            + phaseStartedAt());
    squareWithFlag(look.flag());
    return Optional.empty();
  }

  /** Takes up the record's progress (rebuilding the judge only when it moved). */
  private void follow(RolloutRecord stored) {
    persisted = stored.progress();
    if (!stored.progress().equals(followed)) {
      followed = stored.progress();
      current = new GuardedRollout(context, spec, segments, lease, events, stored.progress());
    }
  }

  /**
   * A record can lag the flag by one write: a kill, or a step (or a first step's wider share)
   * written just before a crash.
   */
  private void squareWithFlag(FlagState flag) {
    if (flag.killed()) {
      killedMeanwhile(flag);
    } else {
      adoptStepAhead(flag.share(spec.canary()));
    }
    current.finishRollback();
  }

  private void adoptStepAhead(double canaryShare) {
    current.adoptWidening(canaryShare);
    int adopted = StepWriter.stepOf(spec.plan(), canaryShare, current.step());
    RolloutState state = current.state();
    if ((state == RolloutState.CANARY || state == RolloutState.HELD) && adopted > current.step()) {
      current.adopt(
          RolloutState.CANARY,
          adopted,
          Decision.CONTINUE,
          "the flag shows step " + (adopted + 1) + " written before its record; adopted");
    }
  }

  private void killedMeanwhile(FlagState flag) {
    if (!current.state().isFinal()) {
      current.adopt(
          RolloutState.ROLLED_BACK,
          -1,
          Decision.ROLL_BACK,
          "flag '" + spec.flagKey() + "' was killed to '" + flag.killedTo().get() + "' meanwhile");
    }
  }
}
