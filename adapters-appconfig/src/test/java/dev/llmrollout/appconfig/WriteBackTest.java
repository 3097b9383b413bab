package dev.llmrollout.appconfig;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.appconfig.fake.LocalAppConfig.DeploymentView;
import dev.llmrollout.appconfig.fake.LocalAppConfig.Recorded;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, point 2 (write-back through the control plane) and point 4 (kill switch propagation, a
 * guard's rollback as a deployment, an alarm rollback by AppConfig itself), against the local
 * AppConfig through the real AppConfig and AppConfigData clients.
 */
class WriteBackTest {
  private static final String FLAG = "support-model";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private AppConfigHarness harness;
  private RunningProvider provider;
  private AppConfigRolloutControl control;

  @BeforeEach
  void start() throws Exception {
    harness = new AppConfigHarness(DocumentFormat.FEATURE_FLAGS);
    harness.publish(FlagSpec.canarySplit(FLAG, 20));
    provider = new RunningProvider(harness);
    control = (AppConfigRolloutControl) harness.open().control();
  }

  @AfterEach
  void stop() {
    provider.close();
    harness.close();
  }

  /** Liveness only: how fast is measured by the benchmarks module (docs/PERFORMANCE.md). */
  @Test
  void killSwitchReachesEveryUserOfARunningProviderAndRestoreBringsTheSplitBack() {
    Map<String, String> before = provider.assign(FLAG, 2_000);
    for (int round = 0; round < 3; round++) {
      control.kill(FLAG, "stable", ChangeRequest.because("round " + round).by("test"));
      await()
          .atMost(WAIT)
          .until(() -> Set.copyOf(provider.assign(FLAG, 2_000).values()).equals(Set.of("stable")));
      control.restore(FLAG, ChangeRequest.because("round " + round + " over"));
      await().atMost(WAIT).until(() -> provider.assign(FLAG, 2_000).equals(before));
    }
  }

  @Test
  void aGuardRollbackStopsTheBakingDeploymentWithAllowRevertAndArrivesAsAnInstantDeployment()
      throws Exception {
    harness.flagsForConsole(FlagSpec.canarySplit(FLAG, 50));
    int ramp = harness.deployContent(harness.render(), "AppConfig.AllAtOnce", "ramp to 50%");
    DeploymentView baking = harness.appConfig.deployments(app(), env()).get(0);
    assertThat(baking.state()).isEqualTo("BAKING");
    assertThat(baking.version()).isEqualTo(ramp);

    FlagState killed =
        control.kill(
            FLAG,
            "stable",
            ChangeRequest.because("p95 latency 4x baseline")
                .by("rollout-guard")
                .ifVersion("" + ramp));

    List<DeploymentView> deployments = harness.appConfig.deployments(app(), env());
    DeploymentView kill = deployments.get(0);
    Recorded stop = lastRequest("DELETE", "/deployments/" + baking.number());
    assertThat(stop.headers()).containsEntry("allow-revert", "true");
    assertThat(harness.appConfig.deploymentState(app(), env(), baking.number()))
        .isEqualTo("ROLLED_BACK");
    assertThat(kill.state()).isEqualTo("COMPLETE");
    assertThat(kill.strategyId()).isEqualTo(instantStrategyId());
    assertThat(kill.description()).contains("p95 latency 4x baseline", "rollout-guard");
    assertThat(new String(harness.appConfig.hostedContent(app(), profile(), kill.version())))
        .contains("killedTo");
    assertThat(killed.killedTo()).contains("stable");
    assertThat(killed.version()).isEqualTo("" + kill.version());
    Recorded create = lastCreate();
    assertThat(create.headers().get("latest-version-number")).isEqualTo("" + ramp);
    assertThat(create.headers().get("description")).contains("p95 latency 4x baseline");
    await()
        .atMost(WAIT)
        .until(() -> Set.copyOf(provider.assign(FLAG, 1_000).values()).equals(Set.of("stable")));
  }

  @Test
  void restoreRedeploysTheVersionTheKillReplaced() {
    Map<String, String> before = provider.assign(FLAG, 1_000);
    String version = control.state(FLAG).version();

    control.kill(FLAG, "stable", ChangeRequest.because("incident 42"));
    FlagState restored = control.restore(FLAG, ChangeRequest.because("incident 42 resolved"));

    assertThat(restored.version()).isEqualTo(version);
    assertThat(restored.weights()).containsEntry("canary", 20.0);
    assertThat(harness.appConfig.deployments(app(), env()).get(0).version())
        .isEqualTo(Integer.parseInt(version));
    await().atMost(WAIT).until(() -> provider.assign(FLAG, 1_000).equals(before));
  }

  @Test
  void restoreAfterAnotherFlagChangedKeepsThatChange() throws Exception {
    harness.publish(FlagSpec.canarySplit("summary-model", 10));
    control.kill(FLAG, "stable", ChangeRequest.because("incident 43"));
    control.setWeights("summary-model", split(60, 40), ChangeRequest.because("ramp summaries"));

    FlagState restored = control.restore(FLAG, ChangeRequest.because("incident 43 resolved"));

    assertThat(restored.killed()).isFalse();
    assertThat(restored.weights()).isEqualTo(split(80, 20));
    assertThat(control.state("summary-model").weights()).isEqualTo(split(60, 40));
  }

  @Test
  void anAlarmRollbackByAppConfigSurfacesAsConfigurationChanged() throws Exception {
    Map<String, String> before = provider.assign(FLAG, 1_000);
    String previous = control.state(FLAG).version();
    harness.flagsForConsole(FlagSpec.canarySplit(FLAG, 100));
    harness.deployContent(harness.render(), "AppConfig.AllAtOnce", "all in on the canary");
    await()
        .atMost(WAIT)
        .until(() -> Set.copyOf(provider.assign(FLAG, 500).values()).equals(Set.of("canary")));
    provider.events.clear();

    assertThat(harness.appConfig.fireAlarm(app(), env())).isPresent();

    await().atMost(WAIT).until(() -> !provider.events("CONFIGURATION_CHANGED").isEmpty());
    assertThat(provider.events("CONFIGURATION_CHANGED").get(0).flagsChanged()).contains(FLAG);
    assertThat(provider.assign(FLAG, 1_000)).isEqualTo(before);
    assertThat(control.state(FLAG).version()).isEqualTo(previous);
    assertThat(harness.appConfig.deployments(app(), env()).get(0).json())
        .contains("\"TriggeredBy\":\"CLOUDWATCH_ALARM\"", "ROLLED_BACK");
  }

  @Test
  void aCompletedDeploymentIsRevertedWithinSeventyTwoHoursAndRefusedAfter() {
    control.setWeights(FLAG, split(50, 50), ChangeRequest.because("step 2"));
    FlagState reverted = control.revert(FLAG, ChangeRequest.because("bad step"));
    assertThat(reverted.weights()).isEqualTo(split(80, 20));
    assertThat(harness.appConfig.deployments(app(), env()).get(0).state()).isEqualTo("REVERTED");

    control.setWeights(FLAG, split(50, 50), ChangeRequest.because("step 2 again"));
    harness.appConfig.clock().advance(Duration.ofHours(73));
    assertThatThrownBy(() -> control.revert(FLAG, ChangeRequest.because("too late")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.INVALID_REQUEST);
              assertThat(e.getMessage()).contains("BadRequestException", "72 hours", FLAG);
            });
  }

  @Test
  void aGradualStrategyIsAcceptedWhileDeployingAndReadBackAsTheNewVersion() {
    AppConfigRolloutControl gradual =
        AppConfigRolloutControl.builder(harness.console, location())
            .deploymentStrategy("AppConfig.Linear50PercentEvery30Seconds")
            .verifyTimeout(Duration.ofMillis(300))
            .build();

    FlagState written = gradual.setWeights(FLAG, split(60, 40), ChangeRequest.because("step"));

    DeploymentView deploying = harness.appConfig.deployments(app(), env()).get(0);
    assertThat(deploying.state()).isEqualTo("DEPLOYING");
    assertThat(written.version()).isEqualTo("" + deploying.version());
    assertThat(written.weights()).isEqualTo(split(60, 40));
  }

  @Test
  void recentChangesComeFromTheDeploymentHistoryWithReasonActionAndActor() {
    control.setWeights(FLAG, split(50, 50), ChangeRequest.because("step 2").by("rollout-guard"));
    control.kill(FLAG, "stable", ChangeRequest.because("error rate").by("rollout-guard"));
    control.restore(FLAG, ChangeRequest.because("fixed upstream").by("alice"));

    List<ChangeRecord> changes = control.recentChanges(FLAG, 10);

    assertThat(changes)
        .extracting(ChangeRecord::action, ChangeRecord::actor, ChangeRecord::reason)
        .containsExactly(
            tuple("deploy", "appconfig", "console: publish support-model"),
            tuple("set-weights", "rollout-guard", "step 2"),
            tuple("kill", "rollout-guard", "error rate"),
            tuple("restore", "alice", "fixed upstream"));
    assertThat(changes.get(2).before().path("weights").path("canary").asDouble()).isEqualTo(50.0);
    assertThat(changes.get(2).after().path("killedTo").asText()).isEqualTo("stable");
    assertThat(control.recentChanges(FLAG, 2))
        .hasSize(2)
        .last()
        .extracting(ChangeRecord::actor)
        .isEqualTo("alice");
  }

  @Test
  void throttledWritesAreRetriedAndSucceed() {
    harness.appConfig.failNext("POST", HOSTED, 2, 429, "ThrottlingException", null);

    FlagState written = control.setWeights(FLAG, split(70, 30), ChangeRequest.because("step"));

    assertThat(written.weights()).isEqualTo(split(70, 30));
    assertThat(creates()).hasSize(3);
  }

  @Test
  void aVersionAndADeploymentWhoseAnswersWereLostAreRecognisedAsOursOnRetry() {
    int deployments = harness.appConfig.deployments(app(), env()).size();
    harness.appConfig.loseNextAnswer("POST", HOSTED);
    harness.appConfig.loseNextAnswer("POST", ".*/environments/.*/deployments");

    FlagState written = control.setWeights(FLAG, split(70, 30), ChangeRequest.because("step"));

    assertThat(written.weights()).isEqualTo(split(70, 30));
    assertThat(creates()).hasSize(2);
    assertThat(harness.appConfig.deployments(app(), env())).hasSize(deployments + 1);
    assertThat(harness.appConfig.deployments(app(), env()).get(0).version())
        .isEqualTo(Integer.parseInt(written.version()));
  }

  @Test
  void aPersistentServerErrorIsReportedAfterTheRetriesAndNothingIsDeployed() {
    int deployments = harness.appConfig.deployments(app(), env()).size();
    harness.appConfig.failNext("POST", HOSTED, 4, 500, "InternalServerException", null);

    assertThatThrownBy(() -> control.setWeights(FLAG, split(70, 30), ChangeRequest.because("s")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.UNAVAILABLE);
              assertThat(e.getMessage()).contains("after 4 attempts", "InternalServerException");
            });
    assertThat(harness.appConfig.deployments(app(), env())).hasSize(deployments);
    assertThat(control.state(FLAG).weights()).isEqualTo(split(80, 20));
  }

  @Test
  void quotaAndBadRequestErrorsAreNotRetriedAndCarryAwsDetails() {
    harness.appConfig.failNext("POST", HOSTED, 1, 402, "ServiceQuotaExceededException", null);
    assertThatThrownBy(() -> control.setWeights(FLAG, split(70, 30), ChangeRequest.because("s")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.INVALID_REQUEST);
              assertThat(e.getMessage()).contains("ServiceQuotaExceededException", "quota");
            });
    assertThat(creates()).hasSize(1);

    harness.appConfig.failNext(
        "POST",
        HOSTED,
        1,
        400,
        "BadRequestException",
        "{\"Message\":\"Malformed 'Content' provided\",\"Reason\":\"InvalidConfiguration\","
            + "\"Details\":{\"InvalidConfiguration\":[{\"Location\":\"/values/support-model\","
            + "\"Reason\":\"too many attributes\",\"Constraint\":\"maxAttributes\"}]}}");
    assertThatThrownBy(() -> control.setWeights(FLAG, split(70, 30), ChangeRequest.because("s")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("Malformed 'Content' provided", "/values/support-model", "too many"));
  }

  @Test
  void aConcurrentVersionIsAConflictNotAnOverwrite() {
    harness.appConfig.failNext("POST", HOSTED, 1, 409, "ConflictException", null);

    assertThatThrownBy(() -> control.setWeights(FLAG, split(70, 30), ChangeRequest.because("s")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> assertThat(e.kind()).isEqualTo(WriteBackException.Kind.CONFLICT));
  }

  private static final String HOSTED = ".*/hostedconfigurationversions";

  private List<Recorded> creates() {
    return harness.appConfig.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().endsWith("/hostedconfigurationversions"))
        .filter(r -> r.headers().containsKey("latest-version-number"))
        .toList();
  }

  private Recorded lastRequest(String method, String pathEnd) {
    return harness.appConfig.requests().stream()
        .filter(r -> r.method().equals(method) && r.path().endsWith(pathEnd))
        .reduce((first, second) -> second)
        .orElseThrow();
  }

  private Recorded lastCreate() {
    List<Recorded> creates = creates();
    return creates.get(creates.size() - 1);
  }

  private String instantStrategyId() {
    return harness.console.listDeploymentStrategies(b -> b.maxResults(50)).items().stream()
        .filter(s -> s.name().equals("llm-rollout-instant"))
        .findFirst()
        .orElseThrow()
        .id();
  }

  private AppConfigLocation location() {
    return new AppConfigLocation(app(), env(), profile());
  }

  private String app() {
    return harness.applicationId;
  }

  private String env() {
    return harness.environmentId;
  }

  private String profile() {
    return harness.profileId;
  }
}
