package dev.llmrollout.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.signals.PairCounts.Field;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "issue 19.1: shadow pairs are per-bucket, per-segment sums that merge across processes")
class PairRecorderTest {
  private static final String FLAG = "support-model";

  private static PairObservation pair(SplittableRandom random, boolean json) {
    return new PairObservation(
        random.nextDouble() < 0.02,
        random.nextDouble() < 0.03,
        random.nextDouble() < 0.05,
        random.nextDouble() < 0.08,
        json,
        random.nextDouble() < 0.97,
        random.nextDouble() < 0.9,
        100 * Math.exp(random.nextGaussian()),
        130 * Math.exp(random.nextGaussian()),
        200 + random.nextInt(100),
        250 + random.nextInt(100),
        400 + random.nextInt(50),
        450 + random.nextInt(50),
        json ? 2e-4 : Double.NaN,
        3e-4,
        Double.NaN,
        Double.NaN);
  }

  @Test
  @DisplayName("two processes' pair counters add up to what one process would have counted")
  void pairsMergeAcrossProcesses() {
    PairRecorder one = new PairRecorder();
    PairRecorder a = new PairRecorder();
    PairRecorder b = new PairRecorder();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 4_000; i++) {
      String user = "user-" + random.nextInt(800);
      String segment = random.nextInt(4) == 0 ? "payment" : "other-intent";
      PairObservation p = pair(random, random.nextBoolean());
      PairRecorder process = random.nextBoolean() ? a : b;
      one.record(FLAG, "stable", "canary", segment, user, p);
      process.record(FLAG, "stable", "canary", segment, user, p);
      if (i % 3 == 0) {
        JudgePreference preference = JudgePreference.values()[random.nextInt(3)];
        double score = Math.round((random.nextDouble() * 2 - 1) * 1000) / 1000.0;
        one.recordVerdict(FLAG, "stable", "canary", segment, user, preference, score);
        process.recordVerdict(FLAG, "stable", "canary", segment, user, preference, score);
      }
    }
    PairCounters merged = a.pairs(FLAG, "stable", "canary").plus(b.pairs(FLAG, "stable", "canary"));
    PairCounters whole = one.pairs(FLAG, "stable", "canary");

    for (Field field : Field.values()) {
      assertThat(merged.all().get(field)).as(field.name()).isEqualTo(whole.all().get(field));
      assertThat(merged.segment("payment").get(field))
          .as("payment " + field)
          .isEqualTo(whole.segment("payment").get(field));
    }
    assertThat(merged.all().total(Field.PAIRS)).isEqualTo(4_000);
    assertThat(merged.segment("payment").total(Field.PAIRS))
        .isEqualTo(4_000 - merged.segment("other-intent").total(Field.PAIRS));
    assertThat(merged.all().primaryLatencyHistogram())
        .isEqualTo(whole.all().primaryLatencyHistogram());
    assertThat(Arrays.stream(whole.all().primaryLatencyHistogram()).sum())
        .isEqualTo(whole.all().total(Field.ANSWERED));
  }

  @Test
  @DisplayName("discordance counts one side only, JSON only where it was asked for")
  void discordanceIsOneSided() {
    PairRecorder recorder = new PairRecorder();
    recorder.record(
        FLAG, "stable", "canary", null, "u1", obs(false, false, false, true, true, false));
    recorder.record(
        FLAG, "stable", "canary", null, "u1", obs(false, false, true, true, true, true));
    recorder.record(
        FLAG, "stable", "canary", null, "u1", obs(false, true, false, false, false, false));
    recorder.record(
        FLAG, "stable", "canary", null, "u1", obs(true, false, true, false, true, true));
    PairCounts counts = recorder.pairs(FLAG, "stable", "canary").all();

    assertThat(counts.total(Field.PAIRS)).isEqualTo(4);
    assertThat(counts.total(Field.CANDIDATE_ONLY_REFUSALS)).as("pair 1 only").isEqualTo(1);
    assertThat(counts.total(Field.PRIMARY_ONLY_REFUSALS))
        .as("an errored primary never refused")
        .isZero();
    assertThat(counts.total(Field.CANDIDATE_ONLY_ERRORS)).isEqualTo(1);
    assertThat(counts.total(Field.PRIMARY_ONLY_ERRORS)).isEqualTo(1);
    assertThat(counts.total(Field.JSON_REQUESTED)).isEqualTo(3);
    assertThat(counts.total(Field.CANDIDATE_ONLY_INVALID_JSON)).as("pair 1").isEqualTo(1);
    assertThat(counts.total(Field.ANSWERED)).isEqualTo(2);
  }

  @Test
  @DisplayName("costs count over answered pairs both of whose calls have a price")
  void costsOfPricedPairs() {
    PairRecorder recorder = new PairRecorder();
    recorder.record(FLAG, "stable", "canary", null, "u1", priced(0.0012, 0.003));
    recorder.record(FLAG, "stable", "canary", null, "u2", priced(0.0012, Double.NaN));
    PairCounts counts = recorder.pairs(FLAG, "stable", "canary").all();

    assertThat(counts.total(Field.ANSWERED)).isEqualTo(2);
    assertThat(counts.total(Field.PRICED)).isEqualTo(1);
    assertThat(counts.total(Field.PRIMARY_COST_NANO_USD)).isEqualTo(1_200_000);
    assertThat(counts.total(Field.CANDIDATE_COST_NANO_USD)).isEqualTo(3_000_000);
  }

  private static PairObservation priced(double primaryCost, double candidateCost) {
    return new PairObservation(
        false,
        false,
        false,
        false,
        false,
        true,
        true,
        50,
        60,
        10,
        12,
        100,
        120,
        primaryCost,
        candidateCost,
        Double.NaN,
        Double.NaN);
  }

  @Test
  @DisplayName("a window is what happened since a snapshot; a judge failure is never a verdict")
  void windowsAndFailures() {
    PairRecorder recorder = new PairRecorder();
    recorder.recordVerdict(FLAG, "stable", "canary", null, "u1", JudgePreference.PRIMARY, -0.5);
    PairCounters before = recorder.pairs(FLAG, "stable", "canary");
    recorder.recordVerdict(
        FLAG, "stable", "canary", "payment", "u2", JudgePreference.CANDIDATE, 0.25);
    recorder.recordJudgeFailure(FLAG, "stable", "canary", "payment", "u3");
    PairCounts window = recorder.pairs(FLAG, "stable", "canary").minus(before).all();

    assertThat(window.total(Field.JUDGED)).isEqualTo(1);
    assertThat(window.total(Field.CANDIDATE_PREFERRED)).isEqualTo(1);
    assertThat(window.total(Field.PRIMARY_PREFERRED)).isZero();
    assertThat(window.total(Field.JUDGE_SCORE_MILLIS)).isEqualTo(250);
    assertThat(window.total(Field.JUDGE_SCORE_SQUARED_MICROS)).isEqualTo(62_500);
    assertThat(window.total(Field.JUDGE_FAILURES)).isEqualTo(1);
    assertThatThrownBy(
            () ->
                recorder.recordVerdict(
                    FLAG, "stable", "canary", null, "u1", JudgePreference.TIE, 1.5))
        .hasMessageContaining("judge score: expected -1 to 1, got 1.5");
  }

  private static PairObservation obs(
      boolean primaryError,
      boolean candidateError,
      boolean primaryRefusal,
      boolean candidateRefusal,
      boolean json,
      boolean candidateValidJson) {
    return new PairObservation(
        primaryError,
        candidateError,
        primaryRefusal,
        candidateRefusal,
        json,
        true,
        candidateValidJson,
        50,
        60,
        10,
        12,
        100,
        120,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN);
  }
}
