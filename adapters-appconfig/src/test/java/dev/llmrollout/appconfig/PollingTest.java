package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.appconfig.fake.LocalAppConfig;
import dev.llmrollout.appconfig.fake.LocalAppConfig.Plane;
import dev.llmrollout.appconfig.fake.LocalAppConfig.Recorded;
import dev.llmrollout.contract.FlagSpec;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.Value;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, point 1 (reading through a configuration session) and point 4 (poll outage, expired
 * token, malformed version), against the local AppConfig through the real AppConfigData client.
 */
class PollingTest {
  private static final String FLAG = "support-model";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private AppConfigHarness harness;
  private RunningProvider provider;

  @BeforeEach
  void start() throws Exception {
    harness = new AppConfigHarness(DocumentFormat.FEATURE_FLAGS);
    harness.publish(FlagSpec.canarySplit(FLAG, 10));
    provider = new RunningProvider(harness);
  }

  @AfterEach
  void stop() {
    provider.close();
    harness.close();
  }

  @Test
  void pollsOnTheReturnedIntervalWithEachTokenUsedOnceAndEmptyBodiesChangeNothing() {
    await().atMost(WAIT).until(() -> polls().size() >= 4);

    List<Recorded> polls = polls();
    Set<String> tokens = new HashSet<>();
    polls.forEach(p -> tokens.add(p.query().get("configuration_token")));
    assertThat(tokens).doesNotContainNull().hasSize(polls.size());
    assertThat(sessionStarts()).hasSize(1);
    assertThat(((AppConfigBackend) provider.backend.flags()).pollInterval())
        .isEqualTo(Duration.ofSeconds(AppConfigHarness.POLL_SECONDS));
    assertThat(provider.events).isEmpty();
    assertThat(provider.evaluate(FLAG, "user-1").getErrorCode()).isNull();
    // The fake answers 400 PollIntervalNotSatisfied to an early poll and Expired to a reused
    // token; either would have made the provider STALE.
    assertThat(provider.events("STALE")).isEmpty();
  }

  @Test
  void aPollOutageKeepsTheLastConfigurationServingAsStaleThenRecovers() {
    Map<String, String> before = provider.assign(FLAG, 500);

    harness.appConfig.outage(Plane.DATA);
    await().atMost(WAIT).until(() -> !provider.events("STALE").isEmpty());
    FlagEvaluationDetails<Value> during = provider.evaluate(FLAG, "user-1");
    assertThat(during.getReason()).isEqualTo("STALE");
    assertThat(during.getErrorCode()).isNull();
    assertThat(provider.assign(FLAG, 500)).isEqualTo(before);

    harness.appConfig.recover(Plane.DATA);
    await().atMost(WAIT).until(() -> !provider.events("READY").isEmpty());
    assertThat(provider.evaluate(FLAG, "user-1").getReason()).isEqualTo("SPLIT");
    assertThat(provider.events("STALE")).hasSize(1);
    assertThat(provider.events("STALE").get(0).message()).contains("InternalServerException");
  }

  @Test
  void anExpiredTokenStartsANewSessionWithoutGoingStale() {
    await().atMost(WAIT).until(() -> polls().size() >= 2);
    harness.appConfig.expireTokens();

    await().atMost(WAIT).until(() -> sessionStarts().size() >= 2);
    await().atMost(WAIT).until(() -> polls().size() >= 5);
    assertThat(provider.events("STALE")).isEmpty();
    assertThat(provider.events("CONFIGURATION_CHANGED")).isEmpty();
  }

  @Test
  void throttlingDropsTheSessionGoesStaleAndRecoversWithANewOne() {
    harness.appConfig.failNext(Plane.DATA, 1, 429, "ThrottlingException");

    await().atMost(WAIT).until(() -> !provider.events("READY").isEmpty());
    assertThat(provider.events("STALE").get(0).message()).contains("throttled");
    assertThat(sessionStarts()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(provider.evaluate(FLAG, "user-1").getErrorCode()).isNull();
  }

  @Test
  void aNewVersionIsServedAndReportedWithTheChangedFlagKey() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 10).withWeights(Map.of("canary", 100.0)));

    await().atMost(WAIT).until(() -> !provider.events("CONFIGURATION_CHANGED").isEmpty());
    assertThat(provider.events("CONFIGURATION_CHANGED").get(0).flagsChanged())
        .containsExactly(FLAG);
    assertThat(Set.copyOf(provider.assign(FLAG, 300).values())).containsExactly("canary");
  }

  @Test
  void aMalformedVersionIsRejectedWithAnErrorEventWhileThePreviousKeepsServing() {
    Map<String, String> before = provider.assign(FLAG, 500);
    // A FeatureFlags document AppConfig accepts whose variants attribute is not JSON.
    String broken =
        """
        {"version":"1",
         "flags":{"support-model":{"name":"m","attributes":{
            "variants":{"constraints":{"type":"string"}}}}},
         "values":{"support-model":{"enabled":true,"variants":"{not json"}}}
        """;
    harness.deployContent(
        broken.getBytes(StandardCharsets.UTF_8), consoleStrategy(), "typo in the console");

    await().atMost(WAIT).until(() -> !provider.events("ERROR").isEmpty());
    assertThat(provider.events("ERROR").get(0).message())
        .contains("support-model")
        .contains("variants");
    assertThat(provider.assign(FLAG, 500)).isEqualTo(before);
    assertThat(provider.events("CONFIGURATION_CHANGED")).isEmpty();
  }

  @Test
  void aVersionThatIsNotJsonIsRejectedWholeAndAGoodOneRecovers() throws Exception {
    AppConfigHarness flagd = new AppConfigHarness(DocumentFormat.FLAGD);
    try (flagd) {
      flagd.publish(FlagSpec.canarySplit(FLAG, 10));
      try (RunningProvider running = new RunningProvider(flagd)) {
        Map<String, String> before = running.assign(FLAG, 300);
        flagd.deployContent(
            "{\"flags\": {".getBytes(StandardCharsets.UTF_8), flagd.consoleStrategy(), "truncated");

        await().atMost(WAIT).until(() -> !running.events("ERROR").isEmpty());
        assertThat(running.events("ERROR").get(0).message())
            .contains("rejected configuration version")
            .contains("expected a JSON document");
        assertThat(running.assign(FLAG, 300)).isEqualTo(before);

        flagd.publish(FlagSpec.canarySplit(FLAG, 10).withWeights(Map.of("stable", 100.0)));
        await().atMost(WAIT).until(() -> !running.events("CONFIGURATION_CHANGED").isEmpty());
        assertThat(running.events("READY")).isNotEmpty();
        assertThat(Set.copyOf(running.assign(FLAG, 300).values())).containsExactly("stable");
      }
    }
  }

  @Test
  void aBrokenFlagInAnUpdateKeepsItsPreviousDefinitionAndNamesTheField() {
    String update =
        """
        {"version":"1",
         "flags":{"support-model":{"name":"m","attributes":{
            "variants":{"constraints":{"type":"string"}},
            "weights":{"constraints":{"type":"string"}}}}},
         "values":{"support-model":{"enabled":true,
            "variants":"{\\"stable\\":{\\"model\\":\\"m\\"}}",
            "weights":"{\\"stable\\":50,\\"ghost\\":50}"}}}
        """;
    harness.deployContent(update.getBytes(StandardCharsets.UTF_8), consoleStrategy(), "bad split");

    await().atMost(WAIT).until(() -> !provider.events("ERROR").isEmpty());
    assertThat(provider.events("ERROR").get(0).message()).contains("support-model", "ghost");
    FlagEvaluationDetails<Value> still = provider.evaluate(FLAG, "user-1");
    assertThat(still.getErrorCode()).isNull();
    assertThat(still.getValue().asStructure().getValue("model").asString()).startsWith("model-");
    assertThat(provider.evaluate("no-flag", "user-1").getErrorCode())
        .isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }

  private String consoleStrategy() {
    return harness.consoleStrategy();
  }

  private List<Recorded> polls() {
    return harness.appConfig.requests().stream()
        .filter(r -> r.plane() == LocalAppConfig.Plane.DATA && r.path().equals("/configuration"))
        .toList();
  }

  private List<Recorded> sessionStarts() {
    return harness.appConfig.requests().stream()
        .filter(r -> r.path().equals("/configurationsessions"))
        .toList();
  }
}
