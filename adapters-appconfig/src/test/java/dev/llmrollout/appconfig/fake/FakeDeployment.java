package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One deployment, moved through DEPLOYING, BAKING and COMPLETE by the fake's clock from its
 * strategy's duration and bake time, or ended as ROLLED_BACK or REVERTED.
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
  private final List<ObjectNode> events = new ArrayList<>();
  private String state = "DEPLOYING";
  private Instant completedAt;
  private double percentage;

  FakeDeployment(
      String applicationId,
      String environmentId,
      FakeStrategy strategy,
      String profileId,
      String profileName,
      int number,
      int version,
      String description,
      Instant startedAt) {
    this.applicationId = applicationId;
    this.environmentId = environmentId;
    this.strategy = strategy;
    this.profileId = profileId;
    this.profileName = profileName;
    this.number = number;
    this.version = version;
    this.description = description;
    this.startedAt = startedAt;
    event("DEPLOYMENT_STARTED", "USER", "Deployment started", startedAt);
  }

  /** Moves the deployment along to {@code now}. */
  void advance(Instant now) {
    if (!inProgress()) {
      return;
    }
    Duration deploying = Duration.ofMinutes(strategy.durationMinutes());
    Instant deployed = startedAt.plus(deploying);
    Instant baked = deployed.plus(Duration.ofMinutes(strategy.bakeMinutes()));
    if (now.isBefore(deployed)) {
      double elapsed = Duration.between(startedAt, now).toMillis();
      percentage =
          Math.min(100, Math.max(strategy.growthFactor(), 100 * elapsed / deploying.toMillis()));
      return;
    }
    if (state.equals("DEPLOYING")) {
      percentage = 100;
      event("PERCENTAGE_UPDATED", "APPCONFIG", "Percentage complete: 100", deployed);
      state = "BAKING";
      event("BAKE_TIME_STARTED", "APPCONFIG", "Final bake time started", deployed);
    }
    if (!now.isBefore(baked)) {
      state = "COMPLETE";
      completedAt = baked;
      event("DEPLOYMENT_COMPLETED", "APPCONFIG", "Deployment completed", baked);
    }
  }

  boolean inProgress() {
    return state.equals("DEPLOYING") || state.equals("BAKING");
  }

  /** True while clients converge to this deployment's version. */
  boolean inEffect() {
    return inProgress() || state.equals("COMPLETE");
  }

  String state() {
    return state;
  }

  Instant completedAt() {
    return completedAt;
  }

  void rollBack(String triggeredBy, Instant now) {
    event("ROLLBACK_STARTED", triggeredBy, "Rollback started", now);
    state = "ROLLED_BACK";
    percentage = 0;
    completedAt = now;
    event("ROLLBACK_COMPLETED", triggeredBy, "Rollback completed", now);
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
            .put("OccurredAt", seconds(at)));
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
            .put("StartedAt", seconds(startedAt));
    if (completedAt != null) {
      json.put("CompletedAt", seconds(completedAt));
    }
    return json;
  }

  /** The model declares these members as {@code Iso8601DateTime}: ISO-8601 text, not epoch. */
  static String seconds(Instant at) {
    return java.time.format.DateTimeFormatter.ISO_INSTANT.format(
        at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }
}
