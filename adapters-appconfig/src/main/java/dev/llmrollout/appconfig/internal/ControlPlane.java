package dev.llmrollout.appconfig.internal;

import dev.llmrollout.appconfig.AppConfigLocation;
import dev.llmrollout.spi.WriteBackException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.appconfig.model.DeploymentState;
import software.amazon.awssdk.services.appconfig.model.DeploymentStrategy;
import software.amazon.awssdk.services.appconfig.model.DeploymentSummary;
import software.amazon.awssdk.services.appconfig.model.GrowthType;
import software.amazon.awssdk.services.appconfig.model.HostedConfigurationVersionSummary;
import software.amazon.awssdk.services.appconfig.model.ListDeploymentStrategiesResponse;
import software.amazon.awssdk.services.appconfig.model.ListDeploymentsResponse;
import software.amazon.awssdk.services.appconfig.model.ListHostedConfigurationVersionsResponse;
import software.amazon.awssdk.services.appconfig.model.ReplicateTo;

/**
 * The AppConfig control-plane operations write-back needs, for one application, environment and
 * profile: find the deployment in effect, read and create hosted versions, stop, start and watch
 * deployments.
 */
public final class ControlPlane {
  /** The name of the zero-duration, zero-bake strategy the adapter creates when none is given. */
  public static final String INSTANT_STRATEGY_NAME = "llm-rollout-instant";

  private static final Set<DeploymentState> SUPERSEDED =
      Set.of(DeploymentState.ROLLING_BACK, DeploymentState.ROLLED_BACK, DeploymentState.REVERTED);
  private static final Set<DeploymentState> IN_PROGRESS =
      Set.of(DeploymentState.DEPLOYING, DeploymentState.BAKING, DeploymentState.VALIDATING);
  private static final int DESCRIPTION_LIMIT = 1024;

  private final AppConfigClient client;
  private final AppConfigLocation location;
  private final ControlPlaneCalls calls;
  private volatile String profileName;

  public ControlPlane(AppConfigClient client, AppConfigLocation location, ControlPlaneCalls calls) {
    this.client = client;
    this.location = location;
    this.calls = calls;
  }

  /**
   * The deployment whose version clients are converging to, and the environment's newest deployment
   * (of any profile): its number is StartDeployment's lock, and while it is ROLLING_BACK the
   * environment takes no new deployment.
   */
  public record Deployed(
      int deploymentNumber,
      int version,
      DeploymentState state,
      int latestDeploymentNumber,
      DeploymentState latestState) {
    public boolean inProgress() {
      return IN_PROGRESS.contains(state);
    }
  }

  /** The newest deployment of the profile that was not rolled back or reverted. */
  public Deployed current(String flagKey) {
    AtomicReference<DeploymentSummary> found = new AtomicReference<>();
    AtomicReference<DeploymentSummary> newest = new AtomicReference<>();
    visitDeployments(
        flagKey,
        summary -> {
          newest.compareAndSet(null, summary);
          return true;
        },
        summary -> {
          if (SUPERSEDED.contains(summary.state())) {
            return true;
          }
          found.set(summary);
          return false;
        });
    DeploymentSummary summary = found.get();
    if (summary == null) {
      throw new WriteBackException(
          WriteBackException.Kind.NOT_FOUND,
          flagKey,
          "flag '" + flagKey + "': " + location + " has no deployment in effect to read it from");
    }
    return new Deployed(
        summary.deploymentNumber(),
        versionNumber(flagKey, summary.configurationVersion()),
        summary.state(),
        newest.get().deploymentNumber(),
        newest.get().state());
  }

  /** The profile's deployments in this environment, newest first, at most {@code max}. */
  public List<DeploymentSummary> deployments(String flagKey, int max) {
    List<DeploymentSummary> found = new ArrayList<>();
    if (max > 0) {
      visitDeployments(
          flagKey,
          summary -> true,
          summary -> {
            found.add(summary);
            return found.size() < max;
          });
    }
    return found;
  }

  /**
   * Visits the environment's deployments newest first ("in descending deployment number order", as
   * the model documents ListDeployments), page by page: each with {@code any}, and the profile's
   * with {@code visitor}, until either returns false.
   */
  private void visitDeployments(
      String flagKey, Predicate<DeploymentSummary> any, Predicate<DeploymentSummary> visitor) {
    String profile = profileName(flagKey);
    String token = null;
    do {
      String page = token;
      ListDeploymentsResponse response =
          calls.call(
              flagKey,
              "listing deployments",
              () ->
                  client.listDeployments(
                      b ->
                          b.applicationId(location.applicationId())
                              .environmentId(location.environmentId())
                              .maxResults(50)
                              .nextToken(page)));
      for (DeploymentSummary summary : response.items()) {
        if (!any.test(summary)
            || (profile.equals(summary.configurationName()) && !visitor.test(summary))) {
          return;
        }
      }
      token = response.nextToken();
    } while (token != null && !token.isEmpty());
  }

  /** VALIDATING, DEPLOYING or BAKING: not yet COMPLETE, and AppConfig may still roll it back. */
  public static boolean inProgress(DeploymentState state) {
    return IN_PROGRESS.contains(state);
  }

  /** True for a deployment that was rolled back or reverted: clients are not on its version. */
  public static boolean superseded(DeploymentState state) {
    return SUPERSEDED.contains(state);
  }

  /** Reads a hosted version's content. */
  public StoredDocument load(String flagKey, int version) {
    byte[] content =
        calls
            .call(
                flagKey,
                "reading hosted configuration version " + version,
                () ->
                    client.getHostedConfigurationVersion(
                        b ->
                            b.applicationId(location.applicationId())
                                .configurationProfileId(location.profileId())
                                .versionNumber(version)))
            .content()
            .asByteArray();
    try {
      return StoredDocument.parse(content);
    } catch (MalformedConfigurationException e) {
      throw new WriteBackException(
          WriteBackException.Kind.INVALID_REQUEST,
          flagKey,
          "flag '" + flagKey + "': hosted version " + version + ": " + e.getMessage());
    }
  }

  /**
   * The newest hosted version number, the optimistic lock for the next one. AWS does not document
   * the order of ListHostedConfigurationVersions, so every page is read and the highest number
   * taken: one call per 50 versions.
   */
  public int latestVersion(String flagKey) {
    int latest = 0;
    String token = null;
    do {
      String page = token;
      ListHostedConfigurationVersionsResponse response =
          calls.call(
              flagKey,
              "listing hosted configuration versions",
              () ->
                  client.listHostedConfigurationVersions(
                      b ->
                          b.applicationId(location.applicationId())
                              .configurationProfileId(location.profileId())
                              .maxResults(50)
                              .nextToken(page)));
      for (HostedConfigurationVersionSummary summary : response.items()) {
        latest = Math.max(latest, summary.versionNumber());
      }
      token = response.nextToken();
    } while (token != null && !token.isEmpty());
    return latest;
  }

  /**
   * Creates a hosted version, conditional on {@code latest} still being the newest. A retry whose
   * first attempt did land answers 409; when the newest version then holds exactly this content and
   * description it is ours. A 409 to a first attempt is always a conflict, so that another writer's
   * identical change is never taken for ours.
   */
  public int createVersion(
      String flagKey, StoredDocument document, int latest, String description) {
    byte[] content = document.bytes();
    String text = limit(description);
    AtomicInteger attempts = new AtomicInteger();
    try {
      return calls
          .call(
              flagKey,
              "creating a hosted configuration version",
              () -> {
                attempts.incrementAndGet();
                return client.createHostedConfigurationVersion(
                    b ->
                        b.applicationId(location.applicationId())
                            .configurationProfileId(location.profileId())
                            .content(SdkBytes.fromByteArray(content))
                            .contentType("application/json")
                            .description(text)
                            .latestVersionNumber(latest));
              })
          .versionNumber();
    } catch (WriteBackException e) {
      if (e.kind() == WriteBackException.Kind.CONFLICT
          && attempts.get() > 1
          && landed(flagKey, latest + 1, content, text)) {
        return latest + 1;
      }
      throw e.kind() == WriteBackException.Kind.CONFLICT
          ? new WriteBackException(
              e.kind(),
              flagKey,
              e.getMessage() + " (the profile changed since version " + latest + ")",
              e)
          : e;
    }
  }

  private boolean landed(String flagKey, int version, byte[] content, String description) {
    try {
      var existing =
          client.getHostedConfigurationVersion(
              b ->
                  b.applicationId(location.applicationId())
                      .configurationProfileId(location.profileId())
                      .versionNumber(version));
      return Arrays.equals(existing.content().asByteArray(), content)
          && description.equals(existing.description());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Finds or creates the zero-duration, zero-bake strategy for kill switches. */
  public String instantStrategy(String flagKey) {
    String token = null;
    do {
      String page = token;
      ListDeploymentStrategiesResponse response =
          calls.call(
              flagKey,
              "listing deployment strategies",
              () -> client.listDeploymentStrategies(b -> b.maxResults(50).nextToken(page)));
      for (DeploymentStrategy strategy : response.items()) {
        if (INSTANT_STRATEGY_NAME.equals(strategy.name())) {
          return strategy.id();
        }
      }
      token = response.nextToken();
    } while (token != null && !token.isEmpty());
    return calls
        .call(
            flagKey,
            "creating deployment strategy " + INSTANT_STRATEGY_NAME,
            () ->
                client.createDeploymentStrategy(
                    b ->
                        b.name(INSTANT_STRATEGY_NAME)
                            .description(
                                "llm-rollout kill switch and split changes: every target at once,"
                                    + " no bake (user-level canaries are split in-process)")
                            .deploymentDurationInMinutes(0)
                            .finalBakeTimeInMinutes(0)
                            .growthFactor(100f)
                            .growthType(GrowthType.LINEAR)
                            .replicateTo(ReplicateTo.NONE)))
        .id();
  }

  private String profileName(String flagKey) {
    String name = profileName;
    if (name == null) {
      name =
          calls
              .call(
                  flagKey,
                  "reading configuration profile " + location.profileId(),
                  () ->
                      client.getConfigurationProfile(
                          b ->
                              b.applicationId(location.applicationId())
                                  .configurationProfileId(location.profileId())))
              .name();
      profileName = name;
    }
    return name;
  }

  private static int versionNumber(String flagKey, String version) {
    try {
      return Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw new WriteBackException(
          WriteBackException.Kind.INVALID_REQUEST,
          flagKey,
          "flag '"
              + flagKey
              + "': the deployment in effect names version '"
              + version
              + "', expected a hosted configuration version number");
    }
  }

  static String limit(String description) {
    return description.length() <= DESCRIPTION_LIMIT
        ? description
        : description.substring(0, DESCRIPTION_LIMIT - 1) + "…";
  }
}
