package dev.llmrollout.router;

/**
 * A judge's comparison of a shadow pair.
 *
 * @param preferred {@code primary}, {@code shadow} or {@code tie}
 * @param score from -1 (the primary is much better) to 1 (the shadow is much better)
 * @param reason the judge's short explanation
 * @param judge who judged, such as the judge model's id
 */
public record JudgeVerdict(String preferred, double score, String reason, String judge) {}
