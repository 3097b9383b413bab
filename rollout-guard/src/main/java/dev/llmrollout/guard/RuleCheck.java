package dev.llmrollout.guard;

/**
 * The statistics of one rule in one segment at one check, as recorded in the audit trail.
 *
 * <p>The effect is the regression in the rule's units, positive when the canary is worse: rate
 * points for a difference, a relative change for a ratio (0.2 = 20% worse), the shortfall below the
 * limit for an absolute rule, and the excess share of canary requests slower than the dead band
 * over stable's quantile for latency.
 *
 * @param rule the rule's name
 * @param segment the segment value, or {@link #ALL_TRAFFIC}
 * @param stableValue stable's estimate (rate, or latency quantile in ms; the limit for absolute)
 * @param canaryValue the canary's estimate
 * @param effect the estimated regression (positive = worse)
 * @param lower lower end of the always-valid confidence sequence of the effect
 * @param upper upper end of that confidence sequence
 * @param pValue the always-valid p-value of "no regression beyond the dead band"
 * @param alphaUsed the level this test was held to after the multiplicity correction
 * @param stableSamples stable's sample in this segment
 * @param canarySamples the canary's sample in this segment
 * @param tested false when the sample was too small to test
 * @param failing true when this check rejected "no regression"
 * @param broken true when the rule counts as broken (failing for the hysteresis' checks in a row)
 */
public record RuleCheck(
    String rule,
    String segment,
    double stableValue,
    double canaryValue,
    double effect,
    double lower,
    double upper,
    double pValue,
    double alphaUsed,
    long stableSamples,
    long canarySamples,
    boolean tested,
    boolean failing,
    boolean broken) {

  /** The segment name of a test over all traffic. */
  public static final String ALL_TRAFFIC = "*";

  /** The same statistics with the multiplicity-corrected verdict. */
  public RuleCheck judged(double alpha, boolean isFailing, boolean isBroken) {
    return new RuleCheck(
        rule,
        segment,
        stableValue,
        canaryValue,
        effect,
        lower,
        upper,
        pValue,
        alpha,
        stableSamples,
        canarySamples,
        tested,
        isFailing,
        isBroken);
  }
}
