package dev.llmrollout.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * Why, by whom, and on which version a write-back is made.
 *
 * @param reason recorded with the change (audit log, vendor comment)
 * @param actor who asks: a user name, {@code rollout-guard}, {@code llm-router cli}
 * @param expectedVersion the version the writer last read; empty for an unconditional write
 */
public record ChangeRequest(String reason, String actor, Optional<String> expectedVersion) {
  public ChangeRequest {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(expectedVersion, "expectedVersion");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("a change needs a reason");
    }
  }

  public static ChangeRequest because(String reason) {
    return new ChangeRequest(reason, System.getProperty("user.name", "unknown"), Optional.empty());
  }

  public ChangeRequest by(String who) {
    return new ChangeRequest(reason, who, expectedVersion);
  }

  /**
   * Makes the write conditional: it fails with a conflict unless the flag is at {@code version}.
   */
  public ChangeRequest ifVersion(String version) {
    return new ChangeRequest(reason, actor, Optional.of(version));
  }
}
