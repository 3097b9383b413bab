package dev.llmrollout.router;

/**
 * How many live answers the live judge scores: a share of each judged flag's answered calls, the
 * same for every variant (so both arms of a canary are sampled alike), within a budget of judge
 * calls per flag per minute (a spent budget skips calls of every variant alike).
 *
 * <pre>{@code
 * LiveJudgeOptions.of(0.05, 120);   // 5 % of answers, at most 120 judge calls a minute per flag
 * }</pre>
 *
 * @param sampleRate the share (0 to 1) of answered live calls sent to the judge
 * @param callsPerMinute judge calls per flag per minute; 0 means no limit
 */
public record LiveJudgeOptions(double sampleRate, long callsPerMinute) {

  public LiveJudgeOptions {
    if (!(sampleRate > 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException(
          "live judging sampleRate: " + sampleRate + ", expected above 0 and at most 1");
    }
    if (callsPerMinute < 0) {
      throw new IllegalArgumentException(
          "live judging callsPerMinute: " + callsPerMinute + ", expected 0 (no limit) or more");
    }
  }

  public static LiveJudgeOptions of(double sampleRate, long callsPerMinute) {
    return new LiveJudgeOptions(sampleRate, callsPerMinute);
  }
}
