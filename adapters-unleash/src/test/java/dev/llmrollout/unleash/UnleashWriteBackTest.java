package dev.llmrollout.unleash;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.spi.WriteBackException;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 6, point 2 and 5: write-back through the Admin API of a real Unleash server. */
class UnleashWriteBackTest {
  private static final String FLAG = "writeback-model";

  private UnleashHarness harness;
  private UnleashBackend backend;

  @BeforeEach
  void setUp() throws Exception {
    harness = new UnleashHarness(UnleashServer.shared());
    harness.publish(FlagSpec.canarySplit(FLAG, 10));
    backend = new UnleashBackend(harness.settings());
    backend.start(new RecordingListener(), Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() throws Exception {
    backend.close();
    harness.close();
  }

  @Test
  void weightsAreWrittenOutOf1000WithTheBaselineVariableAndTheOthersFixed() {
    UnleashRolloutControl control = new UnleashRolloutControl(harness.settings(), backend);
    FlagState state =
        control.setWeights(FLAG, split(62.5, 37.5), ChangeRequest.because("step 3 of the plan"));

    assertThat(state.weights()).isEqualTo(split(62.5, 37.5));
    assertThat(harness.flags().weights(FLAG))
        .containsEntry("stable", 625)
        .containsEntry("canary", 375);
    JsonNode served = harness.flags().servedToClients(FLAG).path("strategies").path(0);
    assertThat(served.path("variants").findValuesAsText("weightType"))
        .containsExactly("fix", "variable"); // Unleash orders variants by name: canary, stable
    assertThatThrownBy(
            () -> control.setWeights(FLAG, split(99.95, 0.05), ChangeRequest.because("too fine")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.INVALID_REQUEST);
              assertThat(e.getMessage()).contains(FLAG, "canary", "0.1%");
            });
  }

  @Test
  void aWriteReturnsOnlyOnceTheAttachedClientServesIt() {
    UnleashRolloutControl control = new UnleashRolloutControl(harness.settings(), backend);
    control.setWeights(FLAG, split(0, 100), ChangeRequest.because("all in"));
    // No waiting: the control verified that this very client serves the new split.
    for (int i = 0; i < 500; i++) {
      assertThat(backend.resolve(FLAG, new ImmutableContext("user-" + i)).variant().name())
          .isEqualTo("canary");
    }
  }

  /**
   * A kill and its restore reach a running client through its polls. How long that takes is
   * measured by the benchmarks (docs/PERFORMANCE.md, kill-switch propagation), not asserted here.
   */
  @Test
  void aKillAndItsRestoreReachARunningClient() {
    UnleashRolloutControl control = new UnleashRolloutControl(harness.settings(), null);
    for (int round = 0; round < 2; round++) {
      control.kill(FLAG, "stable", ChangeRequest.because("round " + round));
      await().atMost(Duration.ofSeconds(60)).until(() -> servesOnly("stable"));
      control.restore(FLAG, ChangeRequest.because("round " + round + " done"));
      await().atMost(Duration.ofSeconds(60)).until(() -> !servesOnly("stable"));
    }
  }

  @Test
  void aRollbackByTheGuardLandsInUnleashsEventLogWithItsReason() {
    UnleashRolloutControl control = new UnleashRolloutControl(harness.settings(), backend);
    String read = control.state(FLAG).version();
    String reason = "rollback: error rate 4.1% > 2% over 1200 requests";

    FlagState killed =
        control.kill(
            FLAG, "stable", ChangeRequest.because(reason).by("rollout-guard").ifVersion(read));

    assertThat(killed.killedTo()).contains("stable");
    JsonNode newest = harness.flags().events(FLAG).get(0);
    assertThat(newest.path("type").asText()).isEqualTo("feature-strategy-update");
    assertThat(newest.path("data").path("title").asText())
        .isEqualTo("llm-rollout kill: " + reason + " (by rollout-guard)");
    assertThat(newest.path("preData").path("title").asText()).doesNotContain(reason);
  }

  @Test
  void killCanAlsoTurnTheEnvironmentOffAndRestoreTurnsItBackOn() throws Exception {
    UnleashRolloutControl control =
        new UnleashRolloutControl(harness.settingsKillingTheEnvironment(), backend);

    FlagState killed = control.kill(FLAG, "stable", ChangeRequest.because("hard stop"));
    assertThat(killed.enabled()).isFalse();
    assertThat(backend.resolve(FLAG, new ImmutableContext("user-1")).reason())
        .isEqualTo("DISABLED");

    FlagState restored = control.restore(FLAG, ChangeRequest.because("recovered"));
    assertThat(restored.enabled()).isTrue();
    assertThat(restored.weights()).isEqualTo(split(90, 10));
  }

  @Test
  void recentChangesReadTheWriteBacksOutOfUnleashsEventLog() {
    UnleashRolloutControl control =
        new UnleashRolloutControl(harness.settingsKillingTheEnvironment(), backend);
    control.setWeights(FLAG, split(75, 25), ChangeRequest.because("step 2").by("guard"));
    control.kill(FLAG, "stable", ChangeRequest.because("latency (p95) over budget").by("guard"));
    control.restore(FLAG, ChangeRequest.because("fixed").by("alice"));

    List<ChangeRecord> changes = control.recentChanges(FLAG, 3);

    assertThat(changes)
        .extracting(ChangeRecord::action)
        .containsExactly("set-weights", "kill", "restore");
    assertThat(changes)
        .extracting(ChangeRecord::reason)
        .containsExactly("step 2", "latency (p95) over budget", "fixed");
    assertThat(changes).extracting(ChangeRecord::actor).containsExactly("guard", "guard", "alice");
    ChangeRecord kill = changes.get(1);
    assertThat(kill.before().path("weights").path("canary").asDouble()).isEqualTo(25.0);
    assertThat(kill.after().path("killedTo").asText()).isEqualTo("stable");
    assertThat(kill.after().path("enabled").asBoolean()).isFalse();
    assertThat(changes.get(2).after().path("enabled").asBoolean()).isTrue();
    assertThat(changes.get(2).after().path("weights").path("canary").asDouble()).isEqualTo(25.0);
    assertThat(control.recentChanges(FLAG, 1))
        .extracting(ChangeRecord::action)
        .containsExactly("restore");
  }

  @Test
  void aTokenWithoutAdminRightsIsAClearPermissionsErrorWithoutTheToken() {
    UnleashSettings clientOnly =
        UnleashSettings.builder(harness.settings().apiUrl())
            .clientToken(harness.settings().clientToken())
            .adminToken(harness.settings().clientToken())
            .build();
    UnleashRolloutControl control = new UnleashRolloutControl(clientOnly, null);

    assertThatThrownBy(() -> control.kill(FLAG, "stable", ChangeRequest.because("x")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.PERMISSION_DENIED);
              assertThat(e.getMessage())
                  .contains(FLAG, "HTTP 403", "UNLEASH_ADMIN_TOKEN")
                  .doesNotContain(harness.settings().clientToken());
            });
  }

  private boolean servesOnly(String variant) {
    for (int i = 0; i < 2_000; i++) {
      Resolution resolution = backend.resolve(FLAG, new ImmutableContext("user-" + i));
      if (resolution.variant() == null || !variant.equals(resolution.variant().name())) {
        return false;
      }
    }
    return true;
  }
}
