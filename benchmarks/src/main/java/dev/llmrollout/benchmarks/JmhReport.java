package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.ratio;
import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.benchmarks.internal.ReportSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JMH JSON result of {@link FlagEvaluationBenchmark}, {@link
 * LaunchDarklyEvaluationBenchmark} and {@link UnleashEvaluationBenchmark} into section 1 of the
 * report: each evaluation with its baseline, the ratio, allocations, and the goals as met or
 * missed.
 *
 * <p>Usage: {@code JmhReport <jmh-result.json> <section.md> <jmh settings text>}
 */
public final class JmhReport {
  private static final double GOAL_RATIO = 1.2;
  private static final double GOAL_LOCAL_NANOS = 1_000;

  /** One benchmark's JMH score: mean ns/op, its error bar, and bytes allocated per op. */
  record Score(double nanos, double error, double bytesPerOp) {}

  private JmhReport() {}

  public static void main(String[] args) throws IOException {
    JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    Map<String, Score> scores = new HashMap<>();
    for (JsonNode result : results) {
      String benchmark = result.path("benchmark").asText();
      String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      JsonNode primary = result.path("primaryMetric");
      scores.put(
          name,
          new Score(
              primary.path("score").asDouble(),
              primary.path("scoreError").asDouble(),
              result
                  .path("secondaryMetrics")
                  .path("gc.alloc.rate.norm")
                  .path("score")
                  .asDouble(Double.NaN)));
    }
    ReportSection report = new ReportSection("1. Flag evaluation");
    report.paragraph(
        "JMH, average time per evaluation, 1,024 users in rotation, `-prof gc` for allocations. "
            + args[2]
            + " Goals: our provider at most 1.2x the evaluation underneath it, and under 1 us per"
            + " evaluation for the local file.");
    report.row(
        "evaluation",
        "ns/op",
        "B/op",
        "baseline",
        "baseline ns/op",
        "ratio",
        "goal <= 1.2x",
        "goal < 1 us");
    report.rule(8);
    compared(report, scores, "providerSplitFlag", "rawLocalSplitFlag", true);
    compared(report, scores, "providerRuleFlag", "rawLocalRuleFlag", true);
    compared(report, scores, "providerOverLaunchDarkly", "rawLaunchDarklySdk", true);
    compared(report, scores, "providerOverUnleash", "rawUnleashClient", true);
    compared(report, scores, "providerRuleFlag", "launchDarklySdkRuleFlag", false);
    compared(report, scores, "providerOverLaunchDarkly", "rawLaunchDarklySdkContextPerCall", false);
    single(report, scores, "openFeatureFloor");
    single(report, scores, "openFeatureFloorReadingAttributes");
    single(report, scores, "rawLocalSplitFlag");
    single(report, scores, "rawLocalRuleFlag");
    single(report, scores, "rawLaunchDarklySdk");
    single(report, scores, "rawUnleashClient");
    single(report, scores, "launchDarklySdkRuleFlag");
    single(report, scores, "rawLaunchDarklySdkContextPerCall");
    report.endTable();
    report.paragraph(
        "`provider*`: our provider through the OpenFeature client (`getStringDetails`, what the"
            + " router calls). `rawLocal*`: the local backend's own `resolve`, the compiled flagd"
            + " rule underneath the provider. `providerOverLaunchDarkly`: our provider over the"
            + " LaunchDarkly backend; `rawLaunchDarklySdk`: a plain LaunchDarkly SDK client"
            + " (`jsonValueVariationDetail`) evaluating the same flag (rule, then 90/10 rollout),"
            + " both fed by the same local LaunchDarkly stream. `launchDarklySdkRuleFlag`: the SDK"
            + " on its TestData source evaluating the rule flag (TestData cannot express a"
            + " percentage split); the row comparing our local-file provider against it is"
            + " context, not a goal. `providerOverUnleash` / `rawUnleashClient`: our provider over"
            + " the Unleash backend and the Unleash client's own `getVariant`, both bootstrapped"
            + " from the same backup file (a 90/10 flexibleRollout with JSON payloads)."
            + " `rawLaunchDarklySdkContextPerCall`: the same SDK call with the LaunchDarkly context"
            + " built on each call, as an application building it per request would (context, not"
            + " a goal). `openFeatureFloor`: the same OpenFeature client call with the same"
            + " contexts over a provider that returns a prebuilt evaluation: what the OpenFeature"
            + " SDK itself costs per evaluation (context layering, hooks, the details object);"
            + " `openFeatureFloorReadingAttributes`: the same provider reading every attribute of"
            + " the context it is given, as a provider handing them to a vendor SDK must.");
    FloorBreakdown.write(report, scores);
    report.write(Path.of(args[1]));
  }

  private static void compared(
      ReportSection report,
      Map<String, Score> scores,
      String name,
      String baseline,
      boolean goals) {
    Score ours = scores.get(name);
    Score base = scores.get(baseline);
    if (ours == null || base == null) {
      report.row(name, "not run", "", baseline, "", "", "", "");
      return;
    }
    double ratio = ours.nanos() / base.nanos();
    boolean local = baseline.startsWith("rawLocal");
    report.row(
        name,
        nanos(ours),
        bytes(ours),
        baseline,
        nanos(base),
        ratio(ratio),
        goals ? verdict(ratio <= GOAL_RATIO) : "(context)",
        !goals ? "(context)" : local ? verdict(ours.nanos() < GOAL_LOCAL_NANOS) : "(local only)");
  }

  private static void single(ReportSection report, Map<String, Score> scores, String name) {
    Score score = scores.get(name);
    if (score != null) {
      report.row(name, nanos(score), bytes(score), "(baseline)", "", "", "", "");
    }
  }

  static String nanos(Score score) {
    if (Double.isNaN(score.error())) {
      // JMH gives no error bar for fewer than two measurement iterations.
      return String.format(Locale.ROOT, "%.1f", score.nanos());
    }
    return String.format(Locale.ROOT, "%.1f ± %.1f", score.nanos(), score.error());
  }

  static String bytes(Score score) {
    return Double.isNaN(score.bytesPerOp())
        ? "n/a"
        : String.format(Locale.ROOT, "%.0f", score.bytesPerOp());
  }
}
