package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.router.ModelRouterBuilder;
import dev.llmrollout.router.RetryPolicy;
import dev.llmrollout.router.eval.EvalCase;
import dev.llmrollout.router.eval.EvalCaseReader;
import dev.llmrollout.router.eval.EvalInputException;
import dev.llmrollout.router.eval.EvalPolicy;
import dev.llmrollout.router.eval.EvalReport;
import dev.llmrollout.router.eval.EvalRunner;
import dev.llmrollout.router.eval.GateDecision;
import dev.llmrollout.router.eval.ProgressLine;
import dev.llmrollout.router.eval.ReportTable;
import dev.llmrollout.router.eval.VariantOutcome;
import dev.llmrollout.router.gateway.ConfigCheck;
import dev.llmrollout.router.gateway.ConfigProblems;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm-router eval}: the offline eval gate. Runs a regression set through the baseline and
 * the candidate variant of a model flag with the real router and endpoints, compares them case by
 * case, writes a JSON report and prints a table. Exit codes: 0 pass, 1 regression, 2 bad input or
 * configuration (found before any model call), 3 inconclusive (cases errored).
 */
@Command(
    name = "eval",
    description =
        "Run a regression set against a baseline and a candidate variant and block the rollout"
            + " when the candidate regresses. Exit codes: 0 pass (every case evaluated), 1"
            + " regression, 2 bad input or configuration (before any call), 3 inconclusive (cases"
            + " errored: the report does not open the rollout gate).",
    mixinStandardHelpOptions = true)
final class EvalCommand implements Callable<Integer> {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Mixin OperatorVerb.BackendMixin backendMixin;

  @Option(names = "--flag", required = true, description = "The model flag.")
  String flag;

  @Option(names = "--baseline", required = true, description = "The stable variant's name.")
  String baseline;

  @Option(names = "--candidate", required = true, description = "The candidate variant's name.")
  String candidate;

  @Option(
      names = "--cases",
      required = true,
      paramLabel = "FILE",
      description = "The regression set (JSON lines).")
  Path cases;

  @Mixin EndpointsFileMixin endpoints;

  @Option(
      names = "--mode",
      defaultValue = "strict",
      description = "strict (default): no case may be lost; net: no significant loss (McNemar).")
  String mode;

  @Option(names = "--concurrency", defaultValue = "4", description = "Calls in flight (default 4).")
  int concurrency;

  @Option(
      names = "--alpha",
      defaultValue = "0.05",
      description = "Significance level of McNemar's test in net mode (default 0.05).")
  double alpha;

  @Option(
      names = "--exact-below",
      defaultValue = "25",
      description = "Exact binomial test below this many discordant cases (default 25).")
  int exactBelow;

  @Option(
      names = "--intent-margin",
      defaultValue = "0.10",
      description = "Fail when an intent's pass rate drops by more than this (default 0.10).")
  double intentMargin;

  @Option(
      names = "--attempts",
      defaultValue = "3",
      description = "Attempts per call for transient errors, retries reported (default 3).")
  int attempts;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "Where to write the JSON report (default: the system temp directory,"
              + " llm-router-eval/FLAG.CANDIDATE.TIME.json; the path is printed).")
  Path report;

  @Option(names = "--json", description = "Print the report's JSON instead of the table.")
  boolean json;

  @Option(names = "--judge-endpoint", description = "Endpoint of the judge for judge checks.")
  String judgeEndpoint;

  @Option(names = "--judge-model", description = "Model id of the judge for judge checks.")
  String judgeModel;

  @Override
  public Integer call() throws Exception {
    EvalPolicy policy = new EvalPolicy(mode(), alpha, exactBelow, intentMargin);
    if (attempts < 1) {
      throw new EvalInputException(0, "--attempts", "expected at least 1, found " + attempts);
    }
    if ((judgeEndpoint == null) != (judgeModel == null)) {
      throw new EvalInputException(
          0, "--judge-endpoint", "expected both --judge-endpoint and --judge-model, or neither");
    }
    List<EvalCase> regressionSet = new EvalCaseReader().read(cases);
    List<ConfigCheck.Problem> problems = endpoints.problems();
    if (!problems.isEmpty()) {
      throw new ConfigProblems(problems);
    }
    EndpointRegistry registry = EndpointRegistry.load(endpoints.file);
    LlmFeatureProvider provider =
        LlmFeatureProvider.builder(backendMixin.options.open().flags()).build();
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    try {
      setProvider(api, provider);
      EvalReport.VariantInfo base = variant(provider, "--baseline", baseline);
      EvalReport.VariantInfo cand = variant(provider, "--candidate", candidate);
      ModelRouterBuilder builder =
          ModelRouter.builder(api.getClient(), provider, registry)
              .retry(RetryPolicy.none())
              .shadowSink(pair -> {});
      if (judgeEndpoint != null) {
        builder.judgeWithEndpoint(judgeEndpoint, judgeModel);
      }
      try (ModelRouter router = builder.build()) {
        EvalRunner runner =
            new EvalRunner(
                router,
                flag,
                RetryPolicy.of(attempts, Duration.ofMillis(200), Duration.ofSeconds(5)),
                concurrency,
                router.judge());
        return run(runner, regressionSet, policy, base, cand);
      }
    } finally {
      api.shutdown();
    }
  }

  private int run(
      EvalRunner runner,
      List<EvalCase> regressionSet,
      EvalPolicy policy,
      EvalReport.VariantInfo base,
      EvalReport.VariantInfo cand)
      throws InterruptedException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path file = report != null ? report : defaultReport(Instant.now());
    writable(file);
    Instant started = Instant.now();
    ProgressLine progress = new ProgressLine(spec.commandLine().getErr());
    List<VariantOutcome.Pair> pairs = runner.run(regressionSet, baseline, candidate, progress);
    progress.finish();
    GateDecision decision = GateDecision.decide(pairs, policy);
    EvalReport result =
        new EvalReport(
            flag,
            base,
            cand,
            policy,
            decision,
            pairs,
            cases.getFileName().toString(),
            started,
            Duration.between(started, Instant.now()));
    ObjectMapper mapper = new ObjectMapper();
    result.write(file, mapper);
    if (json) {
      out.println(
          mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result.toJson(mapper)));
    } else {
      ReportTable.print(result, out);
      out.println("report: " + file);
    }
    out.flush();
    return switch (decision.outcome()) {
      case PASS -> ExitCodes.OK;
      case REGRESSION -> ExitCodes.FAILED;
      case INCONCLUSIVE -> ExitCodes.INCONCLUSIVE;
    };
  }

  /** An unwritable report path is found before the first model call, not after the last. */
  private static void writable(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      if (!Files.isWritable(parent) || (Files.exists(file) && !Files.isWritable(file))) {
        throw new IOException("not writable");
      }
    } catch (IOException e) {
      throw new EvalInputException(
          0, "--report", "a file the eval can write, found " + file + " (" + e.getMessage() + ")");
    }
  }

  private Path defaultReport(Instant at) {
    return Path.of(
        System.getProperty("java.io.tmpdir"),
        "llm-router-eval",
        flag + "." + candidate + "." + STAMP.format(at) + ".json");
  }

  /** A flags source that cannot be loaded is a configuration problem, found before any call. */
  private static void setProvider(OpenFeatureAPI api, LlmFeatureProvider provider) {
    try {
      api.setProviderAndWait(provider);
    } catch (OpenFeatureError e) {
      throw new IllegalArgumentException(
          "the flags could not be loaded: " + CliFailure.describe(e), e);
    }
  }

  private EvalPolicy.Mode mode() {
    return switch (mode) {
      case "strict" -> EvalPolicy.Mode.STRICT;
      case "net" -> EvalPolicy.Mode.NET;
      default -> throw new EvalInputException(0, "--mode", "expected strict or net, found " + mode);
    };
  }

  private EvalReport.VariantInfo variant(LlmFeatureProvider provider, String option, String name) {
    VariantPayload payload =
        provider
            .variant(flag, name)
            .orElseThrow(
                () ->
                    new EvalInputException(
                        0, option, "flag '" + flag + "' has no variant '" + name + "'"));
    return EvalReport.VariantInfo.of(name, payload)
        .orElseThrow(
            () ->
                new EvalInputException(
                    0,
                    option,
                    "flag '" + flag + "' variant '" + name + "' is not a model variant"));
  }
}
