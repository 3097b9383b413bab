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
 * @param error the error that ended the case, when no attempt succeeded
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

  /**
   * One case's outcome on both variants.
   *
   * @param evalCase the case
   * @param baseline the baseline's outcome
   * @param candidate the candidate's outcome
   */
  public record Pair(EvalCase evalCase, VariantOutcome baseline, VariantOutcome candidate) {
    /** Passes on the baseline and fails on the candidate. */
    public boolean regressed() {
      return baseline.passed() && !candidate.passed();
    }

    /** Fails on the baseline and passes on the candidate. */
    public boolean improved() {
      return !baseline.passed() && candidate.passed();
    }
  }
}
