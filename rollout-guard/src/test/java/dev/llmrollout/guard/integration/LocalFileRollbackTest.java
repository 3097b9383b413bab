package dev.llmrollout.guard.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.GuardScheduler;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.testing.InMemorySignalSource;
import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.local.LocalFileControl;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.spi.BackendListener;
import dev.openfeature.sdk.ImmutableContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("issue 5.5: a real rollback through the local-file backend, verified by evaluations")
class LocalFileRollbackTest {
  private static final String FLAG = "support-model";
  private static final String FLAGS =
      """
      {"flags": {"support-model": {"state": "ENABLED",
        "variants": {
          "stable": {"model": "support-llm-2025-06", "version": "1.1.0", "endpoint": "stable-pool"},
          "canary": {"model": "support-llm-2025-09", "version": "1.2.0", "endpoint": "canary-pool"}},
        "defaultVariant": "stable"}}}
      """;

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private LocalFileBackend backend;

  @AfterEach
  void close() {
    executor.shutdownNow();
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void canaryRegressionIsRolledBackInTheFlagsFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, FLAGS);
    backend = LocalFileBackend.watching(file, Duration.ofMillis(50));
    backend.start(new BackendListener() {}, Duration.ofSeconds(5));
    LocalFileControl control = new LocalFileControl(file);
    InMemorySignalSource signals = new InMemorySignalSource();
    KillSwitchOverride override = new KillSwitchOverride();
    RolloutGuard guard =
        RolloutGuard.builder(control, signals)
            .config(
                GuardConfig.custom()
                    .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                    .build())
            .scheduler(GuardScheduler.of(executor))
            .override(override)
            .probe(flag -> served(flag, "probe-session"))
            .build();

    Rollout rollout =
        guard.start(
            RolloutSpec.forFlag(FLAG)
                .stable("stable")
                .canary("canary")
                .versions("1.1.0", "1.2.0")
                .build());
    assertThat(control.state(FLAG).share("canary")).isEqualTo(5.0);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        IntStream.range(0, 2_000)
                            .filter(i -> "canary".equals(served(FLAG, "s" + i)))
                            .count())
                    .as("about 5% of sessions get the canary")
                    .isBetween(60L, 140L));

    InMemorySignalSource.Arm stable = signals.request(FLAG, "stable", null);
    InMemorySignalSource.Arm canary = signals.request(FLAG, "canary", null);
    for (int i = 0; i < 5_700; i++) {
      stable.success();
    }
    for (int i = 0; i < 300; i++) {
      if (i % 4 == 0) {
        canary.error();
      } else {
        canary.success();
      }
    }
    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(override.forcedVariant(FLAG)).contains("stable");
    await().atMost(Duration.ofSeconds(10)).until(rollout::rollbackVerified);
    assertThat(control.state(FLAG).killedTo()).contains("stable");
    assertThat(IntStream.range(0, 500).mapToObj(i -> served(FLAG, "s" + i)).distinct())
        .containsExactly("stable");
    assertThat(control.recentChanges(FLAG, 10))
        .extracting(dev.llmrollout.spi.ChangeRecord::action)
        .containsExactly("set-weights", "kill");
    assertThat(control.recentChanges(FLAG, 1).get(0).reason()).contains("SUCCESS_RATE");
    assertThat(control.recentChanges(FLAG, 1).get(0).actor()).isEqualTo("rollout-guard");
  }

  private String served(String flag, String session) {
    return backend.resolve(flag, new ImmutableContext(session)).variant().name();
  }
}
