package dev.llmrollout.appconfig;

import dev.llmrollout.appconfig.internal.LatestDeploymentNumber;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.appconfig.model.DeploymentState;
import software.amazon.awssdk.services.appconfig.model.StartDeploymentRequest;
import software.amazon.awssdk.services.appconfigdata.AppConfigDataClient;

/**
 * The calls the local AppConfig's own tests make through the real SDK clients, as an operator's
 * console or an application would: a data client, hosted versions, deployments and their state.
 */
final class LocalConsole {
  private final AppConfigHarness harness;

  LocalConsole(AppConfigHarness harness) {
    this.harness = harness;
  }

  /** An AppConfigData client of the local AppConfig that never retries, for the tests to see. */
  AppConfigDataClient dataClient() {
    return AppConfigDataClient.builder()
        .endpointOverride(harness.appConfig.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    AppConfigHarness.ACCESS_KEY, AppConfigHarness.SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /** Stores the harness's flags as a new hosted version, labelled when {@code label} is set. */
  int newVersion(String label) {
    byte[] content;
    try {
      content = harness.render();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return harness
        .console
        .createHostedConfigurationVersion(
            b ->
                b.applicationId(harness.applicationId)
                    .configurationProfileId(harness.profileId)
                    .content(SdkBytes.fromByteArray(content))
                    .contentType("application/json")
                    .versionLabel(label))
        .versionNumber();
  }

  int deploy(int version, String strategy) {
    return deploy(version, strategy, UnaryOperator.identity());
  }

  /** Deploys with StartDeployment's LatestDeploymentNumber lock. */
  int deployLocked(int version, int latestDeploymentNumber) {
    return deploy(
        version,
        harness.consoleStrategy(),
        b ->
            b.overrideConfiguration(
                o -> o.addPlugin(LatestDeploymentNumber.of(latestDeploymentNumber))));
  }

  private int deploy(
      int version, String strategy, UnaryOperator<StartDeploymentRequest.Builder> more) {
    return harness
        .console
        .startDeployment(
            b ->
                more.apply(
                    b.applicationId(harness.applicationId)
                        .environmentId(harness.environmentId)
                        .configurationProfileId(harness.profileId)
                        .configurationVersion(Integer.toString(version))
                        .deploymentStrategyId(strategy)))
        .deploymentNumber();
  }

  DeploymentState state(int number) {
    return harness
        .console
        .getDeployment(
            b ->
                b.applicationId(harness.applicationId)
                    .environmentId(harness.environmentId)
                    .deploymentNumber(number))
        .state();
  }

  /** StopDeployment, with AllowRevert set only when {@code allowRevert} (absent otherwise). */
  DeploymentState stop(int number, boolean allowRevert) {
    return harness
        .console
        .stopDeployment(
            b ->
                b.applicationId(harness.applicationId)
                    .environmentId(harness.environmentId)
                    .deploymentNumber(number)
                    .allowRevert(allowRevert ? Boolean.TRUE : null))
        .state();
  }
}
