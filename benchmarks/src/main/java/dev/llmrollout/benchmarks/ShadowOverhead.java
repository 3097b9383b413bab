package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.micros;
import static dev.llmrollout.benchmarks.internal.ReportSection.ratio;
import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.ClosedLoopLoad;
import dev.llmrollout.benchmarks.internal.LoopbackModelEndpoint;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.RouterRig;
import dev.llmrollout.router.RouterEvent;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * Issue 9, point 4: the primary call's p99 when its variant shadows another variant on every
 * request, against the same router with no shadow. Both call the same loopback endpoint; phases
 * alternate.
 *
 * <p>Usage: {@code ShadowOverhead <section.md> <phaseMillis> <rounds> <delayMillis> <concurrency>}
 */
public final class ShadowOverhead {
  private static final double GOAL_RATIO = 1.05;

  private ShadowOverhead() {}

  public static void main(String[] args) {
    Path out = Path.of(args[0]);
    long phaseMillis = Long.parseLong(args[1]);
    int rounds = Integer.parseInt(args[2]);
    long delay = Long.parseLong(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    String shadowing =
        BenchFlags.variantJson(
            "bench-stable",
            "1.1.0",
            ", \"shadow\": {\"variant\": \"canary\", \"sampleRate\": 1.0}");
    Histogram plain = ClosedLoopLoad.newHistogram();
    Histogram shadowed = ClosedLoopLoad.newHistogram();
    long submitted;
    long dropped;
    try (LoopbackModelEndpoint endpoint = LoopbackModelEndpoint.start(delay);
        RouterRig withoutShadow = new RouterRig(endpoint, BenchFlags.STABLE_JSON, 4096);
        RouterRig withShadow = new RouterRig(endpoint, shadowing, 4096);
        ClosedLoopLoad load = new ClosedLoopLoad(concurrency)) {
      load.run(i -> withoutShadow.routed("session-" + (i % 4096)), phaseMillis / 2);
      load.run(i -> withShadow.routed("session-" + (i % 4096)), phaseMillis / 2);
      for (int round = 0; round < rounds; round++) {
        plain.add(load.run(i -> withoutShadow.routed("session-" + (i % 4096)), phaseMillis));
        shadowed.add(load.run(i -> withShadow.routed("session-" + (i % 4096)), phaseMillis));
      }
      submitted = withShadow.count(RouterEvent.SHADOW_SUBMITTED);
      dropped = withShadow.count(RouterEvent.SHADOW_DROPPED);
    }
    double p99Ratio = shadowed.getValueAtPercentile(99) / (double) plain.getValueAtPercentile(99);
    ReportSection report = new ReportSection("4. Shadow traffic and the primary call");
    report.paragraph(
        "The same router (local-file backend) with the served variant shadowing the canary on"
            + " 100% of requests, against no shadow (0%). Loopback endpoint with "
            + delay
            + " ms delay, "
            + concurrency
            + " closed-loop callers, "
            + rounds
            + " alternating rounds of "
            + phaseMillis
            + " ms. Goal: primary p99 ratio at most 1.05. Latencies in microseconds.");
    report.row(
        "shadow",
        "primary calls",
        "p50",
        "p99",
        "p99.9",
        "shadow calls submitted",
        "shadow calls dropped (queue full)");
    report.rule(7);
    report.row(
        "0%",
        plain.getTotalCount(),
        micros(plain.getValueAtPercentile(50)),
        micros(plain.getValueAtPercentile(99)),
        micros(plain.getValueAtPercentile(99.9)),
        0,
        0);
    report.row(
        "100%",
        shadowed.getTotalCount(),
        micros(shadowed.getValueAtPercentile(50)),
        micros(shadowed.getValueAtPercentile(99)),
        micros(shadowed.getValueAtPercentile(99.9)),
        submitted,
        dropped);
    report.endTable();
    report.paragraph(
        "Primary p99 ratio (100% / 0%): "
            + ratio(p99Ratio)
            + ", goal at most 1.05: "
            + verdict(p99Ratio <= GOAL_RATIO)
            + ".");
    report.write(out);
  }
}
