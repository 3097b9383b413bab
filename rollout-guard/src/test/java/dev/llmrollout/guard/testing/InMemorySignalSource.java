package dev.llmrollout.guard.testing;

import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.Observation;
import dev.llmrollout.signals.SignalRecorder;
import dev.llmrollout.signals.SignalSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The core's {@link SignalRecorder}, filled by tests and simulations: requests of anonymous
 * one-request users (independent units) or of named users (sticky units).
 */
public final class InMemorySignalSource implements SignalSource {
  private final SignalRecorder recorder = new SignalRecorder();
  private final AtomicLong oneTimeUsers = new AtomicLong();

  /** Requests of {@code variant} in {@code segment} (null for none), each from a new user. */
  public Arm request(String flagKey, String variant, String segment) {
    return new Arm(flagKey, variant, segment, null);
  }

  /** Requests of {@code variant} in {@code segment} from the user {@code targetingKey}. */
  public Arm user(String flagKey, String variant, String segment, String targetingKey) {
    return new Arm(flagKey, variant, segment, targetingKey);
  }

  @Override
  public ArmCounters counters(String flagKey, String variant) {
    return recorder.counters(flagKey, variant);
  }

  /** Records requests of one arm. */
  public final class Arm {
    private final String flagKey;
    private final String variant;
    private final String segment;
    private final String targetingKey;

    private Arm(String flagKey, String variant, String segment, String targetingKey) {
      this.flagKey = flagKey;
      this.variant = variant;
      this.segment = segment;
      this.targetingKey = targetingKey;
    }

    public Arm success() {
      return observe(new Observation(true, false, false, Double.NaN));
    }

    public Arm error() {
      return observe(new Observation(false, true, false, Double.NaN));
    }

    public Arm refusal() {
      return observe(new Observation(false, false, true, Double.NaN));
    }

    /** One request with everything the guard counts. */
    public Arm observe(Observation observation) {
      recorder.record(flagKey, variant, segment, key(), observation);
      return this;
    }

    /** One feedback event. */
    public Arm feedback(String name) {
      recorder.recordFeedback(flagKey, variant, segment, key(), name);
      return this;
    }

    /** One live judge score (0 to 1) of an answer of this arm, for the request's user. */
    public Arm judgeScore(double score) {
      recorder.recordJudgeScore(flagKey, variant, segment, key(), score);
      return this;
    }

    /** One live judge call on an answer of this arm that gave no score. */
    public Arm judgeFailure() {
      recorder.recordJudgeFailure(flagKey, variant, segment, key());
      return this;
    }

    private String key() {
      return targetingKey != null
          ? targetingKey
          : "one-time-user-" + oneTimeUsers.incrementAndGet();
    }
  }
}
