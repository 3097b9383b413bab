package dev.llmrollout.guard.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.Counts;
import dev.llmrollout.signals.SignalsUnavailableException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, point 2, against a real Prometheus scraping two routing processes' exposition (as
 * docs/metrics.md specifies it) every second: windows add up both processes and count only what
 * happened inside them; a target down or Prometheus stopped makes the source refuse instead of
 * returning a window that lacks traffic.
 */
class PrometheusSignalSourceTest {
  private static final String JOB = "llm-router";
  private static final String FLAG = "support-model";

  /** One routing process's counters, served at /metrics in Prometheus text format. */
  static final class Exporter implements AutoCloseable {
    final Map<String, Long> series = new ConcurrentHashMap<>();
    private HttpServer server;
    private final int port;

    Exporter() throws Exception {
      port = PrometheusProcess.freePort();
      start();
    }

    void start() throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      server.createContext(
          "/metrics",
          exchange -> {
            StringBuilder text = new StringBuilder();
            new TreeMap<>(series)
                .forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
            byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
    }

    String target() {
      return "127.0.0.1:" + port;
    }

    void set(String counter, String variant, String segment, int bucket, String le, long value) {
      String labels =
          "feature_flag_key=\"%s\",feature_flag_result_variant=\"%s\",llm_rollout_segment=\"%s\",llm_rollout_unit_bucket=\"%d\""
              .formatted(FLAG, variant, segment, bucket);
      if (le != null) {
        labels += ",le=\"" + le + "\"";
      }
      series.put("llm_rollout_guard_" + counter + "_total{" + labels + "}", value);
    }

    /** Every counter of the arm in both segment labels and one bucket at {@code requests}. */
    void arm(String variant, int bucket, long requests, long errors) {
      for (String segment : List.of("_all", "billing")) {
        set("requests", variant, segment, bucket, null, requests);
        set("successes", variant, segment, bucket, null, requests - errors);
        set("errors", variant, segment, bucket, null, errors);
        set("refusals", variant, segment, bucket, null, 0);
        set("first_exposures", variant, segment, bucket, null, requests);
        set("latency_at_most", variant, segment, bucket, "0.128", requests / 2);
        set("latency_at_most", variant, segment, bucket, "0.256", requests);
        set("latency_at_most", variant, segment, bucket, "+Inf", requests);
        set("judged", variant, segment, bucket, null, requests / 2);
        set("judge_score_millis", variant, segment, bucket, null, 800 * (requests / 2));
        set("judge_score_squared_micros", variant, segment, bucket, null, 640_000 * (requests / 2));
        set("judge_failures", variant, segment, bucket, null, errors);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @TempDir Path dir;
  private Exporter a;
  private Exporter b;
  private PrometheusProcess prometheus;
  private PrometheusSignalSource source;

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(
        PrometheusProcess.installed(),
        "prometheus is not on PATH: run .ci/prometheus.sh install (CI does) to run this test");
    a = new Exporter();
    b = new Exporter();
    a.arm("canary", 3, 0, 0);
    b.arm("canary", 3, 0, 0);
    prometheus = new PrometheusProcess(dir, JOB, List.of(a.target(), b.target()));
    source = prometheus.signalSource(JOB, 2);
    await().atMost(Duration.ofSeconds(30)).until(this::bothScrapedTwice);
  }

  private boolean bothScrapedTwice() {
    try {
      source.window(FLAG, "canary", Instant.now().minusSeconds(3), Instant.now());
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

  @Test
  void aWindowAddsUpTheFleetAndCountsOnlyItsOwnTime() throws Exception {
    Instant start = Instant.now();
    // increase() sees only samples inside the window: each target needs a sample of its zeros
    // after the window's start, or its first counts vanish into the gap before the window.
    Thread.sleep(3_000);
    a.arm("canary", 3, 10, 2);
    b.arm("canary", 3, 6, 0);
    // A window of about 10 s with the old zeros at its start: increase() extrapolates little.
    Thread.sleep(10_000);
    ArmCounters window = source.window(FLAG, "canary", start, Instant.now());

    // increase() extrapolates to the window's edges: counts may exceed the truth by a sample's
    // share.
    Counts all = window.all();
    assertThat((double) total(all)).isCloseTo(16, within(3.0));
    assertThat((double) all.requests()[3]).isEqualTo(total(all));
    assertThat((double) Arrays.stream(all.errors()).sum()).isCloseTo(2, within(1.0));
    assertThat((double) Arrays.stream(all.latencyCounts()).sum()).isCloseTo(16, within(3.0));
    assertThat((double) all.latencyAbove(56)[3]).as("slower than 128 ms").isCloseTo(8, within(2.0));
    assertThat(all.latencyAbove(64)[3]).as("slower than 256 ms").isZero();
    assertThat((double) all.judged()[3]).as("live judge scores").isCloseTo(8, within(2.0));
    assertThat((double) all.judgeScoreMillis()[3]).isCloseTo(6_400, within(1_600.0));
    assertThat((double) all.judgeScoreSquaredMicros()[3]).isCloseTo(5_120_000, within(1_280_000.0));
    assertThat((double) all.judgeFailures()[3]).isCloseTo(2, within(1.0));
    assertThat(window.segments()).containsExactly("billing");
    assertThat(total(window.segment("billing"))).isEqualTo(total(all));
    assertThat(total(source.window(FLAG, "canary", start.minusSeconds(3), start).all()))
        .as("before the counts moved")
        .isZero();
    assertThat(total(source.window(FLAG, "stable", start, Instant.now()).all()))
        .as("an arm without series")
        .isZero();
  }

  @Test
  void aTargetDownOrPrometheusStoppedMakesTheWindowUnavailable() throws Exception {
    b.close();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThatThrownBy(
                        () ->
                            source.window(
                                FLAG, "canary", Instant.now().minusSeconds(5), Instant.now()))
                    .isInstanceOf(SignalsUnavailableException.class)
                    .hasMessageContaining(b.target())
                    .hasMessageContaining("down"));
    b.start();
    await().atMost(Duration.ofSeconds(30)).until(this::bothScrapedTwice);

    prometheus.stop();
    assertThatThrownBy(
            () -> source.window(FLAG, "canary", Instant.now().minusSeconds(5), Instant.now()))
        .isInstanceOf(SignalsUnavailableException.class)
        .hasMessageContaining("unreachable");
    prometheus.start();
    await().atMost(Duration.ofSeconds(30)).until(this::bothScrapedTwice);
  }

  private static long total(Counts counts) {
    return counts.totalRequests();
  }
}
