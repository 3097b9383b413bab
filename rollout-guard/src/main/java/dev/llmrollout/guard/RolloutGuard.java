package dev.llmrollout.guard;

import dev.llmrollout.guard.internal.EvalGateCheck;
import dev.llmrollout.guard.internal.GuardContext;
import dev.llmrollout.guard.internal.GuardedRollout;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.signals.PairSignalSource;
import dev.llmrollout.signals.SignalSource;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>One change at a time: a second rollout of a flag that a running rollout covers, or whose split
 * already shows a canary, is refused unless the spec is forced.
 */
public final class RolloutGuard {
  private final GuardContext context;
  private final Map<String, GuardedRollout> rollouts = new ConcurrentHashMap<>();

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
    GuardedRollout running = rollouts.get(spec.flagKey());
    if (running != null && !running.state().isFinal() && !spec.force()) {
      throw new RolloutRefusedException(
          "flag '"
              + spec.flagKey()
              + "': a rollout of '"
              + running.spec().canary()
              + "' is running ("
              + running.state()
              + "); finish it or force the new one");
    }
    FlagState current = context.control().state(spec.flagKey());
    checkFlag(spec, current);
    boolean shadowFirst = spec.plan().shadow().isPresent() && !spec.shadowCompleted();
    boolean major =
        VersionPolicy.classify(spec.stableVersion(), spec.canaryVersion())
            == VersionPolicy.Change.MAJOR;
    Optional<String> gateNote =
        shadowFirst && !major
            ? Optional.empty()
            : EvalGateCheck.enforce(context, spec, shadowFirst ? "shadow phase" : "canary");
    FlagState written = current;
    if (!shadowFirst) {
      double percent = spec.plan().canaryPercent(0);
      Map<String, Double> weights = new LinkedHashMap<>();
      weights.put(spec.stable(), 100 - percent);
      weights.put(spec.canary(), percent);
      written =
          context
              .control()
              .setWeights(
                  spec.flagKey(),
                  weights,
                  ChangeRequest.because("rollout of '" + spec.canary() + "' begins")
                      .by(context.config().actor())
                      .ifVersion(current.version()));
    }
    if (running != null && !running.state().isFinal()) {
      running.supersede("superseded by a forced rollout of '" + spec.canary() + "'");
    }
    context.override().release(spec.flagKey());
    GuardedRollout rollout =
        new GuardedRollout(
            context,
            spec,
            shadowFirst ? RolloutState.SHADOW : RolloutState.CANARY,
            written,
            declaredSegments(spec));
    rollouts.put(spec.flagKey(), rollout);
    gateNote.ifPresent(rollout::recordStart);
    return rollout;
  }

  /**
   * Restores {@code flagKey} from its kill through the backend. After the guard rolled a rollout of
   * it back by itself, the canary comes back only when {@code force} is set and the request carries
   * a reason, both written to the audit record.
   *
   * @throws RolloutRefusedException after an automatic rollback without force and reason
   */
  public synchronized FlagState restore(String flagKey, ChangeRequest request, boolean force) {
    GuardedRollout last = rollouts.get(flagKey);
    Optional<String> automatic = last == null ? Optional.empty() : last.automaticRollback();
    if (automatic.isPresent()) {
      // A ChangeRequest always carries a reason; force is the operator's explicit word.
      if (!force) {
        throw new RolloutRefusedException(
            "flag '"
                + flagKey
                + "' was rolled back automatically ("
                + automatic.get()
                + "); restore needs force and a reason");
      }
      last.recordForcedRestore(request.reason());
    }
    return context.control().restore(flagKey, request);
  }

  /** The latest rollout of {@code flagKey}, running or final. */
  public Optional<Rollout> rollout(String flagKey) {
    return Optional.ofNullable(rollouts.get(flagKey));
  }

  /** The override the router must consult before every evaluation. */
  public KillSwitchOverride override() {
    return context.override();
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

  private static void checkFlag(RolloutSpec spec, FlagState current) {
    for (String variant : new String[] {spec.stable(), spec.canary()}) {
      if (!current.variants().contains(variant)) {
        throw new IllegalArgumentException(
            "flag '"
                + spec.flagKey()
                + "' has no variant '"
                + variant
                + "', expected one of "
                + current.variants());
      }
    }
    if (current.killed()) {
      throw new RolloutRefusedException(
          "flag '"
              + spec.flagKey()
              + "' is killed to '"
              + current.killedTo().get()
              + "'; restore it before a rollout");
    }
    long serving = current.weights().values().stream().filter(w -> w > 0 && w < 100).count();
    if (serving > 1 && !spec.force()) {
      throw new RolloutRefusedException(
          "flag '"
              + spec.flagKey()
              + "' is already split "
              + current.weights()
              + ": another change covers this traffic; finish it or force the new one");
    }
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
              Optional.ofNullable(shadowPairs)));
    }
  }
}
