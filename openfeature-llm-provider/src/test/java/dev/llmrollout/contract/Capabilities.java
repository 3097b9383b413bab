package dev.llmrollout.contract;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The capabilities a backend lacks, each with the reason a reader of the test report needs.
 *
 * <pre>{@code
 * Capabilities.all().without(Capability.OUTAGE, "a local file has no remote source")
 * }</pre>
 */
public final class Capabilities {
  private final Map<Capability, String> missing;

  private Capabilities(Map<Capability, String> missing) {
    this.missing = Collections.unmodifiableMap(new EnumMap<>(missing));
  }

  /** Every capability. */
  public static Capabilities all() {
    return new Capabilities(new EnumMap<>(Capability.class));
  }

  /** These capabilities without {@code capability}, because of {@code reason}. */
  public Capabilities without(Capability capability, String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException(capability + ": a missing capability needs a reason");
    }
    Map<Capability, String> more = new EnumMap<>(Capability.class);
    more.putAll(missing);
    more.put(capability, reason);
    return new Capabilities(more);
  }

  public boolean has(Capability capability) {
    return !missing.containsKey(capability);
  }

  /** Why the backend lacks {@code capability}; empty when it has it. */
  public String reasonWithout(Capability capability) {
    return missing.getOrDefault(capability, "");
  }

  /** Skips the running test, with the stated reason, unless the backend has {@code capability}. */
  void require(Capability capability) {
    require(capability, "");
  }

  /** As {@link #require(Capability)}, with what the test measured before it had to stop. */
  void require(Capability capability, String measured) {
    Assumptions.assumeTrue(
        has(capability),
        () ->
            "backend lacks "
                + capability
                + ": "
                + missing.get(capability)
                + (measured.isEmpty() ? "" : "; measured: " + measured));
  }
}
