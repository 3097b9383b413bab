package dev.llmrollout.router.demo;

import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.router.VariantStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** What happened when, for the demo's closing summary. */
final class DemoTimeline {
  private final VariantStats stats;
  private volatile Instant trafficStarted;
  private volatile Instant detected;
  private volatile Instant verified;
  private volatile String why = "";
  private volatile long canaryRequestsAtDetection;
  private volatile long canaryPaymentRequestsAtDetection;

  DemoTimeline(VariantStats stats) {
    this.stats = stats;
  }

  void trafficStarted(Instant at) {
    this.trafficStarted = at;
  }

  void record(GuardEvent event) {
    if (event instanceof GuardEvent.RollbackEvent rollback) {
      switch (rollback.phase()) {
        case STARTED -> {
          detected = Instant.now();
          canaryRequestsAtDetection = stats.arm(DemoTraffic.FLAG, "canary").requests();
          canaryPaymentRequestsAtDetection =
              stats.arm(DemoTraffic.FLAG, "canary", "payment").requests();
        }
        case VERIFIED -> verified = Instant.now();
        default -> {}
      }
    } else if (event instanceof GuardEvent.StateTransitionEvent transition) {
      why = transition.reason();
    }
  }

  String status(Rollout rollout) {
    return "rollout: " + rollout.state() + (verified != null ? " (rollback verified)" : "");
  }

  void print(PrintWriter out, DemoTraffic traffic, Rollout rollout, Path flagsFile) {
    out.println();
    out.println("Timeline");
    out.printf(
        "  %8s  canary at 5%% (v1.2.0); it refuses payment questions with order data%n", "+0 ms");
    out.println("            pasted inline, so the regression begins with the first such request");
    if (detected == null) {
      out.printf("  the guard did not roll back (state %s); the demo failed%n", rollout.state());
      return;
    }
    out.printf(
        Locale.ROOT,
        "  %8s  regression detected; the override serves stable at once%n",
        "+" + since(detected) + " ms");
    out.printf("            %s%n", why);
    out.printf(
        "            after %d canary requests (%d of them payment questions)%n",
        canaryRequestsAtDetection, canaryPaymentRequestsAtDetection);
    if (verified != null) {
      out.printf(
          "  %8s  rollback written to %s, read back and verified%n",
          "+" + since(verified) + " ms", flagsFile.getFileName());
    }
    Map<String, Integer> exposure = traffic.exposure();
    out.printf(
        "  sessions that saw the canary: %d of %d active; refused by it: %d%n",
        exposure.get("canary"), traffic.sessionsSeen(), exposure.get("refused"));
    out.printf(
        "  requests: %d sent, %d failed; final state: %s%n",
        traffic.sent(), traffic.failed(), rollout.state());
  }

  private long since(Instant at) {
    return Duration.between(trafficStarted, at).toMillis();
  }
}
