package dev.llmrollout.router.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.VariantPayload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of one eval run, written as JSON: which payloads ran (by hash), the policy, the
 * decision, the pass rates per intent and overall, and every case's outcome on both variants. The
 * rollout guard's {@link EvalReportGate} reads these files.
 *
 * @param flagKey the model flag
 * @param baseline the baseline variant as it was run
 * @param candidate the candidate variant as it was run
 * @param policy how the gate decided
 * @param decision the verdict
 * @param pairs every case's outcomes
 * @param casesFile the regression set's file name
 * @param startedAt when the run began
 * @param took how long it took
 */
public record EvalReport(
    String flagKey,
    VariantInfo baseline,
    VariantInfo candidate,
    EvalPolicy policy,
    GateDecision decision,
    List<VariantOutcome.Pair> pairs,
    String casesFile,
    Instant startedAt,
    Duration took) {

  /** Report format version, for readers. */
  public static final int FORMAT = 1;

  public EvalReport {
    pairs = List.copyOf(pairs);
  }

  /**
   * A variant as it was run.
   *
   * @param name the variant's name in the flag
   * @param model the model id
   * @param version the model version, empty when none
   * @param payloadSha256 {@link PayloadHash} of the variant's payload
   */
  public record VariantInfo(String name, String model, String version, String payloadSha256) {
    /** The variant {@code name} serving {@code payload}; empty when it is not a model variant. */
    public static Optional<VariantInfo> of(String name, VariantPayload payload) {
      return payload
          .llm()
          .filter(v -> v.model().isPresent())
          .map(
              llm ->
                  new VariantInfo(
                      name,
                      llm.model().orElseThrow(),
                      llm.version().orElse(""),
                      PayloadHash.sha256(payload.raw())));
    }
  }

  /** The report as JSON. */
  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode root = json.createObjectNode();
    root.put("format", FORMAT);
    root.put("flag", flagKey);
    root.put("passed", decision.passed());
    root.put("outcome", decision.outcome().name().toLowerCase(Locale.ROOT));
    root.put("mode", policy.mode().name().toLowerCase(Locale.ROOT));
    root.put("casesFile", casesFile);
    root.put("startedAt", startedAt.toString());
    root.put("tookMs", took.toMillis());
    ObjectNode variants = root.putObject("variants");
    variants.set("baseline", json.valueToTree(baseline));
    variants.set("candidate", json.valueToTree(candidate));
    ObjectNode policyNode = root.putObject("policy");
    policyNode.put("alpha", policy.alpha());
    policyNode.put("exactBelow", policy.exactBelow());
    policyNode.put("intentMargin", policy.intentMargin());
    ObjectNode verdict = root.putObject("decision");
    decision.reasons().forEach(verdict.putArray("reasons")::add);
    decision.regressedCases().forEach(verdict.putArray("regressedCases")::add);
    decision.improvedCases().forEach(verdict.putArray("improvedCases")::add);
    decision.erroredCases().forEach(verdict.putArray("erroredCases")::add);
    verdict.set("mcnemar", json.valueToTree(decision.mcnemar()));
    ObjectNode intents = root.putObject("intents");
    decision.intents().forEach((intent, counts) -> intents.set(intent, rates(json, counts)));
    root.set("overall", rates(json, decision.overall()));
    ArrayNode cases = root.putArray("cases");
    for (VariantOutcome.Pair pair : pairs) {
      ObjectNode c = cases.addObject();
      c.put("id", pair.evalCase().id());
      c.put("intent", pair.evalCase().intent());
      c.put("line", pair.evalCase().line());
      c.set("baseline", outcome(json, pair.baseline()));
      c.set("candidate", outcome(json, pair.candidate()));
    }
    return root;
  }

  /** Writes the report to {@code file} as indented JSON. */
  public void write(Path file, ObjectMapper json) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson(json));
    } catch (IOException e) {
      throw new UncheckedIOException("eval report " + file + ": cannot be written", e);
    }
  }

  private static ObjectNode rates(ObjectMapper json, GateDecision.PassCounts counts) {
    ObjectNode node = json.createObjectNode();
    node.put("cases", counts.cases());
    node.put("baselinePassed", counts.baselinePassed());
    node.put("candidatePassed", counts.candidatePassed());
    node.put("baselinePassRate", counts.baselineRate());
    node.put("candidatePassRate", counts.candidateRate());
    return node;
  }

  private static ObjectNode outcome(ObjectMapper json, VariantOutcome outcome) {
    ObjectNode node = json.createObjectNode();
    node.put("passed", outcome.passed());
    outcome.failures().forEach(node.putArray("failures")::add);
    node.put("attempts", outcome.attempts());
    outcome.retriedErrors().forEach(node.putArray("retriedErrors")::add);
    outcome.error().ifPresent(e -> node.put("error", e));
    node.put("latencyMs", outcome.latencyMillis());
    node.put("outputTokens", outcome.outputTokens());
    outcome.judgeScore().ifPresent(s -> node.put("judgeScore", s));
    return node;
  }
}
