package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.EvalGate;
import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import java.util.Optional;

/**
 * Asks the {@link EvalGate}, if one is set, before a phase that exposes the candidate: refuses
 * without a passing report unless the spec was forced past the gate with a reason.
 */
public final class EvalGateCheck {
  private EvalGateCheck() {}

  /**
   * Checks the candidate of {@code spec} before {@code phase} starts.
   *
   * @return a sentence for the audit record (which report passed, or the override and its reason);
   *     empty when no gate is set
   * @throws RolloutRefusedException naming the flag, variant and payload hash when no passing
   *     report exists and the spec is not forced past the gate
   */
  public static Optional<String> enforce(GuardContext context, RolloutSpec spec, String phase) {
    if (context.evalGate().isEmpty()) {
      return Optional.empty();
    }
    EvalGate.Verdict verdict = context.evalGate().get().check(spec.flagKey(), spec.canary());
    if (verdict.passed()) {
      return Optional.of("eval gate passed: " + verdict.detail());
    }
    String missing =
        "flag '"
            + spec.flagKey()
            + "' variant '"
            + spec.canary()
            + "' (payload sha256 "
            + (verdict.payloadHash().isEmpty() ? "unknown" : verdict.payloadHash())
            + ") has no passing eval report: "
            + verdict.detail();
    if (spec.evalGateOverride().isPresent()) {
      return Optional.of(
          "eval gate overridden for the "
              + phase
              + " by "
              + context.config().actor()
              + ": "
              + spec.evalGateOverride().get()
              + " ("
              + missing
              + ")");
    }
    throw new RolloutRefusedException(
        missing + "; run llm-router eval or start with a reason to skip the gate");
  }
}
