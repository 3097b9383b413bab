package dev.llmrollout.unleash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.Resolution;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, point 1: targeting done in the Unleash console reaches the OpenFeature context: the
 * targeting key is Unleash's userId and other attributes are context fields and properties.
 */
class UnleashTargetingTest {
  private UnleashHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new UnleashHarness(UnleashServer.shared());
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  @Test
  void aUserIdConstraintMatchesTheTargetingKey() throws Exception {
    harness.flags().publishConstrained(FlagSpec.canarySplit("vip-model", 100), "userId", "user-42");
    try (UnleashBackend backend = new UnleashBackend(harness.settings())) {
      backend.start(new RecordingListener(), Duration.ofSeconds(30));

      Resolution vip = backend.resolve("vip-model", new ImmutableContext("user-42"));
      Resolution other = backend.resolve("vip-model", new ImmutableContext("user-43"));

      assertThat(vip.variant().name()).isEqualTo("canary");
      assertThat(other.variant()).isNull();
      assertThat(other.reason()).isEqualTo(Reason.DEFAULT.name());
      assertThat(other.isError()).isFalse();
    }
  }

  @Test
  void customAttributesAndTheSessionIdReachStrategyConstraints() throws Exception {
    harness.flags().publishConstrained(FlagSpec.canarySplit("tier-model", 100), "tier", "gold");
    harness
        .flags()
        .publishConstrained(FlagSpec.canarySplit("session-model", 100), "sessionId", "s-1");
    try (UnleashBackend backend = new UnleashBackend(harness.settings())) {
      backend.start(new RecordingListener(), Duration.ofSeconds(30));

      assertThat(resolve(backend, "tier-model", Map.of("tier", new Value("gold"))).variant())
          .isNotNull();
      assertThat(resolve(backend, "tier-model", Map.of("tier", new Value("free"))).variant())
          .isNull();
      assertThat(resolve(backend, "session-model", Map.of("sessionId", new Value("s-1"))).variant())
          .isNotNull();
      assertThat(resolve(backend, "session-model", Map.of("sessionId", new Value("s-2"))).variant())
          .isNull();
    }
  }

  @Test
  void aDisabledEnvironmentGivesTheDefaultWithReasonDisabled() throws Exception {
    harness.publish(FlagSpec.canarySplit("off-model", 50));
    UnleashRolloutControl control = new UnleashRolloutControl(harness.settings(), null);
    try (UnleashBackend backend = new UnleashBackend(harness.settings())) {
      backend.start(new RecordingListener(), Duration.ofSeconds(30));
      new UnleashRolloutControl(harness.settingsKillingTheEnvironment(), backend)
          .kill("off-model", "stable", ChangeRequest.because("off"));

      Resolution resolution = backend.resolve("off-model", new ImmutableContext("user-1"));
      assertThat(resolution.reason()).isEqualTo(Reason.DISABLED.name());
      assertThat(resolution.variant()).isNull();
      assertThat(control.state("off-model").enabled()).isFalse();
    }
  }

  @Test
  void aClientTokenUnleashRefusesFailsTheStartSayingWhichTokenToCheck() throws Exception {
    UnleashSettings wrongToken =
        UnleashSettings.builder(harness.settings().apiUrl())
            .clientToken("*:development.not-a-token-unleash-knows")
            .fetchInterval(Duration.ofSeconds(1))
            .backupFile(Files.createTempFile("no-backup", ".json"))
            .sendMetrics(false)
            .build();
    Files.delete(wrongToken.backupFile());
    try (UnleashBackend backend = new UnleashBackend(wrongToken)) {
      assertThatThrownBy(() -> backend.start(new RecordingListener(), Duration.ofSeconds(3)))
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("UNLEASH_CLIENT_TOKEN")
          .hasMessageNotContaining("not-a-token-unleash-knows");
    }
  }

  private static Resolution resolve(UnleashBackend backend, String flag, Map<String, Value> attrs) {
    return backend.resolve(flag, new ImmutableContext("user-1", attrs));
  }
}
