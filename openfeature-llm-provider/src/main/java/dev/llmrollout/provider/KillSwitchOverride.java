package dev.llmrollout.provider;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ServingOverride} held in a lock-free map of flags killed to a safe variant. The rollout
 * guard forces a flag when it rolls back and releases it once the backend's kill is verified; an
 * operator may release it by hand. A forced variant the flag does not define is ignored: the
 * backend decides.
 */
public final class KillSwitchOverride implements ServingOverride {
  private final Map<String, String> forced = new ConcurrentHashMap<>();

  @Override
  public Optional<String> forcedVariant(String flagKey) {
    return Optional.ofNullable(forced.get(flagKey));
  }

  /** Serves {@code safeVariant} for {@code flagKey} from now on. */
  public void force(String flagKey, String safeVariant) {
    forced.put(flagKey, safeVariant);
  }

  /** Stops forcing {@code flagKey}; the backend decides again. */
  public void release(String flagKey) {
    forced.remove(flagKey);
  }
}
