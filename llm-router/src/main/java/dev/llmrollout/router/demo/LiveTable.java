package dev.llmrollout.router.demo;

import dev.llmrollout.router.ArmSnapshot;
import dev.llmrollout.router.VariantStats;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The demo's live view: a progress bar and a per-variant, per-intent table, redrawn in place on a
 * terminal and printed as successive snapshots otherwise.
 */
final class LiveTable {
  private static final int BAR_WIDTH = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private int linesDrawn;

  LiveTable(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void draw(VariantStats stats, long sent, long total, String status) {
    if (terminal && linesDrawn > 0) {
      out.printf("\033[%dA\033[J", linesDrawn);
    }
    StringBuilder view = new StringBuilder();
    int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * sent / Math.max(1, total));
    view.append(
        String.format(
            Locale.ROOT,
            "[%s%s] %,d/%,d requests  %s%n",
            "#".repeat(filled),
            ".".repeat(BAR_WIDTH - filled),
            sent,
            total,
            status));
    view.append(
        String.format(
            Locale.ROOT,
            "  %-8s %-9s %9s %9s %9s %9s%n",
            "variant",
            "intent",
            "requests",
            "success",
            "refusals",
            "p99 ms"));
    for (String variant : List.of("stable", "canary")) {
      for (String intent : DemoTraffic.INTENTS) {
        ArmSnapshot arm = stats.arm(DemoTraffic.FLAG, variant, intent);
        view.append(row(variant, intent, arm));
      }
    }
    String text = view.toString();
    out.print(text);
    out.flush();
    linesDrawn = (int) text.chars().filter(c -> c == '\n').count();
  }

  private static String row(String variant, String intent, ArmSnapshot arm) {
    long n = arm.requests();
    return String.format(
        Locale.ROOT,
        "  %-8s %-9s %9d %8.1f%% %8.1f%% %9s%n",
        variant,
        intent,
        n,
        n == 0 ? 0 : 100.0 * arm.successes() / n,
        n == 0 ? 0 : 100.0 * arm.refusals() / n,
        n == 0 ? "-" : String.format(Locale.ROOT, "%.0f", arm.latencyQuantileMillis(0.99)));
  }
}
