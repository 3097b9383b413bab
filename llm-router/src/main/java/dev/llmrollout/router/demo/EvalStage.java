package dev.llmrollout.router.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.router.RetryPolicy;
import dev.llmrollout.router.eval.EvalCase;
import dev.llmrollout.router.eval.EvalCaseReader;
import dev.llmrollout.router.eval.EvalPolicy;
import dev.llmrollout.router.eval.EvalReport;
import dev.llmrollout.router.eval.EvalReportGate;
import dev.llmrollout.router.eval.EvalRunner;
import dev.llmrollout.router.eval.GateDecision;
import dev.llmrollout.router.eval.VariantOutcome;
import dev.llmrollout.router.gateway.RouterStack;
import dev.llmrollout.spi.VariantPayload;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The pipeline's first stage in the shadow demos: the offline eval runs stable and the candidate
 * over the demo's regression set and writes its report where the guard's eval gate looks, which
 * refuses to start a major version's rollout without a passing report for the payload it serves.
 */
final class EvalStage {
  private static final String CASES = "/demo/eval-cases.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EvalReport report;
  private final Path reports;

  private EvalStage(EvalReport report, Path reports) {
    this.report = report;
    this.reports = reports;
  }

  /** Runs the set through {@code stack}'s router and writes the report under {@code dir}. */
  static EvalStage run(RouterStack stack, Path dir) throws IOException, InterruptedException {
    Path cases = dir.resolve("eval-cases.jsonl");
    try (InputStream in = EvalStage.class.getResourceAsStream(CASES)) {
      if (in == null) {
        throw new IOException("the demo's regression set " + CASES + " is missing from the jar");
      }
      Files.copy(in, cases);
    }
    List<EvalCase> set = new EvalCaseReader().read(cases);
    EvalRunner runner =
        new EvalRunner(
            stack.router(), DemoTraffic.FLAG, RetryPolicy.ofDefaults(), 4, Optional.empty());
    Instant started = Instant.now();
    List<VariantOutcome.Pair> pairs =
        runner.run(set, "stable", "canary", (done, all, retries) -> {});
    EvalPolicy policy = EvalPolicy.strict();
    EvalReport report =
        new EvalReport(
            DemoTraffic.FLAG,
            variant(stack, "stable"),
            variant(stack, "canary"),
            policy,
            GateDecision.decide(pairs, policy),
            pairs,
            cases.getFileName().toString(),
            started,
            Duration.between(started, Instant.now()));
    Path reports = dir.resolve("eval-reports");
    report.write(reports.resolve(DemoTraffic.FLAG + ".canary.json"), JSON);
    return new EvalStage(report, reports);
  }

  /** The gate the guard starts the rollout through: it reads the report this stage wrote. */
  EvalReportGate gate(RouterStack stack) {
    return new EvalReportGate(
        reports, (flag, variant) -> stack.payload(flag, variant).map(VariantPayload::raw));
  }

  void print(PrintWriter out, String candidateVersion) {
    GateDecision.PassCounts overall = report.decision().overall();
    out.printf(
        Locale.ROOT,
        "Offline eval (%s mode, %d cases; the set has no payment question with order data pasted"
            + " inline): %s%n  v1.1.0 passed %d, v%s passed %d; report for the candidate's payload"
            + " (sha256 %s...) written where the guard's eval gate reads%n",
        report.policy().mode().name().toLowerCase(Locale.ROOT),
        overall.cases(),
        report.decision().outcome(),
        overall.baselinePassed(),
        candidateVersion,
        overall.candidatePassed(),
        report.candidate().payloadSha256().substring(0, 12));
  }

  /** For {@code demo --json}. */
  void addTo(ObjectNode node) {
    node.put("evalOutcome", report.decision().outcome().name());
    node.put("evalCases", report.decision().overall().cases());
  }

  private static EvalReport.VariantInfo variant(RouterStack stack, String name) {
    return EvalReport.VariantInfo.of(name, stack.payload(DemoTraffic.FLAG, name).orElseThrow())
        .orElseThrow();
  }
}
