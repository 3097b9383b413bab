package dev.llmrollout.guard.simulation;

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

  /**
   * Runs and writes the report.
   *
   * @param args the report's path, and optionally the number of runs per scenario (2000)
   */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/rollout-guard-simulation.md");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    long started = System.nanoTime();
    List<ScenarioSummary> summaries = new ArrayList<>();
    List<Scenario> scenarios = Scenarios.all();
    for (int i = 0; i < scenarios.size(); i++) {
      long scenarioStart = System.nanoTime();
      summaries.add(ScenarioSummary.simulate(scenarios.get(i), runs, 1_000_000L * (i + 1)));
      System.out.printf(
          "%s: %.1f s%n", scenarios.get(i).name(), (System.nanoTime() - scenarioStart) / 1e9);
    }
    double minutes = (System.nanoTime() - started) / 60e9;
    String markdown = SimulationReport.markdown(summaries, COMMAND, minutes);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, markdown);
    System.out.println(markdown);
    System.out.printf("simulated in %.1f min, written to %s%n", minutes, out);
  }
}
