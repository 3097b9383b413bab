package dev.llmrollout.router.gateway;

import dev.llmrollout.guard.GuardConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gateway's rollout guard runs.
 *
 * @param checkInterval how often each running rollout is checked
 * @param auditFile where every audit record is appended as a JSON line, if anywhere
 * @param guardId this guard's identity on rollout leases, stable across restarts (a pod or host
 *     name) so a restarted guard takes its own rollouts back at once; generated when empty
 * @param leaseTtl how long a rollout's lease lasts without renewal; the guard's default when empty
 */
public record RolloutSettings(
    Duration checkInterval,
    Optional<Path> auditFile,
    Optional<String> guardId,
    Optional<Duration> leaseTtl) {
  /** The variable holding the alert webhook's URL (often a secret, so never a flag or option). */
  public static final String ALERT_WEBHOOK_VARIABLE = "LLM_ROUTER_ALERT_WEBHOOK";

  public RolloutSettings {
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(auditFile, "auditFile");
    Objects.requireNonNull(guardId, "guardId");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
  }

  public RolloutSettings(Duration checkInterval, Optional<Path> auditFile) {
    this(checkInterval, auditFile, Optional.empty(), Optional.empty());
  }

  /** The guard's default check interval, records in memory only. */
  public static RolloutSettings ofDefaults() {
    return new RolloutSettings(GuardConfig.ofDefaults().checkInterval(), Optional.empty());
  }
}
