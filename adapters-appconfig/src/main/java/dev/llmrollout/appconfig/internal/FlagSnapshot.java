package dev.llmrollout.appconfig.internal;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The flags served at one moment, immutable. A new configuration is merged into it: a flag that the
 * new version breaks keeps its previous definition when it had a good one, so a typo in one flag
 * never takes away a variant that was serving.
 */
public final class FlagSnapshot {
  /** The flags before any configuration arrived. */
  public static final FlagSnapshot EMPTY = new FlagSnapshot(Map.of());

  private final Map<String, FlagDefinition> flags;

  private FlagSnapshot(Map<String, FlagDefinition> flags) {
    this.flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
  }

  public FlagDefinition flag(String key) {
    return flags.get(key);
  }

  public Set<String> keys() {
    return flags.keySet();
  }

  /**
   * The outcome of merging a new configuration.
   *
   * @param snapshot what to serve now
   * @param changed keys whose served definition changed, appeared or disappeared
   * @param rejected messages for broken flags in the new version, each naming its flag
   */
  public record Merge(FlagSnapshot snapshot, Set<String> changed, List<String> rejected) {}

  /** Merges {@code incoming} into this snapshot. */
  public Merge merge(Map<String, FlagDefinition> incoming) {
    Map<String, FlagDefinition> next = new LinkedHashMap<>();
    java.util.List<String> rejected = new java.util.ArrayList<>();
    for (Map.Entry<String, FlagDefinition> entry : incoming.entrySet()) {
      FlagDefinition candidate = entry.getValue();
      FlagDefinition previous = flags.get(entry.getKey());
      if (candidate.isBroken()) {
        rejected.add(candidate.error());
        if (previous != null && !previous.isBroken()) {
          next.put(entry.getKey(), previous);
          continue;
        }
      }
      next.put(entry.getKey(), candidate);
    }
    Set<String> changed = new HashSet<>();
    for (String key : union(flags.keySet(), next.keySet())) {
      FlagDefinition before = flags.get(key);
      FlagDefinition after = next.get(key);
      if (before == null || after == null || !Objects.equals(before.source(), after.source())) {
        changed.add(key);
      }
    }
    return new Merge(new FlagSnapshot(next), changed, List.copyOf(rejected));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
