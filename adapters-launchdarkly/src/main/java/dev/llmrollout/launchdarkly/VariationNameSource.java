package dev.llmrollout.launchdarkly;

import java.util.List;
import java.util.Optional;

/**
 * Where the readable names of a flag's variations come from. LaunchDarkly's SDK data carries only
 * variation values; the names users see in the console are in the REST API, which {@link
 * LaunchDarklyRolloutControl} reads.
 */
@FunctionalInterface
public interface VariationNameSource {
  /** Never looks anything up: variations are named by AI Config key or index. */
  VariationNameSource NONE = flagKey -> Optional.empty();

  /**
   * The names of {@code flagKey}'s variations in index order (a blank entry for an unnamed one), or
   * empty when they cannot be read. Called when a new version of the flag arrives, never on the
   * request path.
   */
  Optional<List<String>> variationNames(String flagKey);
}
