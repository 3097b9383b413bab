package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.RolloutState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The full simulation: every scenario of {@link Scenarios#all()} over seeded runs in parallel,
 * written as Markdown. Run it with the {@code simulation} profile (see docs/rollout-guard.md).
 */
public final class GuardSimulationMain {
  static final String COMMAND = "./mvnw -B -pl rollout-guard -am test -Psimulation -DskipTests";

  private GuardSimulationMain() {}

  /** The seeds of a scenario: by its place in {@link Scenarios#all()}, whichever run. */
  private static long seedBase(Scenario scenario) {
    List<String> names = Scenarios.all().stream().map(Scenario::name).toList();
    return 1_000_000L * (names.indexOf(scenario.name()) + 1);
  }

  /**
   * Runs and writes the report.
   *
   * @param args the report's path, and optionally the number of runs per scenario (2000) and a part
   *     of the names of the scenarios to run (all when empty)
   */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/rollout-guard-simulation.md");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    long started = System.nanoTime();
    List<ScenarioSummary> summaries = new ArrayList<>();
    // Maven's exec plugin passes an empty -Dsimulation.only as a null argument.
    String only = args.length > 2 && args[2] != null ? args[2] : "";
    List<Scenario> scenarios =
        Scenarios.all().stream().filter(s -> s.name().contains(only)).toList();
    for (Scenario scenario : scenarios) {
      ScenarioSummary summary = ScenarioSummary.simulate(scenario, runs, seedBase(scenario));
      summaries.add(summary);
      System.out.printf(
          "%s: %.1f s, %.2f CPU s per run; rolled back %.1f%% (%.1f%% in step 1), promoted %.1f%%,"
              + " held on the split %.1f%%%n",
          summary.scenario().name(),
          summary.wallSeconds(),
          summary.cpuSeconds() / runs,
          100 * summary.ended(RolloutState.ROLLED_BACK).rate(),
          100 * summary.stoppedAt(0).rate(),
          100 * summary.ended(RolloutState.PROMOTED).rate(),
          100 * summary.sampleRatioHolds().rate());
    }
    double minutes = (System.nanoTime() - started) / 60e9;
    String command = COMMAND + " -Dsimulation.runs=" + runs;
    String markdown = SimulationReport.markdown(summaries, command, minutes);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, markdown);
    System.out.println(markdown);
    System.out.printf("simulated in %.1f min, written to %s%n", minutes, out);
  }
}
