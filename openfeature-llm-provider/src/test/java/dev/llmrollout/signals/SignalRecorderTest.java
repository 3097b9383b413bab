package dev.llmrollout.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.spi.FractionalBucketing;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 14.1: per-bucket signals are plain sums that merge across processes")
class SignalRecorderTest {
  private static final String FLAG = "support-model";

  private static Observation observation(SplittableRandom random) {
    double u = random.nextDouble();
    return new Observation(
        u < 0.8, u >= 0.9, u >= 0.8 && u < 0.9, 100 * Math.exp(random.nextGaussian()));
  }

  @Test
  @DisplayName("two processes' counters add up to what one process would have counted")
  void countersMergeAcrossProcesses() {
    SignalRecorder one = new SignalRecorder();
    SignalRecorder a = new SignalRecorder();
    SignalRecorder b = new SignalRecorder();
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 5_000; i++) {
      String user = "user-" + random.nextInt(1_000);
      String segment = random.nextBoolean() ? "payment" : null;
      Observation o = observation(random);
      one.record(FLAG, "canary", segment, user, o);
      (random.nextBoolean() ? a : b).record(FLAG, "canary", segment, "p" + i, o);
      one.recordFeedback(FLAG, "canary", segment, user, "thumbs_down");
    }
    ArmCounters merged = a.counters(FLAG, "canary").plus(b.counters(FLAG, "canary"));
    Counts all = merged.all();

    assertThat(all.totalRequests()).isEqualTo(5_000);
    assertThat(sum(all.successes()) + sum(all.errors()) + sum(all.refusals())).isEqualTo(5_000);
    assertThat(sum(all.latencyCounts())).isEqualTo(5_000);
    assertThat(merged.segment("payment").totalRequests())
        .isEqualTo(one.counters(FLAG, "canary").segment("payment").totalRequests());
    assertThat(sum(all.successes())).isEqualTo(sum(one.counters(FLAG, "canary").all().successes()));
    assertThat(sum(one.counters(FLAG, "canary").all().feedback("thumbs_down"))).isEqualTo(5_000);
  }

  @Test
  @DisplayName("a window is the difference of two snapshots; units are first exposed once")
  void windowsAndFirstExposures() {
    SignalRecorder recorder = new SignalRecorder();
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < 300; i++) {
      recorder.record(FLAG, "stable", null, "user-" + (i % 100), observation(random));
    }
    ArmCounters start = recorder.counters(FLAG, "stable");
    for (int i = 0; i < 300; i++) {
      recorder.record(FLAG, "stable", null, "user-" + (i % 150), observation(random));
    }
    Counts window = recorder.counters(FLAG, "stable").minus(start).all();

    assertThat(window.totalRequests()).isEqualTo(300);
    assertThat(sum(start.all().firstExposures())).isEqualTo(100);
    assertThat(sum(window.firstExposures())).as("only the 50 new users").isEqualTo(50);
  }

  @Test
  @DisplayName("the bucket hash is independent of the assignment hash")
  void bucketsAreIndependentOfAssignment() {
    long[][] table = new long[2][UnitBuckets.COUNT];
    for (int i = 0; i < 200_000; i++) {
      String key = "user-" + i;
      int arm = FractionalBucketing.bucketOf(FLAG + key, 100) < 5 ? 1 : 0;
      table[arm][UnitBuckets.of(key)]++;
    }
    double canaryShare = (double) sum(table[1]) / 200_000;
    double chiSquare = 0;
    for (int k = 0; k < UnitBuckets.COUNT; k++) {
      double inBucket = table[0][k] + table[1][k];
      double expected = inBucket * canaryShare;
      chiSquare += Math.pow(table[1][k] - expected, 2) / expected;
      chiSquare += Math.pow(table[0][k] - (inBucket - expected), 2) / (inBucket - expected);
    }
    // 63 degrees of freedom: the 99.9th percentile of chi-square(63) is about 103.
    assertThat(chiSquare).isLessThan(103);
    assertThat(canaryShare).isBetween(0.045, 0.055);
  }

  private static long sum(long[] values) {
    long total = 0;
    for (long v : values) {
      total += v;
    }
    return total;
  }
}
