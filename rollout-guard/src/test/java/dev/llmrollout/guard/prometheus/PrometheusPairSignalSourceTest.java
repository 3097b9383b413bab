package dev.llmrollout.guard.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.guard.prometheus.PrometheusSignalSourceTest.Exporter;
import dev.llmrollout.signals.PairCounters;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairCounts.Field;
import dev.llmrollout.signals.SignalsUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 (fleet side), against a real Prometheus scraping two routing processes' shadow pair
 * counters (as docs/metrics.md specifies them) every second: a window adds up both processes per
 * field, segment and bucket and counts only its own time; the judge's score sum, which moves both
 * ways, is read from its offset counter across a process restart; a Prometheus that does not answer
 * makes the window unavailable.
 */
class PrometheusPairSignalSourceTest {
  private static final String JOB = "llm-router";
  private static final String FLAG = "support-model";
  private static final int BUCKET = 5;

  @TempDir Path dir;
  private Exporter a;
  private Exporter b;
  private PrometheusProcess prometheus;
  private PrometheusPairSignalSource pairs;

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(
        PrometheusProcess.installed(),
        "prometheus is not on PATH: run .ci/prometheus.sh install (CI does) to run this test");
    a = new Exporter();
    b = new Exporter();
    for (Exporter e : List.of(a, b)) {
      set(e, Field.PAIRS, 0);
      set(e, Field.CANDIDATE_ONLY_REFUSALS, 0);
      set(e, Field.ANSWERED, 0);
      set(e, Field.JUDGE_FAILURES, 0);
      judged(e, 0, 0);
      latency(e, "primary", 0);
      latency(e, "shadow", 0);
    }
    prometheus = new PrometheusProcess(dir, JOB, List.of(a.target(), b.target()));
    pairs = prometheus.signalSource(JOB, 2).shadowPairs();
    await().atMost(Duration.ofSeconds(30)).until(this::bothScrapedTwice);
  }

  private boolean bothScrapedTwice() {
    try {
      pairs.window(FLAG, "stable", "canary", Instant.now().minusSeconds(3), Instant.now());
      return true;
    } catch (SignalsUnavailableException e) {
      return false;
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
      a.close();
      b.close();
    }
  }

  /**
   * One pair counter of the tests' pair stream, in both segment labels and one bucket, or without
   * the bucket for a field exported only in total.
   */
  private static void set(Exporter e, Field field, long value) {
    set(e, field.name().toLowerCase(Locale.ROOT), value, field.perBucket());
  }

  private static void set(Exporter e, String name, long value, boolean perBucket) {
    for (String segment : List.of("_all", "billing")) {
      String labels = perBucket ? labels(segment) : pairLabels(segment);
      e.series.put("llm_rollout_shadow_" + name + "_total{" + labels + "}", value);
    }
  }

  /** The judged pairs and their score sum, exported offset by 1,000 per judged pair. */
  private static void judged(Exporter e, long pairs, long scoreMillis) {
    set(e, Field.JUDGED, pairs);
    set(e, "judge_score_offset_millis", scoreMillis + 1_000 * pairs, true);
  }

  /**
   * One side's answered pairs at the 128 ms bound; no {@code le="+Inf"}: the answered pairs are all
   * of them.
   */
  private static void latency(Exporter e, String side, long within128ms) {
    for (String segment : List.of("_all", "billing")) {
      String name = "llm_rollout_shadow_" + side + "_latency_at_most_total{" + labels(segment);
      e.series.put(name + ",le=\"0.128\"}", within128ms);
    }
  }

  private static String labels(String segment) {
    return pairLabels(segment) + ",llm_rollout_unit_bucket=\"%d\"".formatted(BUCKET);
  }

  private static String pairLabels(String segment) {
    return ("feature_flag_key=\"%s\",llm_rollout_primary_variant=\"stable\","
            + "llm_rollout_shadow_variant=\"canary\",llm_rollout_segment=\"%s\"")
        .formatted(FLAG, segment);
  }

  @Test
  void aWindowAddsUpTheFleetsPairsAndReadsTheSignedScoreSumAcrossARestart() throws Exception {
    Instant start = Instant.now();
    // increase() sees only samples inside the window: each target needs a sample of its zeros
    // after the window's start.
    Thread.sleep(3_000);
    set(a, Field.PAIRS, 10);
    set(a, Field.CANDIDATE_ONLY_REFUSALS, 4);
    judged(a, 2, 2_000);
    set(a, Field.ANSWERED, 10);
    latency(a, "primary", 10);
    latency(a, "shadow", 2);
    set(a, Field.JUDGE_FAILURES, 3);
    set(b, Field.PAIRS, 6);
    Thread.sleep(3_000);
    // Three more pairs scored -1: the score sum falls below where it began, the exported offset
    // sum only rises. Then b restarts: a counter reset, like any other counter's.
    judged(a, 5, -1_000);
    judged(b, 1, -500);
    Thread.sleep(3_000);
    judged(b, 0, 0);
    Thread.sleep(7_000);
    PairCounters window = pairs.window(FLAG, "stable", "canary", start, Instant.now());

    // increase() extrapolates to the window's edges: counts may exceed the truth by a
    // sample's share.
    PairCounts all = window.all();
    assertThat((double) all.total(Field.PAIRS)).isCloseTo(16, within(3.0));
    assertThat(all.get(Field.PAIRS)[BUCKET]).isEqualTo(all.total(Field.PAIRS));
    assertThat((double) all.total(Field.CANDIDATE_ONLY_REFUSALS)).isCloseTo(4, within(1.0));
    assertThat((double) all.total(Field.JUDGE_SCORE_MILLIS))
        .as("the score sum: a's -1,000 and b's -500 from before its restart")
        .isCloseTo(-1_500, within(400.0));
    assertThat((double) all.candidateLatencyAbove(56)[BUCKET])
        .as("shadow calls slower than 128 ms")
        .isCloseTo(8, within(2.0));
    assertThat(all.primaryLatencyAbove(56)[BUCKET]).as("no primary slower than 128 ms").isZero();
    assertThat((double) all.total(Field.JUDGE_FAILURES))
        .as("a field exported without the unit bucket, in total")
        .isCloseTo(3, within(1.0));
    assertThat(window.segments()).containsExactly("billing");
    assertThat(window.segment("billing").total(Field.PAIRS)).isEqualTo(all.total(Field.PAIRS));
    assertThat(
            pairs
                .window(FLAG, "stable", "canary", start.minusSeconds(3), start)
                .all()
                .total(Field.PAIRS))
        .as("before the counts moved")
        .isZero();
    assertThat(
            pairs.window(FLAG, "canary", "stable", start, Instant.now()).all().total(Field.PAIRS))
        .as("a pair stream without series")
        .isZero();

    prometheus.stop();
    assertThatThrownBy(() -> pairs.window(FLAG, "stable", "canary", start, Instant.now()))
        .isInstanceOf(SignalsUnavailableException.class)
        .hasMessageContaining("unreachable");
  }
}
