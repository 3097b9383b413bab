package dev.llmrollout.guard;

/**
 * The statistics of one rule in one segment at one check, as recorded in the audit trail: the
 * comparison of canary and stable within each step so far, combined over the steps.
 *
 * <p>The effect is the regression in the rule's test scale, positive when the canary is worse: rate
 * points for a difference, the log of the ratio for a relative rule.
 *
 * @param rule the rule's name
 * @param segment the segment value, {@link #ALL_TRAFFIC}, or {@link RolloutSpec#OTHER_SEGMENT}
 * @param stableValue stable's rate over the windows compared
 * @param canaryValue the canary's rate over the windows compared
 * @param effect the estimated regression (positive = worse)
 * @param lower the lower end of the one-sided confidence sequence of the regression at {@code
 *     alphaUsed}: the rule breaks when it lies above the tolerated regression
 * @param upper the upper end of the one-sided confidence sequence at the non-inferiority level: the
 *     canary is shown non-inferior when it lies below the regression to detect
 * @param pValue the reciprocal of the e-value of "no regression beyond the tolerated" at this check
 * @param alphaUsed the level this test was held to after Holm's correction over the fixed family
 * @param information the reciprocal of the effect's variance
 * @param requiredInformation the information at which the regression to detect is caught with the
 *     configured power
 * @param stableSamples stable's trials in the windows compared
 * @param canarySamples the canary's trials in the windows compared
 * @param tested false when the windows held too little to test
 * @param failing true when this check rejected "no regression"
 * @param broken true when the rule counts as broken (failing for the hysteresis' checks in a row)
 * @param nonInferior true when {@code upper} is below the regression to detect
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
    double information,
    double requiredInformation,
    long stableSamples,
    long canarySamples,
    boolean tested,
    boolean failing,
    boolean broken,
    boolean nonInferior) {

  /** The segment name of a test over all traffic. */
  public static final String ALL_TRAFFIC = "*";

  /** True once the information reached what the rule needs to catch its regression. */
  public boolean powered() {
    return tested && information >= requiredInformation;
  }
}
