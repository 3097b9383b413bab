package dev.llmrollout.guard.testing;

import dev.llmrollout.signals.JudgePreference;
import dev.llmrollout.signals.PairObservation;
import dev.llmrollout.signals.PairRecorder;
import java.util.SplittableRandom;

/**
 * Shadow pairs for guard tests, written to the core's real {@link PairRecorder}: sticky users,
 * lognormal latencies, refusals and judge verdicts with the probabilities a scenario sets.
 *
 * @param candidateRefusal probability that only the candidate refuses
 * @param primaryRefusal probability that only the primary refuses
 * @param candidateWins probability the judge prefers the candidate
 * @param primaryWins probability the judge prefers the primary (the rest are ties)
 * @param judged share of pairs the judge gives a verdict on
 */
public record PairTraffic(
    double candidateRefusal,
    double primaryRefusal,
    double candidateWins,
    double primaryWins,
    double judged) {

  /** A candidate as good as the primary. */
  public static PairTraffic equal() {
    return new PairTraffic(0.005, 0.005, 0.35, 0.35, 1.0);
  }

  /** A candidate that refuses and loses the judge's vote. */
  public static PairTraffic refusing() {
    return new PairTraffic(0.3, 0.0, 0.1, 0.7, 1.0);
  }

  /** Records {@code pairs} pairs of {@code users} distinct users in {@code segment}. */
  public void record(
      PairRecorder recorder,
      String flag,
      String primary,
      String candidate,
      String segment,
      int pairs,
      int users,
      SplittableRandom random) {
    for (int i = 0; i < pairs; i++) {
      String user = segment + "-user-" + random.nextInt(users);
      double u = random.nextDouble();
      boolean candidateRefused = u < candidateRefusal;
      boolean primaryRefused = !candidateRefused && u < candidateRefusal + primaryRefusal;
      double latency = 200 * Math.exp(0.4 * random.nextGaussian());
      recorder.record(
          flag,
          primary,
          candidate,
          segment,
          user,
          answered(
              primaryRefused,
              candidateRefused,
              latency,
              latency * Math.exp(0.2 * random.nextGaussian()),
              300,
              300 + random.nextInt(20),
              500,
              520));
      if (random.nextDouble() < judged) {
        double v = random.nextDouble();
        JudgePreference preference =
            v < candidateWins
                ? JudgePreference.CANDIDATE
                : v < candidateWins + primaryWins ? JudgePreference.PRIMARY : JudgePreference.TIE;
        double score = judgeScore(preference, 0.5);
        recorder.recordVerdict(flag, primary, candidate, segment, user, preference, score);
      }
    }
  }

  /**
   * A pair both of whose calls answered, with no JSON asked for, unpriced and not streamed: the
   * pairs this kit and the simulations record.
   */
  public static PairObservation answered(
      boolean primaryRefused,
      boolean candidateRefused,
      double primaryLatencyMillis,
      double candidateLatencyMillis,
      long primaryTokens,
      long candidateTokens,
      long primaryChars,
      long candidateChars) {
    return new PairObservation(
        false,
        false,
        primaryRefused,
        candidateRefused,
        false,
        false,
        false,
        primaryLatencyMillis,
        candidateLatencyMillis,
        primaryTokens,
        candidateTokens,
        primaryChars,
        candidateChars,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN);
  }

  /** The judge's score of {@code preference}: {@code margin} toward the side it prefers. */
  public static double judgeScore(JudgePreference preference, double margin) {
    return switch (preference) {
      case CANDIDATE -> margin;
      case PRIMARY -> -margin;
      case TIE -> 0;
    };
  }
}
