package dev.llmrollout.guard.simulation;

import java.util.List;
import java.util.Locale;

/** The markdown page of the paired scenarios. */
final class PairedSimulationReport {
  private PairedSimulationReport() {}

  static String render(List<String> rows, int runs, double minutes) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| Scenario | Design | Aborted / rolled back | Passed to the canary | Held | Median pairs (requests) to abort | Median pairs to pass |\n");
    out.append("|---|---|---|---|---|---|---|\n");
    rows.forEach(row -> out.append(row).append('\n'));
    out.append(
        String.format(
            Locale.ROOT,
            "%n%d seeded runs per row, %.1f minutes. Shares with 95%% Wilson intervals; medians"
                + " with distribution-free 95%% intervals, over the runs that ended that way.%n",
            runs,
            minutes));
    return out.toString();
  }
}
