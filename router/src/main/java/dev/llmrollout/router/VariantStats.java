package dev.llmrollout.router;

import dev.llmrollout.provider.FeedbackEvent;
import dev.llmrollout.provider.FeedbackSink;
import dev.llmrollout.router.internal.ArmStats;
import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.Observation;
import dev.llmrollout.signals.SignalRecorder;
import dev.llmrollout.signals.SignalSource;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Value;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per flag, per variant and per segment quality signals: the router writes them on every call, the
 * OpenFeature provider's {@code track()} feedback arrives through {@link FeedbackSink}, and the
 * rollout guard reads the per-unit-bucket counters through {@link SignalSource}; people and the
 * gateway read {@link ArmSnapshot}s.
 *
 * <p>The segment is the value of one context attribute (by default {@code intent}); every outcome
 * also counts in the arm across all segments. Writing never takes a lock.
 *
 * <pre>{@code
 * VariantStats stats = VariantStats.bySegment("intent");
 * LlmFeatureProvider provider = LlmFeatureProvider.builder(backend).feedbackSink(stats).build();
 * double p99 = stats.arm("support-model", "canary").latencyQuantileMillis(0.99);
 * }</pre>
 */
public final class VariantStats implements SignalSource, FeedbackSink {
  /** The default segment attribute. */
  public static final String DEFAULT_SEGMENT_ATTRIBUTE = "intent";

  /**
   * The names of the OpenTelemetry instruments that export these signals start with this (see
   * docs/metrics.md); a metrics SDK needs a cardinality limit view on them.
   */
  public static final String METRIC_PREFIX = "llm_rollout.guard.";

  private static final String ALL_SEGMENTS = "";

  private record ArmKey(String flagKey, String variant, String segment) {}

  private final String segmentAttribute;
  private final Map<ArmKey, ArmStats> arms = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> segments = new ConcurrentHashMap<>();
  private final SignalRecorder guardSignals = new SignalRecorder();

  private VariantStats(String segmentAttribute) {
    this.segmentAttribute = Objects.requireNonNull(segmentAttribute, "segmentAttribute");
  }

  /** Segments by the {@code intent} attribute. */
  public static VariantStats create() {
    return new VariantStats(DEFAULT_SEGMENT_ATTRIBUTE);
  }

  /** Segments by the named context attribute, such as {@code tier} or {@code region}. */
  public static VariantStats bySegment(String attribute) {
    return new VariantStats(attribute);
  }

  /** The context attribute whose value is the segment. */
  public String segmentAttribute() {
    return segmentAttribute;
  }

  /** Counts one call of {@code variant}; {@code segment} may be null. */
  public void record(String flagKey, String variant, String segment, CallOutcome outcome) {
    record(flagKey, variant, segment, null, outcome);
  }

  /**
   * Counts one call of {@code variant} for the unit {@code targetingKey}; {@code segment} and
   * {@code targetingKey} may be null.
   */
  public void record(
      String flagKey, String variant, String segment, String targetingKey, CallOutcome outcome) {
    forEachArm(flagKey, variant, segment, arm -> arm.record(outcome));
    guardSignals.record(
        flagKey,
        variant,
        segment,
        targetingKey,
        new Observation(
            outcome.success(),
            outcome.failed(),
            outcome.refusal(),
            outcome.latencyNanos() > 0 ? outcome.latencyNanos() / 1e6 : Double.NaN));
  }

  /** Counts the live judge's score (0 to 1) of an answer {@code variant} gave the unit. */
  public void recordJudgeScore(
      String flagKey, String variant, String segment, String targetingKey, double score) {
    guardSignals.recordJudgeScore(flagKey, variant, segment, targetingKey, score);
  }

  /** Counts a live judge call on an answer of {@code variant} that gave no score. */
  public void recordJudgeFailure(
      String flagKey, String variant, String segment, String targetingKey) {
    guardSignals.recordJudgeFailure(flagKey, variant, segment, targetingKey);
  }

  /** Counts a failed request of {@code variant} that the flag's default variant then served. */
  public void recordFallback(String flagKey, String variant, String segment) {
    forEachArm(flagKey, variant, segment, ArmStats::recordFallback);
  }

  @Override
  public void record(FeedbackEvent event) {
    String segment = segmentOf(event.context());
    forEachArm(event.flagKey(), event.variant(), segment, arm -> arm.recordFeedback(event.name()));
    guardSignals.recordFeedback(
        event.flagKey(), event.variant(), segment, event.targetingKey(), event.name());
  }

  @Override
  public ArmCounters counters(String flagKey, String variant) {
    return guardSignals.counters(flagKey, variant);
  }

  /** A copy of the arm's signals across all segments. */
  public ArmSnapshot arm(String flagKey, String variant) {
    return snapshot(new ArmKey(flagKey, variant, ALL_SEGMENTS));
  }

  /** A copy of the arm's signals within one segment value. */
  public ArmSnapshot arm(String flagKey, String variant, String segment) {
    return snapshot(new ArmKey(flagKey, variant, segment));
  }

  /** The segment values seen for this flag so far. */
  public Set<String> segments(String flagKey) {
    Set<String> seen = segments.get(flagKey);
    return seen == null ? Set.of() : Set.copyOf(seen);
  }

  /** One variant of one flag that has been counted. */
  public record Arm(String flagKey, String variant) {}

  /** The arms counted so far (across all segments), in no particular order. */
  public Set<Arm> arms() {
    Set<Arm> seen = new java.util.HashSet<>();
    for (ArmKey key : arms.keySet()) {
      if (key.segment().equals(ALL_SEGMENTS)) {
        seen.add(new Arm(key.flagKey(), key.variant()));
      }
    }
    return seen;
  }

  /** The segment value of a context, or null when it has none. */
  String segmentOf(EvaluationContext context) {
    if (context == null) {
      return null;
    }
    Value value = context.getValue(segmentAttribute);
    return value != null && value.isString() && !value.asString().isEmpty()
        ? value.asString()
        : null;
  }

  private ArmSnapshot snapshot(ArmKey key) {
    ArmStats stats = arms.get(key);
    return stats == null ? ArmSnapshot.empty() : new ArmSnapshot(stats);
  }

  private void forEachArm(
      String flagKey, String variant, String segment, java.util.function.Consumer<ArmStats> op) {
    op.accept(stats(new ArmKey(flagKey, variant, ALL_SEGMENTS)));
    if (segment != null && !segment.isEmpty()) {
      Set<String> seen = segments.get(flagKey);
      if (seen == null || !seen.contains(segment)) {
        segments.computeIfAbsent(flagKey, k -> ConcurrentHashMap.newKeySet()).add(segment);
      }
      op.accept(stats(new ArmKey(flagKey, variant, segment)));
    }
  }

  private ArmStats stats(ArmKey key) {
    ArmStats stats = arms.get(key);
    return stats != null ? stats : arms.computeIfAbsent(key, k -> new ArmStats());
  }
}
