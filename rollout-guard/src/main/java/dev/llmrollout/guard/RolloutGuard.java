package dev.llmrollout.guard;

import dev.llmrollout.guard.internal.DurableRollout;
import dev.llmrollout.guard.internal.EvalGateCheck;
import dev.llmrollout.guard.internal.GuardContext;
import dev.llmrollout.guard.internal.RecordedRollouts;
import dev.llmrollout.guard.internal.RolloutRecord;
import dev.llmrollout.guard.internal.StartAdmission;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.signals.PairSignalSource;
import dev.llmrollout.signals.SignalSource;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * Starts and keeps the rollouts of one process: progressive canary plans held to pre-declared
 * rules, with automatic rollback written back through the flag's backend.
 *
 * <pre>{@code
 * RolloutGuard guard = RolloutGuard.builder(backend.control(), router.signals())
 *     .override(killSwitch)   // the same instance the provider was built with (servingOverride)
 *     .alertHook(WebhookAlertHook.fromEnvironment("LLM_ROUTER_ALERT_WEBHOOK"))
 *     .build();
 * Rollout rollout = guard.start(RolloutSpec.forFlag("support-model")
 *     .stable("stable").canary("candidate").versions("1.4.2", "1.5.0").build());
 * rollout.startChecking();
 * }</pre>
 *
 * <p>With an {@link EvalGate}, a canary starts only for a candidate payload with a passing offline
 * eval report, unless the spec skips the gate with a reason that goes into the audit record.
 *
 * <p>One change at a time: a second rollout of a flag that a running rollout covers (here, or in
 * another controller's record next to the flag), or whose split already shows a canary, is refused
 * unless the spec is forced.
 *
 * <p>Rollouts are durable: each one's record is written next to its flag through {@link
 * RolloutControl#writeRolloutRecord}, and {@link #resume} takes up every rollout found there, at
 * the same step with the same step start. One guard owns a rollout at a time, by a lease that the
 * owner renews and a standby takes over once it lapsed (see docs/rollout-guard.md, "Durable
 * rollouts and ownership").
 */
public final class RolloutGuard {
  private final GuardContext context;
  private final Map<String, DurableRollout> rollouts = new ConcurrentHashMap<>();

  private RolloutGuard(GuardContext context) {
    this.context = context;
  }

  /** A builder over the write-back SPI and the signals the router records. */
  public static Builder builder(RolloutControl control, SignalSource signals) {
    return new Builder(control, signals);
  }

  /**
   * Starts {@code spec}: checks the version policy and overlaps, then enters the shadow phase or
   * writes the first canary step (conditionally on the version just read).
   *
   * @throws RolloutRefusedException when the policy or a running rollout forbids it
   * @throws dev.llmrollout.spi.WriteBackException when the first step cannot be written
   */
  public synchronized Rollout start(RolloutSpec spec) {
    VersionPolicy.enforce(spec);
    DurableRollout running = rollouts.get(spec.flagKey());
    StartAdmission.refuseOverRunning(spec, running);
    FlagState current = context.control().state(spec.flagKey());
    StartAdmission.refuseOverFlag(spec, current, running);
    boolean shadowFirst = spec.plan().shadow().isPresent() && !spec.shadowCompleted();
    boolean major =
        VersionPolicy.classify(spec.stableVersion(), spec.canaryVersion())
            == VersionPolicy.Change.MAJOR;
    Optional<String> gateNote =
        shadowFirst && !major
            ? Optional.empty()
            : EvalGateCheck.enforce(context, spec, shadowFirst ? "shadow phase" : "canary");
    FlagState written = shadowFirst ? current : writeFirstStep(spec, current);
    if (running != null && !running.state().isFinal()) {
      running.supersede("superseded by a forced rollout of '" + spec.canary() + "'");
    }
    context.override().release(spec.flagKey());
    DurableRollout rollout =
        DurableRollout.start(
            context,
            spec,
            shadowFirst ? RolloutState.SHADOW : RolloutState.CANARY,
            written,
            declaredSegments(spec),
            gateNote);
    rollouts.put(spec.flagKey(), rollout);
    return rollout;
  }

  /**
   * Takes up every rollout recorded next to {@code flagKeys} (a backend's {@code flagKeys()}): a
   * running one at its recorded step with its recorded step start, owned by this guard when its
   * lease lapsed or names this guard's owner id, else watched as a standby that takes it over once
   * the lease lapses; each running one is checked from now on. A finished one is kept for status
   * and for {@link #restore}. Flags already tracked with the same rollout are left alone, so
   * calling it again picks up only rollouts started elsewhere since.
   *
   * @return the rollouts taken up by this call
   */
  public synchronized List<Rollout> resume(Collection<String> flagKeys) {
    List<Rollout> resumed = new ArrayList<>();
    for (String flagKey : flagKeys) {
      Optional<RolloutRecord> found = RecordedRollouts.find(context, flagKey);
      if (found.isEmpty()) {
        continue;
      }
      RolloutRecord stored = found.get();
      DurableRollout known = rollouts.get(flagKey);
      if (known != null && known.rolloutId().equals(stored.rolloutId())) {
        continue;
      }
      if (known != null && !known.state().isFinal()) {
        known.supersede("the flag's record holds a newer rollout, " + stored.rolloutId());
      }
      DurableRollout rollout = DurableRollout.resume(context, stored);
      rollouts.put(flagKey, rollout);
      if (!rollout.state().isFinal()) {
        rollout.startChecking();
      }
      resumed.add(rollout);
    }
    return resumed;
  }

  /** The id this guard holds leases under. */
  public String owner() {
    return context.owner();
  }

  /**
   * Restores {@code flagKey} from its kill through the backend. After the guard rolled a rollout of
   * it back by itself, the canary comes back only when {@code force} is set and the request carries
   * a reason, both written to the audit record. Once the backend took the restore, this process's
   * in-process kill of the flag ({@link KillSwitchOverride}, forced at rollback) is released, so
   * the process serves what the backend serves again.
   *
   * @throws RolloutRefusedException after an automatic rollback without force and reason
   */
  public synchronized FlagState restore(String flagKey, ChangeRequest request, boolean force) {
    DurableRollout last = rollouts.get(flagKey);
    Optional<String> automatic = last == null ? Optional.empty() : last.automaticRollback();
    // A ChangeRequest always carries a reason; force is the operator's explicit word.
    RestoreRefusal.check(flagKey, automatic, force);
    if (automatic.isPresent()) {
      last.recordForcedRestore(request.reason());
    }
    FlagState restored = context.control().restore(flagKey, request);
    // Only once the backend took the restore: until then the in-process kill keeps serving stable.
    context.override().release(flagKey);
    return restored;
  }

  /** The latest rollout of {@code flagKey}, running or final. */
  public Optional<Rollout> rollout(String flagKey) {
    return Optional.ofNullable(rollouts.get(flagKey));
  }

  /** The override the router must consult before every evaluation. */
  public KillSwitchOverride override() {
    return context.override();
  }

  /** Writes the first canary step, conditionally on the version {@code current} was read at. */
  private FlagState writeFirstStep(RolloutSpec spec, FlagState current) {
    double percent = spec.plan().canaryPercent(0);
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put(spec.stable(), 100 - percent);
    weights.put(spec.canary(), percent);
    return context
        .control()
        .setWeights(
            spec.flagKey(),
            weights,
            ChangeRequest.because("rollout of '" + spec.canary() + "' begins")
                .by(context.config().actor())
                .ifVersion(current.version()));
  }

  /**
   * The segments a rollout is judged in, fixed at its start: those the spec declares, else those
   * the signals of its two variants show now (later values count in the "other" segment).
   */
  private List<String> declaredSegments(RolloutSpec spec) {
    if (!spec.segments().isEmpty()) {
      return spec.segments();
    }
    Set<String> seen = new TreeSet<>();
    seen.addAll(context.signals().counters(spec.flagKey(), spec.stable()).segments());
    seen.addAll(context.signals().counters(spec.flagKey(), spec.canary()).segments());
    return List.copyOf(seen);
  }

  private static GuardScheduler daemonScheduler() {
    return GuardScheduler.of(
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "rollout-guard");
              thread.setDaemon(true);
              return thread;
            }));
  }

  /** Builds a {@link RolloutGuard}; only the control and the signals are required. */
  public static final class Builder {
    private final RolloutControl control;
    private final SignalSource signals;
    private GuardConfig config = GuardConfig.ofDefaults();
    private Clock clock = Clock.systemUTC();
    private GuardScheduler scheduler;
    private KillSwitchOverride override = new KillSwitchOverride();
    private AuditLog auditLog = new InMemoryAuditLog(10_000);
    private AlertHook alertHook = AlertHook.none();
    private EvaluationProbe probe;
    private EvalGate evalGate;
    private String owner;
    private PairSignalSource shadowPairs;

    private Builder(RolloutControl control, SignalSource signals) {
      this.control = Objects.requireNonNull(control, "control");
      this.signals = Objects.requireNonNull(signals, "signals");
    }

    public Builder config(GuardConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The clock for bake times and records; a fixed or stepped clock in simulations. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where periodic checks and rollback retries run; a daemon thread unless set. */
    public Builder scheduler(GuardScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    public Builder override(KillSwitchOverride override) {
      this.override = Objects.requireNonNull(override, "override");
      return this;
    }

    public Builder auditLog(AuditLog auditLog) {
      this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
      return this;
    }

    public Builder alertHook(AlertHook alertHook) {
      this.alertHook = Objects.requireNonNull(alertHook, "alertHook");
      return this;
    }

    /** Verifies rollbacks by fresh evaluations as well as by read-back. */
    public Builder probe(EvaluationProbe probe) {
      this.probe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /**
     * Refuses canaries (and shadow phases of major versions) whose candidate payload has no passing
     * offline eval report; none unless set.
     */
    public Builder evalGate(EvalGate gate) {
      this.evalGate = Objects.requireNonNull(gate, "evalGate");
      return this;
    }

    /**
     * The id this guard holds rollout leases under. A controller that keeps its id across restarts
     * takes its rollouts up at once; a new id waits for the old lease to lapse. Unless set: the
     * actor, host name, process id and a random suffix, unique to this guard.
     */
    public Builder owner(String id) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("owner: expected a non-blank id, got " + id);
      }
      this.owner = id;
      return this;
    }

    /**
     * The shadow pairs a shadow phase is judged on ({@code router.shadowPairs()}): with them, a
     * shadow phase reaches the first canary step only when its {@link RolloutSpec#shadowRules} are
     * shown non-inferior on paired evidence, and aborts (no user exposed) when one is shown broken.
     * Without them a shadow phase waits its minimum duration and samples on the signals.
     */
    public Builder shadowPairs(PairSignalSource pairs) {
      this.shadowPairs = Objects.requireNonNull(pairs, "shadowPairs");
      return this;
    }

    public RolloutGuard build() {
      GuardScheduler effective = scheduler != null ? scheduler : daemonScheduler();
      return new RolloutGuard(
          new GuardContext(
              control,
              signals,
              config,
              clock,
              effective,
              override,
              auditLog,
              alertHook,
              Optional.ofNullable(probe),
              Optional.ofNullable(evalGate),
              owner != null ? owner : generatedOwner(config.actor()),
              Optional.ofNullable(shadowPairs)));
    }

    private static String generatedOwner(String actor) {
      String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
      return actor
          + "@"
          + host
          + "/"
          + ProcessHandle.current().pid()
          + "-"
          + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
