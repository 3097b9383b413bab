package dev.llmrollout.guard.testing;

import dev.llmrollout.signals.ArmSignals;
import dev.llmrollout.signals.SignalSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Counters per flag, variant and segment, filled by tests and simulations. */
public final class InMemorySignalSource implements SignalSource {
  private final Map<String, CountingArm> arms = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> segments = new ConcurrentHashMap<>();

  /** Records one request of {@code variant} in {@code segment} (null for none). */
  public CountingArm.Request request(String flagKey, String variant, String segment) {
    CountingArm all = arm(flagKey, variant);
    if (segment == null) {
      return new CountingArm.Request(all, null);
    }
    segments.computeIfAbsent(flagKey, k -> ConcurrentHashMap.newKeySet()).add(segment);
    return new CountingArm.Request(
        all, arms.computeIfAbsent(key(flagKey, variant, segment), k -> new CountingArm()));
  }

  @Override
  public CountingArm arm(String flagKey, String variant) {
    return arms.computeIfAbsent(key(flagKey, variant, null), k -> new CountingArm());
  }

  @Override
  public ArmSignals arm(String flagKey, String variant, String segment) {
    return arms.computeIfAbsent(key(flagKey, variant, segment), k -> new CountingArm());
  }

  @Override
  public Set<String> segments(String flagKey) {
    return Set.copyOf(segments.getOrDefault(flagKey, Set.of()));
  }

  private static String key(String flagKey, String variant, String segment) {
    return flagKey + "|" + variant + "|" + (segment == null ? "" : segment);
  }
}
