package dev.llmrollout.guard.simulation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The full simulation: 1,000 runs per scenario, results written as Markdown. Run it with the {@code
 * simulation} profile (see docs/rollout-guard.md).
 */
public final class GuardSimulationMain {
  static final String COMMAND = "./mvnw -B -pl rollout-guard -am test -Psimulation -DskipTests";

  private GuardSimulationMain() {}

  /**
   * Runs and writes the report.
   *
   * @param args the report's path, and optionally the number of runs per scenario (1000)
   */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/rollout-guard-simulation.md");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    long started = System.nanoTime();
    SimulationResults results = SimulationResults.simulate(runs);
    String markdown = results.toMarkdown(COMMAND);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, markdown);
    System.out.println(markdown);
    System.out.printf(
        "simulated in %.1f s, written to %s%n", (System.nanoTime() - started) / 1e9, out);
  }
}
