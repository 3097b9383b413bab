package dev.llmrollout.guard.simulation;

import java.util.List;

/**
 * Production-like traffic for one scenario: who sends requests (sticky targeting keys with
 * heavy-tailed activity, or a fresh key per request), how their outcomes correlate, which intents
 * they carry and how that mix drifts, and how the request rate and quality follow the time of day.
 *
 * @param users targeting keys that send all requests; 0 for a fresh key per request (independent
 *     requests, the idealised world)
 * @param activitySigma log-scale standard deviation of each key's lognormal activity weight
 * @param withinUserCorrelation intra-class correlation of one key's outcomes on the observed scale
 *     (success, or error for telemetry scenarios), calibrated at the stable arm's overall rate
 * @param segments intents with their (drifting) shares and per-arm rates; a single segment named
 *     null means unsegmented traffic
 * @param driftSeconds the segment shares move linearly from their start to their end share over
 *     this long, then stay
 * @param diurnal the time-of-day cycle, or null for a stationary rate and quality
 * @param requestsPerSecond the mean arrival rate (Poisson)
 * @param telemetry errors, refusals, latency and feedback, or null when each request only succeeds
 *     or fails at its segment's success rate
 */
record TrafficModel(
    int users,
    double activitySigma,
    double withinUserCorrelation,
    List<Segment> segments,
    double driftSeconds,
    Diurnal diurnal,
    double requestsPerSecond,
    Telemetry telemetry) {

  /** The production defaults: 2,000 keys, lognormal activity (sigma 1), ICC 0.10, 1 request/s. */
  static final int USERS = 2_000;

  static final double ACTIVITY_SIGMA = 1.0;
  static final double ICC = 0.10;

  TrafficModel {
    segments = List.copyOf(segments);
  }

  /** Sticky production users over {@code segments}, stationary, success outcomes only. */
  static TrafficModel sticky(List<Segment> segments) {
    return new TrafficModel(USERS, ACTIVITY_SIGMA, ICC, segments, 1, null, 1, null);
  }

  /** A fresh targeting key per request: requests are independent. */
  static TrafficModel independent(List<Segment> segments) {
    return new TrafficModel(0, 0, 0, segments, 1, null, 1, null);
  }

  TrafficModel withDrift(double seconds) {
    return new TrafficModel(
        users,
        activitySigma,
        withinUserCorrelation,
        segments,
        seconds,
        diurnal,
        requestsPerSecond,
        telemetry);
  }

  TrafficModel withDiurnal(Diurnal cycle) {
    return new TrafficModel(
        users,
        activitySigma,
        withinUserCorrelation,
        segments,
        driftSeconds,
        cycle,
        requestsPerSecond,
        telemetry);
  }

  TrafficModel withTelemetry(Telemetry t) {
    return new TrafficModel(
        users,
        activitySigma,
        withinUserCorrelation,
        segments,
        driftSeconds,
        diurnal,
        requestsPerSecond,
        t);
  }

  /** True when every request comes from a new targeting key. */
  boolean independentRequests() {
    return users == 0;
  }

  /** The share of segment {@code s} at {@code seconds} into the run. */
  double share(int s, double seconds) {
    Segment segment = segments.get(s);
    double progress = Math.min(1, seconds / driftSeconds);
    return segment.startShare() + (segment.endShare() - segment.startShare()) * progress;
  }

  /** The arrival rate at {@code seconds}. */
  double rate(double seconds) {
    return diurnal == null ? requestsPerSecond : requestsPerSecond * diurnal.rateFactor(seconds);
  }

  /** The quality shift (probit scale, both arms alike) at {@code seconds}. */
  double qualityShift(double seconds) {
    return diurnal == null ? 0 : diurnal.qualityShift(seconds);
  }

  /** The stable arm's success rate over the starting mix: where the correlation is calibrated. */
  double stableSuccessAtStart() {
    double rate = 0;
    for (int s = 0; s < segments.size(); s++) {
      rate += share(s, 0) * segments.get(s).stableSuccess();
    }
    return rate;
  }

  /**
   * An intent.
   *
   * @param name the segment value the router records, or null for none
   * @param startShare its share of requests at the start
   * @param endShare its share once the drift is over
   * @param stableSuccess stable's success probability in it
   * @param canarySuccess the canary's success probability in it
   */
  record Segment(
      String name, double startShare, double endShare, double stableSuccess, double canarySuccess) {

    static Segment of(String name, double share, double stableSuccess, double canarySuccess) {
      return new Segment(name, share, share, stableSuccess, canarySuccess);
    }
  }

  /**
   * A 24-hour cycle that starts at the quiet, best-quality hour: the arrival rate is {@code 1 -
   * rateAmplitude cos(2 pi t / 24h)} times the mean, and the success threshold shifts by {@code
   * qualityAmplitude cos(2 pi t / 24h)} on the probit scale, so quality falls while load rises.
   */
  record Diurnal(double rateAmplitude, double qualityAmplitude) {
    private static final double DAY_SECONDS = 86_400;

    double rateFactor(double seconds) {
      return 1 - rateAmplitude * Math.cos(2 * Math.PI * seconds / DAY_SECONDS);
    }

    double qualityShift(double seconds) {
      return qualityAmplitude * Math.cos(2 * Math.PI * seconds / DAY_SECONDS);
    }
  }

  /**
   * What each request reports beyond success, for scenarios held to every default rule. A request
   * errs, is refused, or succeeds; the within-user correlation then applies to errors.
   *
   * @param stableErrorRate stable's share of failed requests
   * @param canaryErrorRate the canary's share
   * @param refusalRate share of refusals, both arms
   * @param latencyMedianMillis median of the lognormal latency, both arms
   * @param stableLatencySigma stable's log-scale standard deviation of latency
   * @param canaryLatencySigma the canary's (a larger one moves p99 with the median unchanged)
   * @param feedbackRate share of requests that get feedback
   * @param thumbsDownShare share of feedback that is thumbs down
   */
  record Telemetry(
      double stableErrorRate,
      double canaryErrorRate,
      double refusalRate,
      double latencyMedianMillis,
      double stableLatencySigma,
      double canaryLatencySigma,
      double feedbackRate,
      double thumbsDownShare) {}
}
