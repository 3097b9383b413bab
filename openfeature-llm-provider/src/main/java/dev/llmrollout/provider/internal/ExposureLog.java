package dev.llmrollout.provider.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which variant each targeting key was last served per flag, so that feedback arriving
 * later through {@code track()} counts against the variant the user actually saw. Bounded in size
 * and age; on the evaluation path it only writes when the served variant changes.
 */
public final class ExposureLog {
  private final Cache<String, Map<String, String>> servedByKey;

  public ExposureLog(long capacity, Duration retention) {
    this.servedByKey =
        Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(retention).build();
  }

  public void served(String targetingKey, String flagKey, String variant) {
    Map<String, String> served = servedByKey.getIfPresent(targetingKey);
    if (served == null) {
      served = servedByKey.get(targetingKey, k -> new ConcurrentHashMap<>(4));
    }
    if (!variant.equals(served.get(flagKey))) {
      served.put(flagKey, variant);
    }
  }

  /** Flag key to the variant last served to {@code targetingKey}; empty when none is known. */
  public Map<String, String> servedTo(String targetingKey) {
    Map<String, String> served = servedByKey.getIfPresent(targetingKey);
    return served == null ? Map.of() : Map.copyOf(served);
  }
}
