package dev.llmrollout.router.eval;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How one variant did on one case.
 *
 * @param passed true when the call succeeded and every check passed
 * @param failures why it failed: the checks that failed, or the call's error
 * @param attempts calls made, retries for transient errors included
 * @param retriedErrors the transient errors that were retried, in order
 * @param error why the case could not be evaluated on this variant: the call's error when no
 *     attempt succeeded, or the judge's when a judge check got no verdict
 * @param latencyMillis the successful call's latency, -1 without one
 * @param outputTokens output tokens reported, -1 without usage
 * @param judgeScore the judge's score, when the case has a judge threshold and an answer
 */
public record VariantOutcome(
    boolean passed,
    List<String> failures,
    int attempts,
    List<String> retriedErrors,
    Optional<String> error,
    long latencyMillis,
    long outputTokens,
    OptionalDouble judgeScore) {

  public VariantOutcome {
    failures = List.copyOf(failures);
    retriedErrors = List.copyOf(retriedErrors);
  }

  /** The case could not be evaluated on this variant: neither a pass nor a failure. */
  public boolean errored() {
    return error.isPresent();
  }

  /**
   * One case's outcome on both variants.
   *
   * @param evalCase the case
   * @param baseline the baseline's outcome
   * @param candidate the candidate's outcome
   */
  public record Pair(EvalCase evalCase, VariantOutcome baseline, VariantOutcome candidate) {
    /** Errored on either variant, so the pair says nothing about the candidate. */
    public boolean errored() {
      return baseline.errored() || candidate.errored();
    }

    /** Evaluated on both, passes on the baseline and fails on the candidate. */
    public boolean regressed() {
      return !errored() && baseline.passed() && !candidate.passed();
    }

    /** Evaluated on both, fails on the baseline and passes on the candidate. */
    public boolean improved() {
      return !errored() && !baseline.passed() && candidate.passed();
    }
  }
}
