package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.AlertHook;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.WebhookAlertHook;
import dev.llmrollout.signals.PairSignalSource;
import dev.llmrollout.signals.SignalSource;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.VariantPayload;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The rollouts one process guards, a gateway in process or a controller ({@code llm-router guard})
 * for a fleet: one {@link RolloutGuard} over the backend's write-back, the given signals (the
 * router's in a gateway, Prometheus's in a controller), the stack's kill-switch override and
 * evaluation probe, with the eval gate fed by the reports sent inline with each start request.
 * Every decision is a {@link DecisionLog} line; {@link RolloutGauges} export the state.
 */
final class GuardedRollouts {
  private static final int RECORDS_PER_FLAG = 500;
  private static final int RECENT_RECORDS = 20;

  private final FlagStack stack;
  private final String host;
  private final ObjectMapper json;
  private final RolloutAuditTrail audit;
  private final SubmittedReportGate evalGate;
  private final GuardConfig config;
  private final RolloutGuard guard;
  private final JudgeEvidence judge;
  private final Map<String, Instant> startedAt = new ConcurrentHashMap<>();
  private final Set<String> restoredAfterRollback = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService rescans =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "rollout-resume");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param signals what the guard judges: the router's counters, or a fleet's from Prometheus
   * @param shadowPairs the shadow pairs a shadow phase is judged on: the router's, or a fleet's
   *     from Prometheus; without them a shadow phase waits its minimum duration and samples
   * @param host what runs the guard, "gateway" or "controller": in the actor and in refusals
   * @param judge the judge evidence its rollouts can get (a gateway's own judge, or {@link
   *     JudgeEvidence#FLEET} for a controller): start requests declaring judge rules without it are
   *     refused
   */
  GuardedRollouts(
      FlagStack stack,
      SignalSource signals,
      Optional<PairSignalSource> shadowPairs,
      String host,
      RolloutSettings settings,
      Function<String, String> environment,
      ObjectMapper json,
      JudgeEvidence judge) {
    this.judge = judge;
    this.stack = stack;
    this.host = host;
    this.json = json;
    this.audit = new RolloutAuditTrail(json, RECORDS_PER_FLAG, settings.auditFile());
    this.evalGate = new SubmittedReportGate(stack::payload);
    GuardConfig.Builder configBuilder =
        GuardConfig.custom()
            .checkInterval(settings.checkInterval())
            .actor("llm-router " + host + " rollout-guard");
    settings.leaseTtl().ifPresent(configBuilder::leaseTtl);
    this.config = configBuilder.build();
    RolloutGuard.Builder builder =
        RolloutGuard.builder(stack.control(), signals)
            .override(stack.override())
            .probe(stack.evaluationProbe())
            .alertHook(alertHook(environment))
            .auditLog(audit)
            .evalGate(evalGate)
            .config(config);
    settings.guardId().ifPresent(builder::owner);
    shadowPairs.ifPresent(builder::shadowPairs);
    this.guard = builder.build();
  }

  /**
   * Takes up the rollouts recorded next to the backend's flags now (issue 15.4: a restarted process
   * resumes its rollouts at their step and step start; another guard's are watched as a standby),
   * then again every half lease, so a standby notices rollouts started elsewhere and takes over one
   * whose owner stopped renewing.
   */
  void resumeRecorded() {
    resumeQuietly();
    long everyMillis = config.leaseTtl().dividedBy(2).toMillis();
    rescans.scheduleWithFixedDelay(
        this::resumeQuietly, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops rescanning for recorded rollouts (before the backend they are read from closes). */
  void close() {
    rescans.shutdownNow();
  }

  /** A backend that cannot be read now is tried again at the next rescan; it never stops us. */
  private void resumeQuietly() {
    try {
      resumeNow();
    } catch (RuntimeException e) {
      OperatorLog.event("guard.resume")
          .with("result", "failed")
          .with("error", e.getMessage())
          .warn();
    }
  }

  private synchronized void resumeNow() {
    for (Rollout rollout : guard.resume(stack.flagKeys())) {
      String flag = rollout.spec().flagKey();
      startedAt.put(flag, Instant.now());
      DecisionLog.follow(rollout);
      OperatorLog.event("guard.resume")
          .with("flag", flag)
          .with("canary", rollout.spec().canary())
          .with("state", rollout.state())
          .with("step", rollout.step() + 1)
          .with("guard", guard.owner())
          .info();
    }
  }

  /** What runs this guard: "gateway" or "controller". */
  String host() {
    return host;
  }

  /** The latest rollout of every flag this process started one of. */
  Map<String, Rollout> rollouts() {
    Map<String, Rollout> latest = new TreeMap<>();
    for (String flag : startedAt.keySet()) {
      guard.rollout(flag).ifPresent(r -> latest.put(flag, r));
    }
    return latest;
  }

  /**
   * Restores {@code flagKey} from its kill; after the guard's automatic rollback only with {@code
   * force} (the request's reason goes into the audit record).
   *
   * @throws RolloutRefusedException after an automatic rollback without force
   */
  FlagState restore(String flagKey, ChangeRequest change, boolean force) {
    FlagState restored = guard.restore(flagKey, change, force);
    restoredAfterRollback.add(flagKey);
    return restored;
  }

  /**
   * The flags whose latest rollout this guard rolled back and that were not restored through it
   * since, each with the variant it serves (stable).
   */
  Map<String, String> killedByGuard() {
    Map<String, String> killed = new TreeMap<>();
    rollouts()
        .forEach(
            (flag, rollout) -> {
              if (rollout.state() == RolloutState.ROLLED_BACK
                  && !restoredAfterRollback.contains(flag)) {
                killed.put(flag, rollout.spec().stable());
              }
            });
    return killed;
  }

  private static AlertHook alertHook(Function<String, String> environment) {
    String url = environment.apply(RolloutSettings.ALERT_WEBHOOK_VARIABLE);
    if (url == null || url.isBlank()) {
      return AlertHook.none();
    }
    try {
      return new WebhookAlertHook(
          URI.create(url.trim()),
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
          Duration.ofSeconds(10));
    } catch (IllegalArgumentException e) {
      // the URL may embed a secret: name the variable, never the value
      throw new IllegalArgumentException(
          RolloutSettings.ALERT_WEBHOOK_VARIABLE + ": expected an http or https URL");
    }
  }

  /**
   * Starts a guarded rollout of {@code flagKey} from a start request's body and begins checking it.
   *
   * @throws HttpExchange.BadRequest when the body is malformed
   * @throws RolloutRefusedException when a rollout is running, the eval gate or the version policy
   *     refuses
   */
  synchronized Rollout start(String flagKey, JsonNode body) {
    RolloutRequestReader request = new RolloutRequestReader(flagKey, body, judge);
    Optional<JsonNode> report = request.evalReport();
    FlagState state = stack.control().state(flagKey);
    String defaultStable = state.defaultVariant();
    RolloutSpec spec =
        request.spec(defaultStable, metadataPlan(flagKey, body, defaultStable), state.weights());
    Optional<Rollout> running = guard.rollout(flagKey).filter(r -> !r.state().isFinal());
    if (running.isPresent()) {
      throw new RolloutRefusedException(
          "flag '"
              + flagKey
              + "': a rollout of '"
              + running.get().spec().canary()
              + "' is "
              + running.get().state()
              + "; expected none running: abort it first (llm-router rollout abort "
              + flagKey
              + " --reason ...)");
    }
    evalGate.submit(flagKey, report);
    Instant begun = Instant.now();
    Rollout rollout;
    try {
      rollout = guard.start(spec);
    } catch (IllegalArgumentException e) {
      throw new HttpExchange.BadRequest(e.getMessage());
    }
    startedAt.put(flagKey, begun);
    restoredAfterRollback.remove(flagKey);
    DecisionLog.follow(rollout);
    DecisionLog.acquiredAtStart(flagKey, guard.owner());
    rollout.startChecking();
    return rollout;
  }

  /** The plan in the canary's flag metadata ({@code rollout.*} keys), else the defaults. */
  private RolloutPlan metadataPlan(String flagKey, JsonNode body, String defaultStable) {
    String canary = body.path("canary").asText(defaultStable);
    Map<String, Object> metadata =
        stack
            .payload(flagKey, canary)
            .map(VariantPayload::metadata)
            .map(m -> m.asUnmodifiableMap())
            .orElse(Map.of());
    try {
      return RolloutPlan.fromMetadata(flagKey, metadata);
    } catch (IllegalArgumentException e) {
      throw new HttpExchange.BadRequest(e.getMessage());
    }
  }

  /**
   * Rolls {@code flagKey}'s running rollout back by hand (the same kill, verification and audit as
   * an automatic rollback).
   *
   * @throws RolloutRefusedException when no rollout of the flag is running
   */
  synchronized Rollout abort(String flagKey, String reason) {
    Rollout rollout =
        guard
            .rollout(flagKey)
            .filter(r -> !r.state().isFinal())
            .orElseThrow(
                () ->
                    new RolloutRefusedException(
                        "flag '"
                            + flagKey
                            + "': no rollout is running in this "
                            + host
                            + "; expected one to abort"));
    rollout.rollBack(reason);
    return rollout;
  }

  /**
   * Whether {@code flagKey}'s rollout is in a canary step now: only then are answers judged live.
   */
  boolean inCanary(String flagKey) {
    return guard.rollout(flagKey).map(r -> r.state() == RolloutState.CANARY).orElse(false);
  }

  /** The latest rollout of {@code flagKey}, running or final. */
  Optional<Rollout> rollout(String flagKey) {
    return guard.rollout(flagKey);
  }

  /** A short view of {@code flagKey}'s latest rollout for the flag's own admin page. */
  Optional<ObjectNode> summary(String flagKey) {
    return guard.rollout(flagKey).map(rollout -> header(rollout));
  }

  /**
   * What the admin API shows of a rollout: state, step, plan, weights read back, the last check's
   * decisions, the recent records and every transition.
   */
  ObjectNode describe(Rollout rollout) {
    RolloutSpec spec = rollout.spec();
    FlagState flag = stack.control().state(spec.flagKey());
    ObjectNode node = header(rollout);
    node.putPOJO("weights", flag.weights());
    node.put("killedTo", flag.killedTo().orElse(null));
    node.set("plan", RolloutJson.plan(json, spec.plan()));
    List<AuditRecord> records = records(spec.flagKey());
    node.set(
        "lastCheck",
        records.isEmpty() ? null : RolloutJson.record(json, records.get(records.size() - 1)));
    ArrayNode transitions = node.putArray("transitions");
    records.stream()
        .filter(r -> r.transition().isPresent())
        .forEach(
            r ->
                transitions.add(
                    RolloutJson.transition(json, r.transition().get())
                        .put("at", r.at().toString())
                        .put("reason", r.reason())));
    ArrayNode recent = node.putArray("audit");
    records.stream()
        .skip(Math.max(0, records.size() - RECENT_RECORDS))
        .forEach(r -> recent.add(RolloutJson.record(json, r)));
    return node;
  }

  private ObjectNode header(Rollout rollout) {
    RolloutSpec spec = rollout.spec();
    ObjectNode node = json.createObjectNode();
    node.put("flag", spec.flagKey());
    node.put("stable", spec.stable());
    node.put("canary", spec.canary());
    node.put("state", rollout.state().name());
    int step = rollout.step();
    node.put("step", step + 1);
    node.put("steps", spec.plan().steps().size());
    node.put("stepPercent", step < 0 ? null : spec.plan().steps().get(step).percent());
    node.put("rollbackVerified", rollout.rollbackVerified());
    node.put("holdReason", rollout.holdReason().map(RolloutGauges::label).orElse(null));
    List<AuditRecord> records = records(spec.flagKey());
    node.put(
        "lastDecision",
        records.isEmpty() ? null : records.get(records.size() - 1).decision().name());
    return node;
  }

  /** The audit records of {@code flagKey}'s latest rollout, oldest first. */
  private List<AuditRecord> records(String flagKey) {
    Instant begun = startedAt.getOrDefault(flagKey, Instant.MIN);
    return audit.records(flagKey).stream().filter(r -> !r.at().isBefore(begun)).toList();
  }
}
