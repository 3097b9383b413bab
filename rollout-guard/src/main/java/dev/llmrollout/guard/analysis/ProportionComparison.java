package dev.llmrollout.guard.analysis;

/**
 * Two rates compared at a fixed horizon (arm B against arm A).
 *
 * @param rateA A's rate
 * @param rateB B's rate
 * @param difference B minus A
 * @param lower lower end of the confidence interval of the difference
 * @param upper upper end of that interval
 * @param z the pooled two-proportion z statistic
 * @param pValue its two-sided p-value
 * @param chiSquare Pearson's chi-square of the 2x2 table
 * @param chiSquarePValue its p-value
 * @param samplesA A's sample
 * @param samplesB B's sample
 */
public record ProportionComparison(
    double rateA,
    double rateB,
    double difference,
    double lower,
    double upper,
    double z,
    double pValue,
    double chiSquare,
    double chiSquarePValue,
    long samplesA,
    long samplesB) {}
