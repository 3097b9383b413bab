package dev.llmrollout.guard.analysis;

/**
 * Two arms' scores (ratings, task scores) compared with Welch's t test.
 *
 * @param meanA A's mean
 * @param meanB B's mean
 * @param difference B minus A
 * @param lower lower end of the confidence interval of the difference (Welch degrees of freedom)
 * @param upper upper end of that interval
 * @param t Welch's t statistic
 * @param degreesOfFreedom the Welch-Satterthwaite degrees of freedom
 * @param pValue the two-sided p-value
 * @param cohensD the standardized difference, with the pooled standard deviation
 */
public record ScoreComparison(
    double meanA,
    double meanB,
    double difference,
    double lower,
    double upper,
    double t,
    double degreesOfFreedom,
    double pValue,
    double cohensD) {}
