package dev.llmrollout.router;

/**
 * A judge's score of one answer on its rubric.
 *
 * @param score from 0 (fails the rubric) to 1 (meets it fully)
 * @param reason the judge's short explanation
 * @param judge who judged, such as {@code model@version}
 */
public record AnswerScore(double score, String reason, String judge) {

  public AnswerScore {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException(
          "answer score: " + score + " from judge " + judge + ", expected 0 to 1");
    }
  }
}
