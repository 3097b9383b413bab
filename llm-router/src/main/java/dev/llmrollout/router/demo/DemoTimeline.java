package dev.llmrollout.router.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.router.ArmSnapshot;
import dev.llmrollout.router.VariantStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What happened when, for the demo's closing summary. */
final class DemoTimeline {
  private static final String SEGMENT = VariantStats.DEFAULT_SEGMENT_ATTRIBUTE;

  private final VariantStats stats;
  private volatile Instant trafficStarted;
  private volatile Instant detected;
  private volatile Instant verified;
  private volatile String why = "";
  private volatile AuditRecord lastCheck;
  private volatile List<RuleCheck> detectedBy = List.of();
  private volatile String worstSegment = "";
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
          AuditRecord check = lastCheck;
          worstSegment = worstSegment();
          detectedBy =
              check == null
                  ? List.of()
                  : check.ruleChecks().stream().filter(RuleCheck::broken).toList();
          canaryRequestsAtDetection = stats.arm(DemoTraffic.FLAG, "canary").requests();
          canaryPaymentRequestsAtDetection =
              stats.arm(DemoTraffic.FLAG, "canary", "payment").requests();
        }
        case VERIFIED -> verified = Instant.now();
        default -> {}
      }
    } else if (event instanceof GuardEvent.StateTransitionEvent transition) {
      why = transition.reason();
    } else if (event instanceof GuardEvent.CheckEvent check) {
      lastCheck = check.record();
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
        "  %8s  regression detected%s; the override serves stable at once%n",
        "+" + since(detected) + " ms",
        segments());
    if (detectedBy.isEmpty()) {
      out.printf("            %s%n", why);
    }
    detectedBy.forEach(c -> out.printf("            %s%n", evidence(c)));
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

  /**
   * Where the guard found it: the segments of the rules that broke, and, when one broke over all
   * traffic, the segment whose canary success rate fell furthest below stable's at detection.
   */
  private String segments() {
    List<String> where = new ArrayList<>();
    for (RuleCheck broken : detectedBy) {
      where.add(
          RuleCheck.ALL_TRAFFIC.equals(broken.segment())
              ? "all traffic" + worstSegment
              : "segment " + SEGMENT + "=" + broken.segment());
    }
    return where.isEmpty() ? "" : " in " + String.join("; ", where.stream().distinct().toList());
  }

  /** The intent whose canary success rate is furthest below stable's, from the router's stats. */
  private String worstSegment() {
    String worst = "";
    double largestDrop = 0;
    for (String intent : DemoTraffic.INTENTS) {
      ArmSnapshot stable = stats.arm(DemoTraffic.FLAG, "stable", intent);
      ArmSnapshot canary = stats.arm(DemoTraffic.FLAG, "canary", intent);
      if (stable.requests() == 0 || canary.requests() == 0) {
        continue;
      }
      double stableRate = (double) stable.successes() / stable.requests();
      double canaryRate = (double) canary.successes() / canary.requests();
      if (stableRate - canaryRate > largestDrop) {
        largestDrop = stableRate - canaryRate;
        worst =
            String.format(
                Locale.ROOT,
                ", concentrated in segment %s=%s (success: stable %.1f%%, canary %.1f%%, n=%d/%d)",
                SEGMENT,
                intent,
                100 * stableRate,
                100 * canaryRate,
                stable.requests(),
                canary.requests());
      }
    }
    return worst;
  }

  /**
   * One broken rule's evidence: the rates, the regression's estimate and the p-value with the level
   * it was held to, which is what the rollback decided on. The guard's interval bounds are left
   * out: printed next to that p-value they come from a different level and could look contradictory
   * (an interval reaching below zero beside a p-value under the level).
   */
  static String evidence(RuleCheck check) {
    return String.format(
        Locale.ROOT,
        "%s: stable %.3f, canary %.3f (n=%d/%d); regression %.3f, p=%.2g below the level %.2g it"
            + " was tested at",
        check.rule(),
        check.stableValue(),
        check.canaryValue(),
        check.stableSamples(),
        check.canarySamples(),
        check.effect(),
        check.pValue(),
        check.alphaUsed());
  }

  /** The summary for {@code demo --json}. */
  ObjectNode toJson(DemoTraffic traffic, Rollout rollout) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("state", rollout.state().name());
    node.put("rollbackVerified", rollout.rollbackVerified());
    if (detected != null) {
      node.put("detectedAfterMs", since(detected));
      node.put("canaryRequestsAtDetection", canaryRequestsAtDetection);
      node.put("canaryPaymentRequestsAtDetection", canaryPaymentRequestsAtDetection);
      var evidence = node.putArray("detectedBy");
      detectedBy.forEach(
          c ->
              evidence
                  .addObject()
                  .put("rule", c.rule())
                  .put("segment", c.segment())
                  .put("evidence", evidence(c)));
    }
    node.put("requestsSent", traffic.sent());
    node.put("requestsFailed", traffic.failed());
    node.put("sessionsSawCanary", traffic.exposure().get("canary"));
    node.put("sessionsActive", traffic.sessionsSeen());
    return node;
  }

  private long since(Instant at) {
    return Duration.between(trafficStarted, at).toMillis();
  }
}
