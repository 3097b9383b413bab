package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.micros;
import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.ClosedLoopLoad;
import dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.RouterRig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * Issue 9, point 2: a routed call against a direct {@code HttpClient} call to the same loopback
 * endpoint, at 1, 64 and 512 concurrent callers, for a 0 ms and a 50 ms endpoint. Direct and routed
 * phases alternate so that drift of a shared machine hits both alike.
 *
 * <p>Usage: {@code RouterOverhead <section.md> <phaseMillis> <rounds>}
 */
public final class RouterOverhead {
  private static final long GOAL_MEDIAN_NANOS = 50_000;
  private static final long GOAL_P99_NANOS = 200_000;
  private static final int[] CONCURRENCY = {1, 64, 512};
  private static final long[] DELAYS = {0, 50};

  private RouterOverhead() {}

  public static void main(String[] args) {
    Path out = Path.of(args[0]);
    long phaseMillis = Long.parseLong(args[1]);
    int rounds = Integer.parseInt(args[2]);
    ReportSection report = new ReportSection("2. Router overhead (in-process)");
    report.paragraph(
        "A routed call (flag evaluation, prompt rendering, call, answer parsing, signals) against"
            + " a direct JDK HttpClient call with the same body to the same loopback endpoint."
            + " Closed loop, "
            + rounds
            + " alternating rounds of "
            + phaseMillis
            + " ms per side after a warm-up. Goal: added median under 50 us and added p99 under"
            + " 200 us. Latencies in microseconds. CPU per call is the whole process's (callers,"
            + " router, HttpClient and the endpoint) CPU time over the phase, per call.");
    report.row(
        "endpoint delay",
        "concurrency",
        "direct calls",
        "direct p50",
        "routed p50",
        "added p50",
        "direct p99",
        "routed p99",
        "added p99",
        "p99 ratio",
        "process CPU per call, direct / routed",
        "goal");
    report.rule(12);
    long directResends = 0;
    for (long delay : DELAYS) {
      try (LoopbackModelEndpoint endpoint = LoopbackModelEndpoint.start(delay);
          RouterRig rig = new RouterRig(endpoint, BenchFlags.STABLE_JSON, 1024)) {
        for (int concurrency : CONCURRENCY) {
          measure(report, rig, delay, concurrency, phaseMillis, rounds);
        }
        directResends += rig.directResends();
      }
    }
    report.endTable();
    report.paragraph(
        "Direct calls resent once after finding their pooled connection closed before any answer"
            + " (the router's model client resends in the same case): "
            + directResends
            + ".");
    report.write(out);
  }

  private static void measure(
      ReportSection report,
      RouterRig rig,
      long delay,
      int concurrency,
      long phaseMillis,
      int rounds) {
    Histogram direct = ClosedLoopLoad.newHistogram();
    Histogram routed = ClosedLoopLoad.newHistogram();
    long directCpu = 0;
    long routedCpu = 0;
    try (ClosedLoopLoad load = new ClosedLoopLoad(concurrency)) {
      load.run(i -> rig.direct(), phaseMillis / 2);
      load.run(i -> rig.routed("session-" + (i % 4096)), phaseMillis / 2);
      for (int round = 0; round < rounds; round++) {
        long cpu = processCpuNanos();
        direct.add(load.run(i -> rig.direct(), phaseMillis));
        directCpu += processCpuNanos() - cpu;
        cpu = processCpuNanos();
        routed.add(load.run(i -> rig.routed("session-" + (i % 4096)), phaseMillis));
        routedCpu += processCpuNanos() - cpu;
      }
    }
    double addedMedian = routed.getValueAtPercentile(50) - (double) direct.getValueAtPercentile(50);
    double addedP99 = routed.getValueAtPercentile(99) - (double) direct.getValueAtPercentile(99);
    boolean met = addedMedian < GOAL_MEDIAN_NANOS && addedP99 < GOAL_P99_NANOS;
    report.row(
        delay + " ms",
        concurrency,
        direct.getTotalCount() + " / routed " + routed.getTotalCount(),
        micros(direct.getValueAtPercentile(50)),
        micros(routed.getValueAtPercentile(50)),
        micros(addedMedian),
        micros(direct.getValueAtPercentile(99)),
        micros(routed.getValueAtPercentile(99)),
        micros(addedP99),
        ReportSection.ratio(
            routed.getValueAtPercentile(99) / (double) direct.getValueAtPercentile(99)),
        micros((double) directCpu / direct.getTotalCount())
            + " / "
            + micros((double) routedCpu / routed.getTotalCount()),
        verdict(met));
  }

  /** CPU time of this whole process (callers, router and endpoint), in nanoseconds. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
