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
 * @param chiSquare Pearson's chi-square of the 2x2 table without Yates' continuity correction
 *     (scipy's {@code chi2_contingency(table, correction=False)}); equal to {@code z} squared
 * @param chiSquarePValue its p-value (1 degree of freedom)
 * @param yatesChiSquare the chi-square with Yates' correction as scipy's {@code
 *     chi2_contingency(table)} computes it by default: each cell moves towards its expected count
 *     by 0.5, or by less when it is closer than that
 * @param yatesChiSquarePValue its p-value (1 degree of freedom)
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
    double yatesChiSquare,
    double yatesChiSquarePValue,
    long samplesA,
    long samplesB) {}
