package dev.llmrollout.guard.simulation;

import static dev.llmrollout.guard.simulation.GoalsReport.median;
import static dev.llmrollout.guard.simulation.GoalsReport.pct;
import static dev.llmrollout.guard.simulation.GoalsReport.share;

import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.simulation.ScenarioSummary.Median;
import java.util.List;
import java.util.Locale;

/** Writes the summaries as the Markdown document docs/rollout-guard-simulation.md. */
final class SimulationReport {
  private SimulationReport() {}

  static String markdown(List<ScenarioSummary> summaries, String command, double minutes) {
    int runs = summaries.get(0).runs();
    StringBuilder md = new StringBuilder();
    md.append("# Rollout guard simulation\n\n")
        .append("Produced by `GuardSimulationMain`: ")
        .append(runs)
        .append(" seeded runs per scenario (seeds fixed per scenario), ")
        .append(String.format(Locale.ROOT, "%.0f", minutes))
        .append(" minutes on the build machine. Reproduce with:\n\n```\n")
        .append(command)
        .append("\n```\n\n")
        .append(Text.MODEL)
        .append("\n## Outcomes\n\n")
        .append("Shares of runs with their 95% Wilson intervals.\n\n")
        .append("| Scenario | Rolled back | Held (unit split) | Promoted to 100% |")
        .append(" Held (evidence not in) | Still running at 60,000 | Goal |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (ScenarioSummary s : summaries) {
      md.append("| ")
          .append(s.scenario().name())
          .append(" | ")
          .append(share(s.ended(RolloutState.ROLLED_BACK)))
          .append(" | ")
          .append(share(s.sampleRatioHolds()))
          .append(" | ")
          .append(share(s.ended(RolloutState.PROMOTED)))
          .append(" | ")
          .append(share(s.evidenceHolds()))
          .append(" | ")
          .append(share(s.ended(RolloutState.CANARY)))
          .append(" | ")
          .append(s.scenario().goal())
          .append(" |\n");
    }
    md.append("\n## Where the guard stopped the canary\n\n")
        .append("Rolled back (and, after the slash, held on the unit split) while the canary was")
        .append(" at each step;")
        .append(" \"before 100%\" adds both over steps 1-3.\n\n")
        .append("| Scenario | Step 1 (5-20%) | Step 2 (25%) | Step 3 (50%) | Step 4 (100%) |")
        .append(" Stopped before 100% |\n|---|---|---|---|---|---|\n");
    for (ScenarioSummary s : summaries) {
      md.append("| ").append(s.scenario().name());
      for (int step = 0; step < Scenario.plan().steps().size(); step++) {
        md.append(" | ")
            .append(share(s.rolledBackAt(step)))
            .append(" / ")
            .append(pct(s.sampleRatioHoldsAt(step).rate()));
      }
      md.append(" | ").append(share(s.stoppedBeforeLastStep())).append(" |\n");
    }
    md.append("\n## How long each step took\n\n")
        .append("Median minutes per step over the runs that completed it (95% order-statistic")
        .append(" interval; how many runs completed it).\n\n")
        .append("| Scenario | Step 1 (5-20%) | Step 2 (25%) | Step 3 (50%) | Step 4 (100%) |\n")
        .append("|---|---|---|---|---|\n");
    for (ScenarioSummary s : summaries) {
      md.append("| ").append(s.scenario().name());
      for (int step = 0; step < Scenario.plan().steps().size(); step++) {
        Median m = s.stepMinutes(step);
        md.append(" | ").append(m.observed() == 0 ? "-" : median(m) + " (" + m.observed() + ")");
      }
      md.append(" |\n");
    }
    widening(md, summaries);
    GoalsReport.detection(md, summaries);
    GoalsReport.goals(md, summaries);
    GoalsReport.arithmetic(md);
    runTime(md, summaries);
    return md.toString();
  }

  private static void runTime(StringBuilder md, List<ScenarioSummary> summaries) {
    md.append("\n## Run time\n\n")
        .append("Wall time of each scenario's runs (in parallel on the machine's cores, shared")
        .append(" with other builds) and the CPU time the simulation process spent meanwhile, per")
        .append(" run.\n\n| Scenario | Wall, all runs | CPU per run |\n|---|---|---|\n");
    for (ScenarioSummary s : summaries) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f s | %.2f s |\n",
              s.scenario().name(),
              s.wallSeconds(),
              s.cpuSeconds() / s.runs()));
    }
  }

  private static void widening(StringBuilder md, List<ScenarioSummary> summaries) {
    md.append("\n## How wide the first step ran\n\n")
        .append("The first step widens (to 10, 15 or 20%, as far as its projection says it")
        .append(" must) when its power gate projects that it cannot gather its evidence within")
        .append(" 24 h at its share; the share of runs whose first step ran at each widest")
        .append(" share.\n\n")
        .append("| Scenario | 5% | 10% | 15% | 20% |\n|---|---|---|---|---|\n");
    for (ScenarioSummary s : summaries) {
      md.append("| ").append(s.scenario().name());
      for (double percent : new double[] {5, 10, 15, 20}) {
        md.append(" | ").append(share(s.share(r -> r.firstStepPercent() == percent)));
      }
      md.append(" |\n");
    }
  }

  /** The fixed prose of the report. */
  private static final class Text {
    static final String MODEL =
        """
        Every run drives the real `RolloutGuard` through its public API on a manual clock: the \
        guard starts the rollout, writes each step's split to an in-memory `RolloutControl`, \
        and runs its own scheduled checks (every 10 s, `GuardConfig` defaults); requests are \
        recorded into its `SignalSource` as the router records them. The only seam is \
        `GuardHarness` (test sources, `dev.llmrollout.guard.simulation`).

        Traffic model (`TrafficModel`, `Scenarios`):

        - **Sticky users**: 2,000 targeting keys, each with a lognormal activity weight \
        (log-scale sigma 1: the busiest 10% of keys send about 39% of requests); a key's arm \
        comes from the split the guard wrote, bucketed exactly as the local backend's \
        `fractional` does (`FractionalBucketing`, murmur3 of flag key + targeting key), so a \
        key keeps its arm and only moves to the canary as the canary grows. The independent \
        A/A row gives every request a fresh key instead.
        - **Within-user correlation**: a key's outcomes share a standard normal effect \
        through a threshold (probit) model, calibrated so the intra-class correlation of \
        outcomes is 0.10 at the stable rate (success 0.85, or errors 1% for the telemetry \
        rows); marginal rates stay exact in every arm and segment. Log-latency has the same \
        0.10 correlation.
        - **Arrivals**: Poisson, 1 request per second on average (10 per check); the diurnal \
        row varies the rate between 0.5 and 1.5 per second over 24 h, starting at the quiet \
        hour, and moves both arms' success from 0.88 down to 0.81 as the load rises.
        - **Segments** (intents) are drawn per request; the drifting row moves the payment \
        intent linearly from 10% to 40% of traffic over the first 20,000 s (5.6 h).
        - **Plan**: `RolloutPlan.ofDefaults()`: 5 -> 25 -> 50 -> 100%, 30 min minimum bake \
        and 500 requests per arm per step, 24 h at most per step (then held), 5% stable \
        holdback at 100% until its bake ends, evidence required (power gate in step 1, \
        non-inferiority at level 0.01 before 100%); the first step widens, to 10, 15 or 20% \
        (the first share its projection says suffices), when its power gate projects it \
        cannot gather its evidence in 24 h at its share. A run ends when the guard rolls back or promotes, or \
        after 60,000 requests (16.7 h); a held rollout keeps being checked until then.
        - **Rules**: `Rule.successRateDrop(0.05)` unless all default rules \
        (`RuleSet.ofDefaults()`: success -5 pp, errors +1 pp, refusals +2 pp, share slower \
        than p99 +2 pp) are named; those rows have errors 1%, refusals 0.5%, lognormal latency \
        (median 800 ms, sigma 0.5) and feedback on 20% of requests, 10% of it thumbs down. \
        Named segments: all but the last are declared at the start; the last is what the \
        guard judges as its "other" segment.
        """;
  }
}
