package dev.llmrollout.router;

import java.util.Locale;

/** Things the router counts besides per-variant signals; see {@link ModelRouter#count}. */
public enum RouterEvent {
  /** A variant names an unknown endpoint or none, or its prompt does not compile. */
  CONFIGURATION_ERROR,
  /** A flag served nothing usable. */
  FLAG_ERROR,
  /** A request had neither session id nor user id; the flag's default variant served it. */
  TARGETING_KEY_MISSING,
  /** A failed variant's request was served by the flag's default variant. */
  FALLBACK,
  /** A shadow call was queued. */
  SHADOW_SUBMITTED,
  /** A shadow call was dropped because the shadow queue was full. */
  SHADOW_DROPPED,
  /** A shadow call was skipped because its per-minute budget was spent. */
  SHADOW_OVER_BUDGET,
  /** A shadow directive names a variant the flag lacks, or one without a usable endpoint. */
  SHADOW_MISCONFIGURED,
  /** A shadow pair reached the sink. */
  SHADOW_RECORDED,
  /** The shadow sink failed to store a pair. */
  SHADOW_SINK_FAILED,
  /** A pair was judged. */
  JUDGED,
  /** A judge call failed or could not be queued. */
  JUDGE_FAILED,
  /** A live answer was scored by the live judge. */
  LIVE_JUDGED,
  /** A live judge call failed or answered unusably (counted, never a score). */
  LIVE_JUDGE_FAILED,
  /** A sampled live answer was not judged: the judge's per-minute budget was spent. */
  LIVE_JUDGE_OVER_BUDGET,
  /** A sampled live answer was not judged: the judge queue was full. */
  LIVE_JUDGE_DROPPED;

  /** The value of the {@code llm_rollout.event} metric attribute. */
  public String metricName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
