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

  @Option(
      names = "--guard-id",
      paramLabel = "ID",
      description =
          "This guard's identity on rollout leases (a host or pod name): a restarted guard with"
              + " the same id takes its rollouts back at once (default: a new id per start, so a"
              + " restart waits for its old lease to lapse).")
  String guardId;

  @Option(
      names = "--lease-ttl",
      paramLabel = "DURATION",
      description =
          "How long a rollout's lease lasts unrenewed before a standby takes it over (at least"
              + " three check intervals; default 60s or three check intervals).")
  Duration leaseTtl;

  RolloutSettings settings() {
    if (guardId != null && guardId.isBlank()) {
      throw new IllegalArgumentException("--guard-id: expected a non-blank id");
    }
    if (leaseTtl != null && leaseTtl.compareTo(guardCheckInterval.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException(
          "--lease-ttl "
              + leaseTtl
              + ": expected at least three check intervals ("
              + guardCheckInterval.multipliedBy(3)
              + ")");
    }
    return new RolloutSettings(
        guardCheckInterval,
        Optional.ofNullable(rolloutAudit),
        Optional.ofNullable(guardId),
        Optional.ofNullable(leaseTtl));
  }
}
