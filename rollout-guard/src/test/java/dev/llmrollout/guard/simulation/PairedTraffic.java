package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.testing.PairTraffic;
import dev.llmrollout.signals.JudgePreference;
import dev.llmrollout.signals.PairRecorder;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Shadow pairs of sticky users: 2,000 targeting keys with lognormal activity (log-scale sigma 1)
 * and a per-user refusal propensity (lognormal multiplier, sigma 0.6, mean 1); intents drawn per
 * request (billing 35 %, shipping 30 %, account 20 %, payment 15 %). Both sides of a pair see the
 * same request: the candidate's refusal draw repeats the primary's with probability 0.7, so pairs
 * are concordant as real pairs are. In {@code payment} the candidate may refuse {@code
 * extraRefusal} more often and lose the judge's vote more often ({@code judgeShift} moved from
 * candidate wins to primary wins). The judge sees {@code judged} of the pairs: a pair where one
 * side refused goes to the other, the rest split 30 % / 30 % / 40 % ties before the shift.
 *
 * @param extraRefusal extra refusal probability of the candidate in payment
 * @param judgeShift share of judged payment pairs moved from a candidate win to a primary win
 * @param judged share of pairs the judge gives a verdict on
 */
record PairedTraffic(double extraRefusal, double judgeShift, double judged) {
  static final List<String> SEGMENTS = List.of("billing", "shipping", "account", "payment");
  private static final double[] SHARES = {0.35, 0.30, 0.20, 0.15};
  private static final int USERS = 2_000;
  private static final double BASE_REFUSAL = 0.02;
  private static final double CONCORDANCE = 0.7;

  /** The per-run population: activity and refusal propensity per user. */
  static final class Users {
    final double[] cumulative = new double[USERS];
    final double[] propensity = new double[USERS];

    Users(SplittableRandom random) {
      double total = 0;
      for (int u = 0; u < USERS; u++) {
        total += Math.exp(random.nextGaussian());
        cumulative[u] = total;
        propensity[u] = Math.exp(0.6 * random.nextGaussian() - 0.18);
      }
      for (int u = 0; u < USERS; u++) {
        cumulative[u] /= total;
      }
    }

    int next(SplittableRandom random) {
      int found = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
      return Math.min(USERS - 1, found >= 0 ? found : -found - 1);
    }
  }

  /** One request of a user in a segment, and whether each side refused it. */
  record Request(int user, int segment, boolean primaryRefused, boolean candidateRefused) {
    String key() {
      return "user-" + user;
    }

    String segmentName() {
      return SEGMENTS.get(segment);
    }
  }

  /** The next request of {@code users}, as both sides would answer it. */
  Request next(Users users, SplittableRandom r) {
    int u = users.next(r);
    int segment = segment(r);
    boolean payment = SEGMENTS.get(segment).equals("payment");
    double p = Math.min(1, BASE_REFUSAL * users.propensity[u]);
    double hardness = r.nextDouble();
    boolean primaryRefused = hardness < p;
    double candidateDraw = r.nextDouble() < CONCORDANCE ? hardness : r.nextDouble();
    boolean candidateRefused = candidateDraw < p || (payment && r.nextDouble() < extraRefusal);
    return new Request(u, segment, primaryRefused, candidateRefused);
  }

  /** Records the next request's pair (and, for the judged share, a verdict) as the router would. */
  void recordPair(
      PairRecorder recorder,
      String flag,
      String primary,
      String candidate,
      Users users,
      SplittableRandom r) {
    Request request = next(users, r);
    String segment = request.segmentName();
    boolean payment = segment.equals("payment");
    boolean primaryRefused = request.primaryRefused();
    boolean candidateRefused = request.candidateRefused();
    String key = request.key();
    double latency = 400 * Math.exp(0.4 * r.nextGaussian());
    recorder.record(
        flag,
        primary,
        candidate,
        segment,
        key,
        PairTraffic.answered(
            primaryRefused,
            candidateRefused,
            latency,
            latency * Math.exp(0.2 * r.nextGaussian()),
            300,
            300,
            400,
            400));
    if (r.nextDouble() < judged) {
      JudgePreference preference = verdict(primaryRefused, candidateRefused, payment, r);
      double score = PairTraffic.judgeScore(preference, 0.6);
      recorder.recordVerdict(flag, primary, candidate, segment, key, preference, score);
    }
  }

  private JudgePreference verdict(
      boolean primaryRefused, boolean candidateRefused, boolean payment, SplittableRandom r) {
    if (primaryRefused != candidateRefused) {
      return primaryRefused ? JudgePreference.CANDIDATE : JudgePreference.PRIMARY;
    }
    double shift = payment ? judgeShift : 0;
    double v = r.nextDouble();
    if (v < 0.3 - shift) {
      return JudgePreference.CANDIDATE;
    }
    return v < 0.6 ? JudgePreference.PRIMARY : JudgePreference.TIE;
  }

  private static int segment(SplittableRandom r) {
    double v = r.nextDouble();
    double cumulative = 0;
    for (int s = 0; s < SHARES.length; s++) {
      cumulative += SHARES[s];
      if (v < cumulative) {
        return s;
      }
    }
    return SHARES.length - 1;
  }
}
