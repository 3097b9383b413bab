package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.contract.FlagSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.appconfig.model.BadRequestException;
import software.amazon.awssdk.services.appconfig.model.ConflictException;
import software.amazon.awssdk.services.appconfig.model.DeploymentState;
import software.amazon.awssdk.services.appconfig.model.HostedConfigurationVersionSummary;
import software.amazon.awssdk.services.appconfigdata.AppConfigDataClient;
import software.amazon.awssdk.services.appconfigdata.model.GetLatestConfigurationResponse;

/**
 * Issue 18, point 1: the local AppConfig's deployments as the service model documents them, seen
 * through the real SDK: StopDeployment's refusals in every state, StartDeployment's deployment
 * number lock, gradual deployments served to their share of sessions, hosted versions listed in no
 * documented order.
 */
class LocalAppConfigDeploymentsTest {
  private static final int SESSIONS = 200;

  private AppConfigHarness harness;
  private LocalConsole console;
  private AppConfigDataClient data;

  @BeforeEach
  void start() throws Exception {
    harness = new AppConfigHarness(DocumentFormat.FEATURE_FLAGS);
    console = new LocalConsole(harness);
    harness.publish(FlagSpec.canarySplit("support-model", 10));
    harness.appConfig.enforcePollInterval(false);
    data = console.dataClient();
  }

  @AfterEach
  void stop() {
    data.close();
    harness.close();
  }

  @Test
  void stopWithoutAllowRevertWorksOnlyWhileDeploying() {
    int version = console.newVersion(null);
    harness.appConfig.validationTime(Duration.ofMinutes(1));
    int validating = console.deploy(version, "AppConfig.AllAtOnce");
    assertThat(console.state(validating)).isEqualTo(DeploymentState.VALIDATING);
    assertThatThrownBy(() -> console.stop(validating, false))
        .isInstanceOf(BadRequestException.class);
    assertThat(console.stop(validating, true)).isEqualTo(DeploymentState.ROLLED_BACK);
    harness.appConfig.validationTime(Duration.ZERO);

    int baking = console.deploy(version, "AppConfig.AllAtOnce");
    assertThat(console.state(baking)).isEqualTo(DeploymentState.BAKING);
    assertThatThrownBy(() -> console.stop(baking, false))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> assertThat(e.getMessage()).contains("AllowRevert", "BAKING"));
    assertThat(console.stop(baking, true)).isEqualTo(DeploymentState.ROLLED_BACK);
    assertThatThrownBy(() -> console.stop(baking, true)).isInstanceOf(BadRequestException.class);

    int deploying = console.deploy(version, "AppConfig.Linear20PercentEvery6Minutes");
    assertThat(console.state(deploying)).isEqualTo(DeploymentState.DEPLOYING);
    assertThat(console.stop(deploying, false)).isEqualTo(DeploymentState.ROLLED_BACK);
  }

  @Test
  void aStoppedDeploymentRollsBackForTheRollbackTimeAndBlocksOthersMeanwhile() {
    int version = console.newVersion(null);
    harness.appConfig.rollbackTime(Duration.ofMinutes(2));
    int baking = console.deploy(version, "AppConfig.AllAtOnce");

    assertThat(console.stop(baking, true)).isEqualTo(DeploymentState.ROLLING_BACK);
    assertThatThrownBy(() -> console.deploy(version, harness.consoleStrategy()))
        .isInstanceOf(ConflictException.class);
    harness.appConfig.clock().advance(Duration.ofMinutes(2));
    assertThat(console.state(baking)).isEqualTo(DeploymentState.ROLLED_BACK);
    assertThat(harness.appConfig.deployments(harness.applicationId, harness.environmentId))
        .first()
        .satisfies(d -> assertThat(d.json()).contains("ROLLBACK_STARTED", "ROLLBACK_COMPLETED"));
  }

  @Test
  void startDeploymentRefusesAStaleLatestDeploymentNumberWith409() {
    int version = console.newVersion(null);
    int latest = harness.appConfig.deployments(harness.applicationId, harness.environmentId).size();

    assertThatThrownBy(() -> console.deployLocked(version, latest - 1))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(409);
              assertThat(e.getMessage()).contains("LatestDeploymentNumber");
            });
    assertThat(console.deployLocked(version, latest)).isEqualTo(latest + 1);
  }

  @Test
  void aLinearDeploymentReachesItsGrowingShareOfSessionsAndKeepsThem() {
    List<String> tokens = sessions();
    Map<Integer, String> labels = new HashMap<>();
    poll(tokens, labels);
    console.deploy(console.newVersion("ramp"), "AppConfig.Linear20PercentEvery6Minutes");

    List<Integer> previous = List.of();
    for (int step = 1; step <= 4; step++) {
      List<Integer> onRamp = poll(tokens, labels);
      assertThat(onRamp.size()).isBetween(SESSIONS * step / 5 - 3, SESSIONS * step / 5 + 3);
      assertThat(onRamp).containsAll(previous);
      previous = onRamp;
      harness.appConfig.clock().advance(Duration.ofMinutes(6));
    }
    harness.appConfig.clock().advance(Duration.ofMinutes(6));
    assertThat(poll(tokens, labels)).hasSize(SESSIONS);
  }

  @Test
  void anExponentialDeploymentDoublesItsShareEachStep() {
    List<String> tokens = sessions();
    Map<Integer, String> labels = new HashMap<>();
    poll(tokens, labels);
    console.deploy(console.newVersion("canary"), "AppConfig.Canary10Percent20Minutes");

    for (int percent : new int[] {10, 20, 40, 80, 100}) {
      int expected = SESSIONS * percent / 100;
      assertThat(poll(tokens, labels).size())
          .isBetween(expected - 3, Math.min(SESSIONS, expected + 3));
      harness.appConfig.clock().advance(Duration.ofMinutes(4));
    }
  }

  @Test
  void hostedVersionsAreListedNeitherNewestNorOldestFirst() {
    for (int i = 0; i < 8; i++) {
      console.newVersion(null);
    }
    List<Integer> listed =
        harness
            .console
            .listHostedConfigurationVersions(
                b ->
                    b.applicationId(harness.applicationId)
                        .configurationProfileId(harness.profileId))
            .items()
            .stream()
            .map(HostedConfigurationVersionSummary::versionNumber)
            .toList();

    assertThat(listed).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(listed).isNotEqualTo(listed.stream().sorted().toList());
    assertThat(listed.get(0)).isNotIn(1, 9);
  }

  /** Starts {@value #SESSIONS} configuration sessions and returns their tokens. */
  private List<String> sessions() {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      tokens.add(
          data.startConfigurationSession(
                  b ->
                      b.applicationIdentifier(harness.applicationId)
                          .environmentIdentifier(harness.environmentId)
                          .configurationProfileIdentifier(harness.profileId))
              .initialConfigurationToken());
    }
    return tokens;
  }

  /**
   * Polls every session once (replacing its token) and returns the sessions whose configuration is
   * a labelled version; an empty answer means the session's version did not change.
   */
  private List<Integer> poll(List<String> tokens, Map<Integer, String> labels) {
    List<Integer> labelled = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      GetLatestConfigurationResponse response =
          data.getLatestConfiguration(b -> b.configurationToken(token));
      tokens.set(i, response.nextPollConfigurationToken());
      if (response.configuration().asByteArray().length > 0) {
        labels.put(i, response.versionLabel());
      }
      if (labels.get(i) != null) {
        labelled.add(i);
      }
    }
    return labelled;
  }
}
