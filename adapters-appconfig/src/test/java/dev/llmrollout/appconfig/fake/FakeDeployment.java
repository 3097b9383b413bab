package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One deployment, moved by the fake's clock through VALIDATING (for the configured validation
 * time), DEPLOYING (its strategy's growth steps), BAKING and COMPLETE, or stopped: ROLLING_BACK for
 * the configured rollback time, then ROLLED_BACK; a completed one REVERTED.
 */
final class FakeDeployment {
  final String applicationId;
  final String environmentId;
  final FakeStrategy strategy;
  final String profileId;
  final String profileName;
  final int number;
  final int version;
  final String description;
  final Instant startedAt;
  private final Duration validation;
  private final List<ObjectNode> events = new ArrayList<>();
  private String state;
  private Instant completedAt;
  private Instant rolledBackAt;
  private String rollbackTrigger;
  private double percentage;

  FakeDeployment(
      FakeAppConfigState.Profile profile,
      String environmentId,
      FakeStrategy strategy,
      int number,
      int version,
      String description,
      Instant startedAt,
      Duration validation) {
    this.applicationId = profile.applicationId();
    this.environmentId = environmentId;
    this.strategy = strategy;
    this.profileId = profile.id();
    this.profileName = profile.name();
    this.number = number;
    this.version = version;
    this.description = description;
    this.startedAt = startedAt;
    this.validation = validation;
    this.state = validation.isZero() ? "DEPLOYING" : "VALIDATING";
    event("DEPLOYMENT_STARTED", "USER", "Deployment started", startedAt);
  }

  /** Moves the deployment along to {@code now}. */
  void advance(Instant now) {
    if (state.equals("ROLLING_BACK") && !now.isBefore(rolledBackAt)) {
      state = "ROLLED_BACK";
      completedAt = rolledBackAt;
      event("ROLLBACK_COMPLETED", rollbackTrigger, "Rollback completed", rolledBackAt);
    }
    if (!inProgress()) {
      return;
    }
    Instant deployingFrom = startedAt.plus(validation);
    if (now.isBefore(deployingFrom)) {
      return;
    }
    state = state.equals("VALIDATING") ? "DEPLOYING" : state;
    Instant deployed = deployingFrom.plus(Duration.ofMinutes(strategy.durationMinutes()));
    Instant baked = deployed.plus(Duration.ofMinutes(strategy.bakeMinutes()));
    if (now.isBefore(deployed)) {
      grow(strategy.percentageAt(Duration.between(deployingFrom, now)), now);
      return;
    }
    if (state.equals("DEPLOYING")) {
      grow(100, deployed);
      state = "BAKING";
      event("BAKE_TIME_STARTED", "APPCONFIG", "Final bake time started", deployed);
    }
    if (!now.isBefore(baked)) {
      state = "COMPLETE";
      completedAt = baked;
      event("DEPLOYMENT_COMPLETED", "APPCONFIG", "Deployment completed", baked);
    }
  }

  private void grow(double to, Instant at) {
    if (to != percentage) {
      percentage = to;
      event("PERCENTAGE_UPDATED", "APPCONFIG", "Percentage complete: " + to, at);
    }
  }

  /** VALIDATING, DEPLOYING or BAKING: AppConfig may still roll it back. */
  boolean inProgress() {
    return state.equals("VALIDATING") || state.equals("DEPLOYING") || state.equals("BAKING");
  }

  /** In progress or still rolling back: the environment takes no other deployment. */
  boolean busy() {
    return inProgress() || state.equals("ROLLING_BACK");
  }

  /**
   * Whether a configuration session of this rank (0..100) gets this deployment's version: every
   * session once it is BAKING or COMPLETE, the first {@code PercentageComplete} % while DEPLOYING
   * (and while rolling back, until ROLLED_BACK), none while VALIDATING or after it was stopped.
   */
  boolean servesSessionOfRank(double rank) {
    return switch (state) {
      case "BAKING", "COMPLETE" -> true;
      case "DEPLOYING", "ROLLING_BACK" -> rank < percentage;
      default -> false;
    };
  }

  String state() {
    return state;
  }

  Instant completedAt() {
    return completedAt;
  }

  /** Stops it: ROLLING_BACK now, ROLLED_BACK once {@code rollbackTime} has passed. */
  void rollBack(String triggeredBy, Instant now, Duration rollbackTime) {
    event("ROLLBACK_STARTED", triggeredBy, "Rollback started", now);
    state = "ROLLING_BACK";
    rollbackTrigger = triggeredBy;
    rolledBackAt = now.plus(rollbackTime);
    advance(now);
  }

  void revert(Instant now) {
    state = "REVERTED";
    event("REVERT_COMPLETED", "USER", "Deployment reverted", now);
  }

  private void event(String type, String triggeredBy, String text, Instant at) {
    events.add(
        0,
        JsonNodeFactory.instance
            .objectNode()
            .put("EventType", type)
            .put("TriggeredBy", triggeredBy)
            .put("Description", text)
            .put("OccurredAt", timestamp(at)));
  }

  /** The {@code Deployment} shape (StartDeployment, GetDeployment, StopDeployment). */
  ObjectNode toJson() {
    ObjectNode json = summary();
    json.put("ApplicationId", applicationId)
        .put("EnvironmentId", environmentId)
        .put("DeploymentStrategyId", strategy.id())
        .put("ConfigurationProfileId", profileId)
        .put("ConfigurationLocationUri", "hosted")
        .put("Description", description);
    json.putArray("EventLog").addAll(events);
    return json;
  }

  /** The {@code DeploymentSummary} shape (ListDeployments). */
  ObjectNode summary() {
    ObjectNode json =
        JsonNodeFactory.instance
            .objectNode()
            .put("DeploymentNumber", number)
            .put("ConfigurationName", profileName)
            .put("ConfigurationVersion", Integer.toString(version))
            .put("DeploymentDurationInMinutes", strategy.durationMinutes())
            .put("GrowthType", strategy.growthType())
            .put("GrowthFactor", strategy.growthFactor())
            .put("FinalBakeTimeInMinutes", strategy.bakeMinutes())
            .put("State", state)
            .put("PercentageComplete", percentage)
            .put("StartedAt", timestamp(startedAt));
    if (completedAt != null) {
      json.put("CompletedAt", timestamp(completedAt));
    }
    return json;
  }

  /** The model declares these members as {@code Iso8601DateTime}: ISO-8601 text, not epoch. */
  static String timestamp(Instant at) {
    return java.time.format.DateTimeFormatter.ISO_INSTANT.format(
        at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }
}
