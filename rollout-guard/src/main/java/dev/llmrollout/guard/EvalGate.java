package dev.llmrollout.guard;

import java.util.Objects;

/**
 * The offline eval gate: answers whether a passing regression report exists for the exact payload a
 * candidate variant serves now. With a gate set on the {@link RolloutGuard.Builder}, the guard
 * refuses to start a canary (and, for a major version change, a shadow phase) without one, unless
 * the spec is forced past the gate with a reason ({@link RolloutSpec.Builder#skipEvalGate}).
 *
 * <pre>{@code
 * RolloutGuard guard = RolloutGuard.builder(control, signals)
 *     .evalGate((flagKey, variant) -> reports.verdictFor(flagKey, variant))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface EvalGate {

  /**
   * Looks for a passing report for the payload {@code variant} of {@code flagKey} serves now.
   *
   * @return the verdict; never null
   */
  Verdict check(String flagKey, String variant);

  /**
   * What the gate found.
   *
   * @param passed true when a passing report covers the exact payload
   * @param payloadHash the hash of the payload the variant serves now (empty when unknown)
   * @param detail a sentence for people: which report passed, or why none did
   */
  record Verdict(boolean passed, String payloadHash, String detail) {
    public Verdict {
      Objects.requireNonNull(payloadHash, "payloadHash");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
