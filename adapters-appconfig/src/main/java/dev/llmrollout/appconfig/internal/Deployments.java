package dev.llmrollout.appconfig.internal;

import dev.llmrollout.appconfig.AppConfigLocation;
import dev.llmrollout.appconfig.internal.ControlPlane.Deployed;
import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.appconfig.model.DeploymentState;
import software.amazon.awssdk.services.appconfig.model.GetDeploymentResponse;

/**
 * Starting, stopping and watching deployments of one profile in one environment, as the AppConfig
 * service model documents them:
 *
 * <ul>
 *   <li>StopDeployment "works only on deployments that have a status of DEPLOYING, unless an
 *       AllowRevert parameter is supplied"; with it an in-progress deployment ends ROLLED_BACK and
 *       a completed one REVERTED (within 72 hours). So a deployment in VALIDATING or BAKING is
 *       stopped with AllowRevert, one in DEPLOYING without it (should it reach BAKING meanwhile,
 *       AWS refuses and the stop is repeated with AllowRevert), and a COMPLETE one is not stopped
 *       at all: the next deployment supersedes it.
 *   <li>StartDeployment carries the environment's newest deployment number as its lock ({@link
 *       LatestDeploymentNumber}), and waits for a deployment still ROLLING_BACK.
 * </ul>
 */
public final class Deployments {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Set<DeploymentState> STOPPED =
      Set.of(DeploymentState.ROLLED_BACK, DeploymentState.REVERTED);

  private final AppConfigClient client;
  private final AppConfigLocation location;
  private final ControlPlaneCalls calls;

  public Deployments(AppConfigClient client, AppConfigLocation location, ControlPlaneCalls calls) {
    this.client = client;
    this.location = location;
    this.calls = calls;
  }

  /**
   * Stops the deployment in progress, the way AWS allows for its state, and waits (at most {@code
   * timeout}) until it has finished rolling back, so that another deployment can start.
   */
  public void stopInProgress(String flagKey, Deployed deployment, Duration timeout) {
    int number = deployment.deploymentNumber();
    DeploymentState state = deployment.state();
    boolean allowRevert = state != DeploymentState.DEPLOYING;
    while (true) {
      try {
        stop(flagKey, number, allowRevert);
        break;
      } catch (WriteBackException refused) {
        if (refused.kind() != WriteBackException.Kind.INVALID_REQUEST) {
          throw refused;
        }
        // AWS refuses a plain stop once the deployment has left DEPLOYING, and any stop once it
        // has been stopped (by an earlier attempt of ours, an alarm, someone else) or completed.
        state = deployment(flagKey, number).state();
        if (!ControlPlane.inProgress(state)) {
          break;
        }
        if (allowRevert || state == DeploymentState.DEPLOYING) {
          throw refused;
        }
        allowRevert = true;
      }
    }
    awaitSettled(flagKey, number, timeout);
  }

  /** Waits until deployment {@code number} is no longer ROLLING_BACK, at most {@code timeout}. */
  public void awaitSettled(String flagKey, int number, Duration timeout) {
    GetDeploymentResponse settled =
        await(flagKey, number, timeout, s -> s != DeploymentState.ROLLING_BACK);
    if (settled.state() == DeploymentState.ROLLING_BACK) {
      throw new WriteBackException(
          WriteBackException.Kind.UNAVAILABLE,
          flagKey,
          "flag '"
              + flagKey
              + "': deployment "
              + number
              + " is still ROLLING_BACK after "
              + timeout
              + "; AppConfig takes no new deployment until it has rolled back");
    }
  }

  private void stop(String flagKey, int number, boolean allowRevert) {
    calls.call(
        flagKey,
        "stopping deployment " + number + (allowRevert ? " (AllowRevert)" : ""),
        () ->
            client.stopDeployment(
                b ->
                    b.applicationId(location.applicationId())
                        .environmentId(location.environmentId())
                        .deploymentNumber(number)
                        .allowRevert(allowRevert ? Boolean.TRUE : null)));
  }

  /** Reverts a COMPLETE deployment (AppConfig allows it for 72 hours after completion). */
  public GetDeploymentResponse revert(String flagKey, Deployed deployment) {
    if (deployment.state() != DeploymentState.COMPLETE) {
      throw new WriteBackException(
          WriteBackException.Kind.INVALID_REQUEST,
          flagKey,
          "flag '"
              + flagKey
              + "': deployment "
              + deployment.deploymentNumber()
              + " is "
              + deployment.state()
              + "; AppConfig reverts only a COMPLETE deployment (stop or kill one in progress)");
    }
    stop(flagKey, deployment.deploymentNumber(), true);
    return deployment(flagKey, deployment.deploymentNumber());
  }

  /**
   * Starts deploying {@code version}, conditional on {@code latestDeploymentNumber} still being the
   * environment's newest deployment, and returns the new deployment's number. A retry whose first
   * attempt did start answers 409; when the next deployment is this version with this description
   * it is ours. A 409 to a first attempt is always a conflict.
   */
  public int start(
      String flagKey,
      int version,
      String strategyId,
      String description,
      int latestDeploymentNumber) {
    String text = ControlPlane.limit(description);
    AtomicInteger attempts = new AtomicInteger();
    try {
      return calls
          .call(
              flagKey,
              "starting a deployment of version " + version,
              () -> {
                attempts.incrementAndGet();
                return client.startDeployment(
                    b ->
                        b.applicationId(location.applicationId())
                            .environmentId(location.environmentId())
                            .configurationProfileId(location.profileId())
                            .configurationVersion(Integer.toString(version))
                            .deploymentStrategyId(strategyId)
                            .description(text)
                            .overrideConfiguration(
                                o ->
                                    o.addPlugin(
                                        LatestDeploymentNumber.of(latestDeploymentNumber))));
              })
          .deploymentNumber();
    } catch (WriteBackException e) {
      if (e.kind() != WriteBackException.Kind.CONFLICT) {
        throw e;
      }
      int next = latestDeploymentNumber + 1;
      if (attempts.get() > 1 && startedByUs(flagKey, next, version, text)) {
        return next;
      }
      throw new WriteBackException(
          e.kind(),
          flagKey,
          e.getMessage()
              + " (the environment's newest deployment was "
              + latestDeploymentNumber
              + " when the flag was read)",
          e);
    }
  }

  private boolean startedByUs(String flagKey, int number, int version, String description) {
    try {
      GetDeploymentResponse found = deployment(flagKey, number);
      return Integer.toString(version).equals(found.configurationVersion())
          && location.profileId().equals(found.configurationProfileId())
          && Objects.equals(description, found.description());
    } catch (WriteBackException e) {
      return false;
    }
  }

  public GetDeploymentResponse deployment(String flagKey, int number) {
    return calls.call(
        flagKey,
        "reading deployment " + number,
        () ->
            client.getDeployment(
                b ->
                    b.applicationId(location.applicationId())
                        .environmentId(location.environmentId())
                        .deploymentNumber(number)));
  }

  /**
   * Waits until the deployment has reached every target (BAKING or COMPLETE) or was stopped, at
   * most {@code timeout}; a slow strategy may still be DEPLOYING then.
   */
  public GetDeploymentResponse awaitRollout(String flagKey, int number, Duration timeout) {
    return await(
        flagKey,
        number,
        timeout,
        s -> s == DeploymentState.BAKING || s == DeploymentState.COMPLETE || STOPPED.contains(s));
  }

  private GetDeploymentResponse await(
      String flagKey, int number, Duration timeout, Predicate<DeploymentState> done) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      GetDeploymentResponse deployment = deployment(flagKey, number);
      if (done.test(deployment.state()) || Instant.now().isAfter(deadline)) {
        return deployment;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return deployment;
      }
    }
  }
}
