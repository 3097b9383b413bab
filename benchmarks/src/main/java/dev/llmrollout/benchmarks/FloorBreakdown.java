package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.ratio;

import dev.llmrollout.benchmarks.JmhReport.Score;
import dev.llmrollout.benchmarks.internal.ReportSection;
import java.util.Locale;
import java.util.Map;

/**
 * The part of section 1 that splits our provider's cost over a vendor SDK into what the OpenFeature
 * SDK costs any provider (the floor), what the vendor SDK's evaluation costs, and what is left for
 * our provider and backend: the figure this project can act on.
 */
final class FloorBreakdown {
  private static final String FLOOR = "openFeatureFloor";

  private FloorBreakdown() {}

  static void write(ReportSection report, Map<String, Score> scores) {
    Score floor = scores.get(FLOOR);
    if (floor == null) {
      report.paragraph("The OpenFeature floor (`" + FLOOR + "`) was not run: no breakdown.");
      return;
    }
    report.paragraph(
        "Where the time of an evaluation through OpenFeature goes: ours = OpenFeature floor +"
            + " the vendor SDK's evaluation + our part (the backend's context mapping, reason and"
            + " variant lookup, the provider's evaluation object and exposure record). The"
            + " `1.2x the raw SDK` goal cannot be met through the OpenFeature client when the"
            + " floor alone is above 0.2x of the raw SDK; the last column compares against the"
            + " floor plus the raw SDK instead, which is what any OpenFeature provider over the"
            + " same SDK starts from (context, not the goal). The floor is measured with the"
            + " LaunchDarkly benchmark's contexts (targeting key and one attribute); the Unleash"
            + " contexts carry the key only.");
    report.row(
        "evaluation",
        "ns/op",
        "B/op",
        "floor ns/op (B/op)",
        "raw SDK",
        "raw SDK ns/op (B/op)",
        "our part ns/op (B/op)",
        "ours / (floor + raw SDK)");
    report.rule(8);
    row(report, scores, floor, "providerOverLaunchDarkly", "rawLaunchDarklySdk");
    row(report, scores, floor, "providerOverUnleash", "rawUnleashClient");
    report.endTable();
    report.paragraph(
        "LaunchDarkly's own OpenFeature provider"
            + " (`com.launchdarkly:launchdarkly-openfeature-serverprovider`), the vendor's"
            + " OpenFeature path over the same SDK, would be the fairest comparison; no version of"
            + " it resolves from this build's Maven mirror, so it is not measured.");
  }

  private static void row(
      ReportSection report, Map<String, Score> scores, Score floor, String name, String raw) {
    Score ours = scores.get(name);
    Score sdk = scores.get(raw);
    if (ours == null || sdk == null) {
      report.row(name, "not run", "", "", raw, "", "", "");
      return;
    }
    double partNanos = ours.nanos() - floor.nanos() - sdk.nanos();
    double partBytes = ours.bytesPerOp() - floor.bytesPerOp() - sdk.bytesPerOp();
    report.row(
        name,
        JmhReport.nanos(ours),
        JmhReport.bytes(ours),
        withBytes(floor.nanos(), floor.bytesPerOp()),
        raw,
        withBytes(sdk.nanos(), sdk.bytesPerOp()),
        withBytes(partNanos, partBytes),
        ratio(ours.nanos() / (floor.nanos() + sdk.nanos())));
  }

  private static String withBytes(double nanos, double bytes) {
    return Double.isNaN(bytes)
        ? String.format(Locale.ROOT, "%.1f (n/a)", nanos)
        : String.format(Locale.ROOT, "%.1f (%.0f)", nanos, bytes);
  }
}
