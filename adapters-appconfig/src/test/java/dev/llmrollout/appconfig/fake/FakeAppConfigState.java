package dev.llmrollout.appconfig.fake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake's in-memory AppConfig: applications, environments, profiles (by ID and by name), hosted
 * versions, strategies and deployments. Every method is synchronized: the server's threads and the
 * tests' hooks share it.
 */
final class FakeAppConfigState {
  /** AppConfig's window for reverting a completed deployment. */
  static final Duration REVERT_WINDOW = Duration.ofHours(72);

  record Named(String id, String name) {}

  record Profile(String id, String applicationId, String name, String type) {}

  record HostedVersion(
      int number, byte[] content, String contentType, String description, String label) {}

  private final Clock clock;
  private final AtomicInteger ids = new AtomicInteger(1000);
  private final Map<String, Named> applications = new LinkedHashMap<>();
  private final Map<String, Named> environments = new LinkedHashMap<>();
  private final Map<String, Profile> profiles = new LinkedHashMap<>();
  private final Map<String, List<HostedVersion>> versions = new LinkedHashMap<>();
  private final Map<String, FakeStrategy> strategies = new LinkedHashMap<>();
  private final Map<String, List<FakeDeployment>> deployments = new LinkedHashMap<>();
  private Duration validationTime = Duration.ZERO;
  private Duration rollbackTime = Duration.ZERO;

  FakeAppConfigState(Clock clock) {
    this.clock = clock;
    for (FakeStrategy predefined :
        List.of(
            new FakeStrategy("AppConfig.AllAtOnce", "AppConfig.AllAtOnce", 0, 100, "LINEAR", 10),
            new FakeStrategy(
                "AppConfig.Linear50PercentEvery30Seconds",
                "AppConfig.Linear50PercentEvery30Seconds",
                1,
                50,
                "LINEAR",
                1),
            new FakeStrategy(
                "AppConfig.Canary10Percent20Minutes",
                "AppConfig.Canary10Percent20Minutes",
                20,
                10,
                "EXPONENTIAL",
                10),
            new FakeStrategy(
                "AppConfig.Linear20PercentEvery6Minutes",
                "AppConfig.Linear20PercentEvery6Minutes",
                30,
                20,
                "LINEAR",
                30))) {
      strategies.put(predefined.id(), predefined);
    }
  }

  Instant now() {
    return clock.instant();
  }

  private String newId() {
    // AppConfig IDs are 7 lowercase letters or digits.
    String digits = Integer.toString(ids.incrementAndGet(), 36);
    return "a" + "0".repeat(6 - digits.length()) + digits;
  }

  synchronized String createApplication(String name) {
    String id = newId();
    applications.put(id, new Named(id, name));
    return id;
  }

  synchronized String createEnvironment(String applicationId, String name) {
    application(applicationId);
    String id = newId();
    environments.put(applicationId + "/" + id, new Named(id, name));
    deployments.put(applicationId + "/" + id, new ArrayList<>());
    return id;
  }

  synchronized String createProfile(String applicationId, String name, String type) {
    application(applicationId);
    String id = newId();
    profiles.put(applicationId + "/" + id, new Profile(id, applicationId, name, type));
    versions.put(applicationId + "/" + id, new ArrayList<>());
    return id;
  }

  /** An application by ID or, for the data plane, by name. */
  synchronized Named application(String identifier) {
    return applications.values().stream()
        .filter(a -> a.id().equals(identifier) || a.name().equals(identifier))
        .findFirst()
        .orElseThrow(
            () -> AwsError.notFound(identifier, "Application " + identifier + " not found"));
  }

  synchronized Named environment(String applicationId, String identifier) {
    return environments.entrySet().stream()
        .filter(e -> e.getKey().startsWith(applicationId + "/"))
        .map(Map.Entry::getValue)
        .filter(e -> e.id().equals(identifier) || e.name().equals(identifier))
        .findFirst()
        .orElseThrow(
            () -> AwsError.notFound(identifier, "Environment " + identifier + " not found"));
  }

  synchronized Profile profile(String applicationId, String identifier) {
    return profiles.values().stream()
        .filter(p -> p.applicationId().equals(applicationId))
        .filter(p -> p.id().equals(identifier) || p.name().equals(identifier))
        .findFirst()
        .orElseThrow(
            () ->
                AwsError.notFound(identifier, "ConfigurationProfile " + identifier + " not found"));
  }

  synchronized HostedVersion createVersion(
      String applicationId,
      String profileId,
      byte[] content,
      String contentType,
      String description,
      String label,
      Integer latestVersionNumber) {
    Profile profile = profile(applicationId, profileId);
    List<HostedVersion> list = versions.get(applicationId + "/" + profile.id());
    int latest = list.isEmpty() ? 0 : list.get(list.size() - 1).number();
    if (latestVersionNumber != null && latestVersionNumber != latest) {
      throw AwsError.conflict(
          "LatestVersionNumber "
              + latestVersionNumber
              + " does not match the latest version "
              + latest
              + " of configuration profile "
              + profile.id());
    }
    if (FeatureFlagsDocument.TYPE.equals(profile.type())) {
      FeatureFlagsDocument.validate(content);
    }
    HostedVersion version =
        new HostedVersion(latest + 1, content.clone(), contentType, description, label);
    list.add(version);
    return version;
  }

  synchronized HostedVersion version(String applicationId, String profileId, int number) {
    Profile profile = profile(applicationId, profileId);
    return versions.get(applicationId + "/" + profile.id()).stream()
        .filter(v -> v.number() == number)
        .findFirst()
        .orElseThrow(
            () ->
                AwsError.notFound(
                    Integer.toString(number),
                    "Hosted configuration version " + number + " not found"));
  }

  /**
   * In an order of their own: AWS does not document the order of ListHostedConfigurationVersions,
   * so the fake lists neither newest nor oldest first (a fixed shuffle by number, stable across
   * pages), and a client must find the newest by its number.
   */
  synchronized List<HostedVersion> versions(String applicationId, String profileId) {
    Profile profile = profile(applicationId, profileId);
    List<HostedVersion> listed = new ArrayList<>(versions.get(applicationId + "/" + profile.id()));
    listed.sort(
        java.util.Comparator.comparingInt(v -> Long.hashCode(v.number() * 0x9E3779B97F4A7C15L)));
    return listed;
  }

  synchronized List<FakeStrategy> strategies() {
    return List.copyOf(strategies.values());
  }

  synchronized FakeStrategy createStrategy(
      String name, int durationMinutes, float growthFactor, String growthType, int bakeMinutes) {
    FakeStrategy strategy =
        new FakeStrategy(newId(), name, durationMinutes, growthFactor, growthType, bakeMinutes);
    strategies.put(strategy.id(), strategy);
    return strategy;
  }

  /**
   * StartDeployment: 409 ConflictException when {@code latestDeploymentNumber} is given and is not
   * the environment's newest deployment number (the model's lock "to prevent conflicting updates"),
   * or while another deployment of the environment is in progress or rolling back.
   */
  synchronized FakeDeployment startDeployment(
      String applicationId,
      String environmentId,
      String strategyId,
      String profileId,
      String configurationVersion,
      String description,
      Integer latestDeploymentNumber) {
    List<FakeDeployment> list = deploymentsOf(applicationId, environmentId);
    FakeStrategy strategy = strategies.get(strategyId);
    if (strategy == null) {
      throw AwsError.notFound(strategyId, "Deployment strategy " + strategyId + " not found");
    }
    Profile profile = profile(applicationId, profileId);
    int number;
    try {
      number = Integer.parseInt(configurationVersion);
    } catch (NumberFormatException e) {
      throw AwsError.badRequest("ConfigurationVersion must be a hosted version number here");
    }
    version(applicationId, profile.id(), number);
    if (latestDeploymentNumber != null && latestDeploymentNumber != list.size()) {
      throw AwsError.conflict(
          "LatestDeploymentNumber "
              + latestDeploymentNumber
              + " does not match the latest deployment "
              + list.size()
              + " of environment "
              + environmentId);
    }
    if (list.stream().anyMatch(FakeDeployment::busy)) {
      throw AwsError.conflict(
          "Environment " + environmentId + " already has a deployment in progress");
    }
    FakeDeployment deployment =
        new FakeDeployment(
            profile,
            environmentId,
            strategy,
            list.size() + 1,
            number,
            description,
            now(),
            validationTime);
    deployment.advance(now());
    list.add(deployment);
    return deployment;
  }

  /** How long each new deployment stays VALIDATING on the fake's clock (none by default). */
  synchronized void validationTime(Duration time) {
    this.validationTime = time;
  }

  /** How long a stopped deployment stays ROLLING_BACK on the fake's clock (none by default). */
  synchronized void rollbackTime(Duration time) {
    this.rollbackTime = time;
  }

  /** Newest first, advanced to the clock. */
  synchronized List<FakeDeployment> deployments(String applicationId, String environmentId) {
    List<FakeDeployment> newestFirst = new ArrayList<>(deploymentsOf(applicationId, environmentId));
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  synchronized FakeDeployment deployment(String applicationId, String environmentId, int number) {
    return deploymentsOf(applicationId, environmentId).stream()
        .filter(d -> d.number == number)
        .findFirst()
        .orElseThrow(
            () ->
                AwsError.notFound(Integer.toString(number), "Deployment " + number + " not found"));
  }

  /**
   * StopDeployment as the model documents it: "works only on deployments that have a status of
   * DEPLOYING, unless an AllowRevert parameter is supplied"; with it an in-progress deployment
   * (VALIDATING, BAKING) is ROLLED_BACK and a COMPLETE one, within 72 hours, REVERTED. Everything
   * else is a 400 BadRequestException, the only client error the operation declares.
   */
  synchronized FakeDeployment stopDeployment(
      String applicationId, String environmentId, int number, boolean allowRevert) {
    FakeDeployment deployment = deployment(applicationId, environmentId, number);
    String state = deployment.state();
    if (state.equals("DEPLOYING") || (deployment.inProgress() && allowRevert)) {
      deployment.rollBack("USER", now(), rollbackTime);
    } else if (state.equals("COMPLETE") && allowRevert) {
      if (Duration.between(deployment.completedAt(), now()).compareTo(REVERT_WINDOW) > 0) {
        throw AwsError.badRequest(
            "Deployment " + number + " completed more than 72 hours ago and cannot be reverted");
      }
      deployment.revert(now());
    } else {
      throw AwsError.badRequest(
          "Deployment "
              + number
              + " is "
              + state
              + "; only a DEPLOYING deployment can be stopped"
              + (deployment.inProgress() || state.equals("COMPLETE")
                  ? " unless AllowRevert is set"
                  : ""));
    }
    return deployment;
  }

  /** A CloudWatch alarm in ALARM: the deployment in progress rolls back. */
  synchronized Optional<FakeDeployment> alarm(String applicationId, String environmentId) {
    Optional<FakeDeployment> running =
        deploymentsOf(applicationId, environmentId).stream()
            .filter(FakeDeployment::inProgress)
            .findFirst();
    running.ifPresent(d -> d.rollBack("CLOUDWATCH_ALARM", now(), rollbackTime));
    return running;
  }

  /**
   * The version a configuration session of {@code rank} (0..100) gets: the newest deployment of the
   * profile that serves that rank (a gradual deployment serves its first PercentageComplete %),
   * else the one before it.
   */
  synchronized Optional<HostedVersion> activeVersion(
      String applicationId, String environmentId, String profileId, double rank) {
    for (FakeDeployment deployment : deployments(applicationId, environmentId)) {
      if (deployment.profileId.equals(profileId) && deployment.servesSessionOfRank(rank)) {
        return Optional.of(version(applicationId, profileId, deployment.version));
      }
    }
    return Optional.empty();
  }

  private List<FakeDeployment> deploymentsOf(String applicationId, String environmentId) {
    List<FakeDeployment> list = deployments.get(applicationId + "/" + environmentId);
    if (list == null) {
      throw AwsError.notFound(environmentId, "Environment " + environmentId + " not found");
    }
    Instant now = now();
    list.forEach(d -> d.advance(now));
    return list;
  }
}
