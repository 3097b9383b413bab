package dev.llmrollout.router.cli;

import dev.llmrollout.router.gateway.RolloutSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How the rollout guard runs: the same options for {@code serve} and {@code guard}. */
final class RolloutGuardOptions {
  @Option(
      names = "--guard-check-interval",
      paramLabel = "DURATION",
      description =
          "How often the rollout guard checks each running rollout (10s, 1m or ISO-8601; default"
              + " 10s).")
  Duration guardCheckInterval = RolloutSettings.ofDefaults().checkInterval();

  @Option(
      names = "--rollout-audit",
      paramLabel = "FILE",
      description =
          "Also append every rollout audit record to FILE as a JSON line (default: memory only).")
  Path rolloutAudit;

  RolloutSettings settings() {
    return new RolloutSettings(guardCheckInterval, Optional.ofNullable(rolloutAudit));
  }
}
