package dev.llmrollout.guard;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much caution a model change needs, by its semantic version: a patch (such as a quantization)
 * may take any plan, even a blue-green flip; a minor change needs a canary plan; a major change
 * needs a completed shadow phase before any canary. A change whose versions are unknown is treated
 * as minor.
 */
public final class VersionPolicy {
  private static final Pattern SEMVER = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)([-+].*)?");

  /** The size of a version change. */
  public enum Change {
    NONE,
    PATCH,
    MINOR,
    MAJOR,
    UNKNOWN
  }

  private VersionPolicy() {}

  /** Classifies the change from {@code stable} to {@code canary}. */
  public static Change classify(Optional<String> stable, Optional<String> canary) {
    if (stable.isEmpty() || canary.isEmpty()) {
      return Change.UNKNOWN;
    }
    int[] from = parse("stableVersion", stable.get());
    int[] to = parse("canaryVersion", canary.get());
    if (from[0] != to[0]) {
      return Change.MAJOR;
    }
    if (from[1] != to[1]) {
      return Change.MINOR;
    }
    return from[2] != to[2] ? Change.PATCH : Change.NONE;
  }

  /**
   * Refuses a plan too light for the change.
   *
   * @throws RolloutRefusedException naming the flag, the versions and what the change needs
   */
  public static void enforce(RolloutSpec spec) {
    Change change = classify(spec.stableVersion(), spec.canaryVersion());
    boolean canaryPlan = !spec.plan().isBlueGreen();
    boolean shadowed = spec.shadowCompleted() || spec.plan().shadow().isPresent();
    String what =
        "flag '"
            + spec.flagKey()
            + "': a "
            + change.name().toLowerCase(java.util.Locale.ROOT)
            + " change ("
            + spec.stableVersion().orElse("?")
            + " -> "
            + spec.canaryVersion().orElse("?")
            + ")";
    switch (change) {
      case MAJOR -> {
        if (!shadowed) {
          throw new RolloutRefusedException(
              what + " needs a completed shadow phase: add plan.shadow(...) or mark it completed");
        }
        if (!canaryPlan) {
          throw new RolloutRefusedException(what + " needs a canary plan, not a blue-green flip");
        }
      }
      case MINOR, UNKNOWN -> {
        if (!canaryPlan) {
          throw new RolloutRefusedException(what + " needs a canary plan, not a blue-green flip");
        }
      }
      case PATCH, NONE -> {
        // any plan will do: a patch may flip blue-green
      }
    }
  }

  private static int[] parse(String field, String version) {
    Matcher m = SEMVER.matcher(version.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          field + " is '" + version + "', expected a semantic version like 1.4.2");
    }
    return new int[] {
      Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))
    };
  }
}
