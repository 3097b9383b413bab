package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.appconfig.fake.LocalAppConfig.DeploymentView;
import dev.llmrollout.appconfig.fake.LocalAppConfig.Recorded;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, point 1: a kill in every state the deployment in effect can be in, done the way AWS
 * documents StopDeployment ("works only on deployments that have a status of DEPLOYING, unless an
 * AllowRevert parameter is supplied") and StartDeployment (its LatestDeploymentNumber lock), on the
 * local AppConfig, which refuses what the model says AWS refuses.
 */
class KillInEveryStateTest {
  private static final String FLAG = "support-model";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private AppConfigHarness harness;
  private AppConfigRolloutControl control;

  @BeforeEach
  void start() throws Exception {
    harness = new AppConfigHarness(DocumentFormat.FEATURE_FLAGS);
    harness.publish(FlagSpec.canarySplit(FLAG, 20));
    control = (AppConfigRolloutControl) harness.open().control();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void deployingIsStoppedWithoutAllowRevertThenTheKillIsDeployed() throws Exception {
    int ramp = consoleDeploy("AppConfig.Linear50PercentEvery30Seconds");
    assertThat(state(ramp)).isEqualTo("DEPLOYING");

    FlagState killed = kill();

    assertThat(stopRequests()).hasSize(1);
    assertThat(stopRequests().get(0).headers()).doesNotContainKey("allow-revert");
    assertThat(state(ramp)).isEqualTo("ROLLED_BACK");
    assertKillDeployedAfter(ramp, killed);
  }

  @Test
  void bakingIsStoppedWithAllowRevertWhichRollsItBack() throws Exception {
    int ramp = consoleDeploy("AppConfig.AllAtOnce");
    assertThat(state(ramp)).isEqualTo("BAKING");

    FlagState killed = kill();

    assertThat(stopRequests()).hasSize(1);
    assertThat(stopRequests().get(0).headers()).containsEntry("allow-revert", "true");
    assertThat(state(ramp)).isEqualTo("ROLLED_BACK");
    assertKillDeployedAfter(ramp, killed);
  }

  @Test
  void validatingIsStoppedWithAllowRevertWhichRollsItBack() throws Exception {
    harness.appConfig.validationTime(Duration.ofMinutes(1));
    int ramp = consoleDeploy(harness.consoleStrategy());
    assertThat(state(ramp)).isEqualTo("VALIDATING");
    harness.appConfig.validationTime(Duration.ZERO);

    FlagState killed = kill();

    assertThat(stopRequests().get(0).headers()).containsEntry("allow-revert", "true");
    assertThat(state(ramp)).isEqualTo("ROLLED_BACK");
    assertKillDeployedAfter(ramp, killed);
  }

  @Test
  void completeIsNotStoppedTheKillDeploymentSupersedesIt() throws Exception {
    int ramp = consoleDeploy(harness.consoleStrategy());
    assertThat(state(ramp)).isEqualTo("COMPLETE");

    FlagState killed = kill();

    assertThat(stopRequests()).isEmpty();
    assertThat(state(ramp)).isEqualTo("COMPLETE");
    assertKillDeployedAfter(ramp, killed);
  }

  @Test
  void aDeploymentThatReachesBakingBeforeThePlainStopIsStoppedAgainWithAllowRevert()
      throws Exception {
    int ramp = consoleDeploy("AppConfig.Linear50PercentEvery30Seconds");
    assertThat(state(ramp)).isEqualTo("DEPLOYING");
    // Between the kill's read and its stop, the deployment reaches 100 % and starts baking.
    harness.appConfig.beforeNext(
        "DELETE", ".*/deployments/" + ramp, () -> harness.appConfig.clock().advance(minutes(1)));

    FlagState killed = kill();

    List<Recorded> stops = stopRequests();
    assertThat(stops).hasSize(2);
    assertThat(stops.get(0).headers()).doesNotContainKey("allow-revert");
    assertThat(stops.get(1).headers()).containsEntry("allow-revert", "true");
    assertThat(state(ramp)).isEqualTo("ROLLED_BACK");
    assertKillDeployedAfter(ramp, killed);
  }

  @Test
  void theKillWaitsWhileTheStoppedDeploymentIsRollingBack() throws Exception {
    harness.appConfig.rollbackTime(minutes(2));
    int ramp = consoleDeploy("AppConfig.AllAtOnce");

    CompletableFuture<FlagState> killing = CompletableFuture.supplyAsync(this::kill);
    await().atMost(WAIT).until(() -> "ROLLING_BACK".equals(state(ramp)));
    // AppConfig takes no deployment while one rolls back: the kill reads the state again and again.
    await().atMost(WAIT).until(() -> deploymentReads(ramp) >= 3);
    assertThat(killing).isNotDone();
    assertThat(starts()).isEmpty();

    harness.appConfig.clock().advance(minutes(2));

    FlagState killed = killing.get();
    assertThat(state(ramp)).isEqualTo("ROLLED_BACK");
    assertKillDeployedAfter(ramp, killed);
  }

  @Test
  void aKillDuringBakeReachesEveryUserOfARunningProvider() throws Exception {
    try (RunningProvider provider = new RunningProvider(harness)) {
      harness.flagsForConsole(FlagSpec.canarySplit(FLAG, 100));
      consoleDeploy("AppConfig.AllAtOnce");
      await()
          .atMost(WAIT)
          .until(() -> Set.copyOf(provider.assign(FLAG, 500).values()).equals(Set.of("canary")));

      kill();

      await()
          .atMost(WAIT)
          .until(() -> Set.copyOf(provider.assign(FLAG, 500).values()).equals(Set.of("stable")));
    }
  }

  private FlagState kill() {
    return control.kill(FLAG, "stable", ChangeRequest.because("canary errors").by("guard"));
  }

  /** The kill is the newest deployment, COMPLETE at once, started under the deployment lock. */
  private void assertKillDeployedAfter(int previous, FlagState killed) throws Exception {
    DeploymentView kill = harness.appConfig.deployments(app(), env()).get(0);
    assertThat(kill.number()).isEqualTo(previous + 1);
    assertThat(kill.state()).isEqualTo("COMPLETE");
    assertThat(kill.version()).isEqualTo(Integer.parseInt(killed.version()));
    assertThat(killed.killedTo()).contains("stable");
    assertThat(killed.share("stable")).isEqualTo(100.0);
    List<Recorded> starts = starts();
    assertThat(JSON.readTree(starts.get(starts.size() - 1).body()).path("LatestDeploymentNumber"))
        .hasToString(Integer.toString(previous));
  }

  private int consoleDeploy(String strategy) throws Exception {
    harness.deployContent(harness.render(), strategy, "console ramp");
    return harness.appConfig.deployments(app(), env()).get(0).number();
  }

  private String state(int number) {
    return harness.appConfig.deploymentState(app(), env(), number);
  }

  private List<Recorded> stopRequests() {
    return harness.appConfig.requests().stream()
        .filter(r -> r.method().equals("DELETE") && r.path().contains("/deployments/"))
        .toList();
  }

  /** StartDeployment requests made by the control (the console's carry no lock). */
  private List<Recorded> starts() {
    return harness.appConfig.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().endsWith("/deployments"))
        .filter(r -> r.body().contains("LatestDeploymentNumber"))
        .toList();
  }

  private long deploymentReads(int number) {
    return harness.appConfig.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().endsWith("/deployments/" + number))
        .count();
  }

  private static Duration minutes(int minutes) {
    return Duration.ofMinutes(minutes);
  }

  private String app() {
    return harness.applicationId;
  }

  private String env() {
    return harness.environmentId;
  }
}
