package dev.llmrollout.router.gateway;

/**
 * Which judge evidence the rollouts of one guard can get, so a start request declaring a judge rule
 * the guard would never see evidence for is refused at once instead of holding its rollout.
 *
 * @param shadowVerdicts the judge gives verdicts on shadow pairs (shadow judge rules may be
 *     declared)
 * @param liveScores the judge scores live answers in canary steps ({@code judgeScoreDrop} may be
 *     declared)
 * @param judgeByDefault the shadow gate's default rules include the judge's win rate
 */
record JudgeEvidence(boolean shadowVerdicts, boolean liveScores, boolean judgeByDefault) {

  /**
   * A controller's: the routing processes of its fleet judge (or not) and export what they judged,
   * which the controller cannot know; it accepts judge rules and keeps the judge out of its
   * defaults.
   */
  static final JudgeEvidence FLEET = new JudgeEvidence(true, true, false);

  /** A gateway's own judge. */
  static JudgeEvidence of(boolean shadowVerdicts, boolean liveScores) {
    return new JudgeEvidence(shadowVerdicts, liveScores, shadowVerdicts);
  }
}
