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
 */
public record RolloutSettings(Duration checkInterval, Optional<Path> auditFile) {
  /** The variable holding the alert webhook's URL (often a secret, so never a flag or option). */
  public static final String ALERT_WEBHOOK_VARIABLE = "LLM_ROUTER_ALERT_WEBHOOK";

  public RolloutSettings {
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(auditFile, "auditFile");
  }

  /** The guard's default check interval, records in memory only. */
  public static RolloutSettings ofDefaults() {
    return new RolloutSettings(GuardConfig.ofDefaults().checkInterval(), Optional.empty());
  }
}
