package dev.llmrollout.appconfig;

import dev.llmrollout.appconfig.internal.ControlPlane;
import dev.llmrollout.appconfig.internal.ControlPlane.Deployed;
import dev.llmrollout.appconfig.internal.ControlPlaneCalls;
import dev.llmrollout.appconfig.internal.DeploymentHistory;
import dev.llmrollout.appconfig.internal.Deployments;
import dev.llmrollout.appconfig.internal.RolloutRecords;
import dev.llmrollout.appconfig.internal.StoredDocument;
import dev.llmrollout.spi.ChangeHistory;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.Weights;
import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.appconfig.model.DeploymentState;
import software.amazon.awssdk.services.appconfig.model.GetDeploymentResponse;

/**
 * Writes rollouts back through the AppConfig control plane, as an operator would in the console: a
 * change is a new hosted configuration version and a deployment of it, both conditional on what was
 * read (CreateHostedConfigurationVersion's {@code Latest-Version-Number} and StartDeployment's
 * {@code LatestDeploymentNumber}), so a concurrent writer makes the change a CONFLICT. A deployment
 * in progress is stopped first as AWS allows for its state (without AllowRevert while DEPLOYING,
 * with it while VALIDATING or BAKING; a COMPLETE one is simply superseded). Restore redeploys the
 * version the kill replaced when nothing else changed since, or copies the flag's definition from
 * it otherwise. The reason goes in both descriptions.
 *
 * <pre>{@code
 * AppConfigRolloutControl control = AppConfigRolloutControl.builder(appConfigClient, location)
 *     .killStrategy("abc1234").build();
 * control.kill("support-model", "stable", ChangeRequest.because("error rate 4x").by("rollout-guard"));
 * }</pre>
 *
 * <p>The flag's version is the hosted configuration version number in effect.
 */
public final class AppConfigRolloutControl implements RolloutControl, ChangeHistory {
  private static final double TOLERANCE = 1e-6;

  private final ControlPlane plane;
  private final Deployments deployments;
  private final DeploymentHistory history;
  private final Optional<String> weightStrategy;
  private final Optional<String> killStrategy;
  private final Duration verifyTimeout;
  private volatile String instantStrategy;

  private AppConfigRolloutControl(Builder builder) {
    ControlPlaneCalls calls = new ControlPlaneCalls(builder.attempts, builder.backoff);
    this.plane = new ControlPlane(builder.client, builder.location, calls);
    this.deployments = new Deployments(builder.client, builder.location, calls);
    this.history = new DeploymentHistory(plane, deployments);
    this.weightStrategy = builder.weightStrategy;
    this.killStrategy = builder.killStrategy;
    this.verifyTimeout = builder.verifyTimeout;
  }

  public static Builder builder(AppConfigClient client, AppConfigLocation location) {
    return new Builder(client, location);
  }

  @Override
  public FlagState state(String flagKey) {
    Deployed current = plane.current(flagKey);
    return plane.load(flagKey, current.version()).state(flagKey, version(current));
  }

  @Override
  public FlagState setWeights(String flagKey, Map<String, Double> weights, ChangeRequest request) {
    Read read = read(flagKey, request);
    Weights.validate(flagKey, weights, read.state());
    StoredDocument next = read.document().withWeights(flagKey, new LinkedHashMap<>(weights));
    FlagState after =
        publish(
            flagKey, read, next, strategy(flagKey, weightStrategy), request, "split " + weights);
    if (!sameWeights(after.weights(), weights) || after.killed()) {
      throw notVerified(flagKey, "the split read back is " + after.weights());
    }
    return after;
  }

  @Override
  public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    Read read = read(flagKey, request);
    StoredDocument next = read.document().killed(flagKey, safeVariant, read.current().version());
    FlagState after =
        publish(
            flagKey,
            read,
            next,
            strategy(flagKey, killStrategy),
            request,
            "kill to " + safeVariant);
    if (after.share(safeVariant) < 100 - TOLERANCE || after.killedTo().isEmpty()) {
      throw notVerified(flagKey, "the split read back is " + after.weights());
    }
    return after;
  }

  @Override
  public FlagState restore(String flagKey, ChangeRequest request) {
    Read read = read(flagKey, request);
    int replaced =
        read.document()
            .killedFrom(flagKey)
            .orElseThrow(
                () ->
                    new WriteBackException(
                        WriteBackException.Kind.INVALID_REQUEST,
                        flagKey,
                        "flag '" + flagKey + "' is not killed; nothing to restore"));
    StoredDocument before = plane.load(flagKey, replaced);
    String strategy = strategy(flagKey, killStrategy);
    FlagState after;
    if (read.document().sameApartFrom(before, flagKey)) {
      after =
          deploy(
              flagKey, read.current(), replaced, strategy, request, "restore version " + replaced);
    } else {
      StoredDocument next = read.document().withFlagFrom(before, flagKey);
      after = publish(flagKey, read, next, strategy, request, "restore from version " + replaced);
    }
    Map<String, Double> expected = before.state(flagKey, "").weights();
    if (after.killed() || !sameWeights(after.weights(), expected)) {
      throw notVerified(flagKey, "the split read back is " + after.weights());
    }
    return after;
  }

  /**
   * Stores the record with the flag in the hosted document (the flag's {@code rolloutRecord}
   * attribute, in pieces of at most 1024 characters, or its flagd metadata), as a new hosted
   * version deployed with the kill strategy (instant by default): the same two locks as every
   * write, so a version or deployment made since {@code request}'s version is a CONFLICT. Every
   * record write is a hosted version and a deployment, and clients download the record with the
   * flag: renew leases every few minutes, not every few seconds.
   *
   * @throws WriteBackException {@code INVALID_REQUEST} naming the field when the record is not JSON
   *     or longer than {@value RolloutRecords#MAX_CHARS} characters
   */
  @Override
  public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
    Read read = read(flagKey, request);
    if (recordJson != null) {
      RolloutRecords.validate(flagKey, read.document().recordField(flagKey), recordJson);
    }
    Optional<String> wanted = Optional.ofNullable(recordJson);
    if (read.state().rolloutRecord().equals(wanted)) {
      return read.state();
    }
    StoredDocument next = read.document().withRolloutRecord(flagKey, recordJson);
    FlagState after =
        publish(flagKey, read, next, strategy(flagKey, killStrategy), request, "rollout record");
    if (!after.rolloutRecord().equals(wanted)) {
      throw notVerified(flagKey, "the rollout record read back differs from the one written");
    }
    return after;
  }

  /**
   * Reverts the deployment in effect when it is COMPLETE, within AppConfig's 72-hour window ({@code
   * StopDeployment} with {@code Allow-Revert}): clients get the previous version back.
   *
   * @return the flag's state read back after the revert
   * @throws WriteBackException with AWS's message when AppConfig refuses (too late, not complete)
   */
  public FlagState revert(String flagKey, ChangeRequest request) {
    Read read = read(flagKey, request);
    GetDeploymentResponse reverted = deployments.revert(flagKey, read.current());
    if (reverted.state() != DeploymentState.REVERTED) {
      throw notVerified(
          flagKey,
          "deployment "
              + reverted.deploymentNumber()
              + " is "
              + reverted.stateAsString()
              + " after the revert");
    }
    return state(flagKey);
  }

  /**
   * The flag's recent changes from AppConfig's deployment history (the newest 50 deployments of the
   * profile), oldest first: reason, action and actor for the adapter's own writes, {@code deploy}
   * by {@code appconfig} for others, and rolled-back or reverted deployments marked so.
   */
  @Override
  public List<ChangeRecord> recentChanges(String flagKey, int limit) {
    return history.recentChanges(flagKey, limit);
  }

  /**
   * What a change is conditional on: the newest hosted version (CreateHostedConfigurationVersion's
   * lock) and the environment's newest deployment (StartDeployment's lock), both read before the
   * document the change is computed from, so that any version or deployment made after the read
   * makes the write a CONFLICT.
   */
  private record Read(
      int latestVersion, Deployed current, StoredDocument document, FlagState state) {}

  private Read read(String flagKey, ChangeRequest request) {
    int latestVersion = plane.latestVersion(flagKey);
    Deployed current = plane.current(flagKey);
    StoredDocument document = plane.load(flagKey, current.version());
    FlagState state = document.state(flagKey, version(current));
    Optional<String> expected = request.expectedVersion();
    if (expected.isPresent() && !expected.get().equals(state.version())) {
      throw new WriteBackException(
          WriteBackException.Kind.CONFLICT,
          flagKey,
          "flag '"
              + flagKey
              + "' is at version "
              + state.version()
              + ", the change expected "
              + expected.get());
    }
    return new Read(latestVersion, current, document, state);
  }

  private FlagState publish(
      String flagKey,
      Read read,
      StoredDocument next,
      String strategy,
      ChangeRequest request,
      String action) {
    int version =
        plane.createVersion(
            flagKey, next, read.latestVersion(), description(flagKey, action, request));
    return deploy(flagKey, read.current(), version, strategy, request, action);
  }

  private FlagState deploy(
      String flagKey,
      Deployed current,
      int version,
      String strategy,
      ChangeRequest request,
      String action) {
    if (current.inProgress()) {
      deployments.stopInProgress(flagKey, current, verifyTimeout);
    } else if (current.latestState() == DeploymentState.ROLLING_BACK) {
      deployments.awaitSettled(flagKey, current.latestDeploymentNumber(), verifyTimeout);
    }
    int number =
        deployments.start(
            flagKey,
            version,
            strategy,
            description(flagKey, action, request),
            current.latestDeploymentNumber());
    GetDeploymentResponse deployment = deployments.awaitRollout(flagKey, number, verifyTimeout);
    if (deployment.state() == DeploymentState.ROLLING_BACK
        || deployment.state() == DeploymentState.ROLLED_BACK) {
      throw notVerified(flagKey, "deployment " + number + " was rolled back");
    }
    Deployed now = plane.current(flagKey);
    if (now.version() != version) {
      throw notVerified(flagKey, "version " + now.version() + " is in effect, expected " + version);
    }
    return plane.load(flagKey, version).state(flagKey, version(now));
  }

  private String strategy(String flagKey, Optional<String> configured) {
    if (configured.isPresent()) {
      return configured.get();
    }
    String id = instantStrategy;
    if (id == null) {
      id = plane.instantStrategy(flagKey);
      instantStrategy = id;
    }
    return id;
  }

  private static String description(String flagKey, String action, ChangeRequest request) {
    return DeploymentHistory.describe(flagKey, action, request.reason(), request.actor());
  }

  private static String version(Deployed deployed) {
    return Integer.toString(deployed.version());
  }

  private static boolean sameWeights(Map<String, Double> actual, Map<String, Double> expected) {
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      if (Math.abs(actual.getOrDefault(e.getKey(), 0.0) - e.getValue()) > TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  private static WriteBackException notVerified(String flagKey, String detail) {
    return new WriteBackException(
        WriteBackException.Kind.NOT_VERIFIED,
        flagKey,
        "flag '" + flagKey + "': the change was not verified: " + detail);
  }

  /** Builds a control; the client and the location are required. */
  public static final class Builder {
    private final AppConfigClient client;
    private final AppConfigLocation location;
    private Optional<String> weightStrategy = Optional.empty();
    private Optional<String> killStrategy = Optional.empty();
    private Duration verifyTimeout = Duration.ofSeconds(30);
    private int attempts = 4;
    private Duration backoff = Duration.ofMillis(200);

    private Builder(AppConfigClient client, AppConfigLocation location) {
      this.client = Objects.requireNonNull(client, "client");
      this.location = Objects.requireNonNull(location, "location");
    }

    /**
     * The deployment strategy for split changes (default: the adapter's zero-duration, zero-bake
     * strategy, since the split itself is the gradual part).
     */
    public Builder deploymentStrategy(String strategyId) {
      this.weightStrategy = Optional.of(strategyId);
      return this;
    }

    /**
     * The deployment strategy for kill and restore (default: a zero-duration, zero-bake strategy
     * named {@value ControlPlane#INSTANT_STRATEGY_NAME}, found or created, so a kill does not sit
     * in BAKING as with {@code AppConfig.AllAtOnce}).
     */
    public Builder killStrategy(String strategyId) {
      this.killStrategy = Optional.of(strategyId);
      return this;
    }

    /** How long to wait for a deployment to reach every target before reading back (30 s). */
    public Builder verifyTimeout(Duration timeout) {
      this.verifyTimeout = Objects.requireNonNull(timeout, "verifyTimeout");
      return this;
    }

    /** Attempts per control-plane call for 429, 5xx and lost connections (4, from 200 ms). */
    public Builder retries(int attempts, Duration backoff) {
      if (attempts < 1) {
        throw new IllegalArgumentException("retries: expected at least 1 attempt");
      }
      this.attempts = attempts;
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    public AppConfigRolloutControl build() {
      return new AppConfigRolloutControl(this);
    }
  }
}
