package dev.llmrollout.router.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.EvalGate;
import dev.llmrollout.variant.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName(
    "issue 10.4: the report records payload hashes; the gate needs a pass for that exact one")
class EvalReportGateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FLAG = "support-model";

  @TempDir Path dir;

  private final Map<String, JsonNode> served = new HashMap<>();

  private EvalGate gate(Path reports) {
    return new EvalReportGate(
        reports, (flag, variant) -> Optional.ofNullable(served.get(flag + "/" + variant)));
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private void writeReport(Path reports, String name, JsonNode candidatePayload, boolean passed)
      throws Exception {
    VariantOutcome pass =
        new VariantOutcome(
            true, List.of(), 1, List.of(), Optional.empty(), 5, 5, OptionalDouble.empty());
    VariantOutcome outcome =
        passed
            ? pass
            : new VariantOutcome(
                false,
                List.of("is a refusal"),
                1,
                List.of(),
                Optional.empty(),
                5,
                5,
                OptionalDouble.empty());
    EvalCase c =
        new EvalCase(
            "pay-1",
            "payment",
            List.of(new ChatMessage("user", "hi")),
            Map.of(),
            List.of(new CaseCheck.NotRefusal()),
            Optional.empty(),
            1);
    List<VariantOutcome.Pair> pairs = List.of(new VariantOutcome.Pair(c, pass, outcome));
    EvalReport report =
        new EvalReport(
            FLAG,
            new EvalReport.VariantInfo("stable", "m-1", "1.1.0", "aa"),
            new EvalReport.VariantInfo(
                "canary", "m-2", "1.2.0", PayloadHash.sha256(candidatePayload)),
            EvalPolicy.strict(),
            GateDecision.decide(pairs, EvalPolicy.strict()),
            pairs,
            "cases.jsonl",
            Instant.parse("2026-11-22T14:00:00Z"),
            Duration.ofSeconds(3));
    report.write(reports.resolve(name), JSON);
  }

  @Test
  @DisplayName("the hash ignores key order and whitespace but not a changed value")
  void canonicalHash() throws Exception {
    String a =
        PayloadHash.sha256(json("{\"model\": \"m\", \"parameters\": {\"t\": 0.2, \"k\": 1}}"));
    String b = PayloadHash.sha256(json("{\"parameters\":{\"k\":1,\"t\":0.2},\"model\":\"m\"}"));
    String c =
        PayloadHash.sha256(json("{\"model\": \"m\", \"parameters\": {\"t\": 0.3, \"k\": 1}}"));

    assertThat(a).isEqualTo(b).matches("[0-9a-f]{64}");
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  @DisplayName("a passing report for the exact payload opens the gate; an edited payload closes it")
  void exactPayloadOnly() throws Exception {
    Path reports = dir.resolve("reports");
    EvalGate gate = gate(reports);
    JsonNode canary = json("{\"model\": \"m-2\", \"version\": \"1.2.0\", \"endpoint\": \"c\"}");
    served.put(FLAG + "/canary", canary);

    assertThat(gate.check(FLAG, "canary").passed()).as("no report yet").isFalse();
    assertThat(gate.check(FLAG, "canary").detail()).contains("no report in");

    writeReport(reports, "run-1.json", canary, false);
    EvalGate.Verdict failed = gate.check(FLAG, "canary");
    assertThat(failed.passed()).isFalse();
    assertThat(failed.detail()).contains("run-1.json", "failed");

    writeReport(reports, "run-2.json", canary, true);
    EvalGate.Verdict passed = gate.check(FLAG, "canary");
    assertThat(passed.passed()).isTrue();
    assertThat(passed.payloadHash()).isEqualTo(PayloadHash.sha256(canary));
    assertThat(passed.detail()).contains("run-2.json", "strict mode");

    served.put(
        FLAG + "/canary",
        json("{\"model\": \"m-2\", \"version\": \"1.2.1\", \"endpoint\": \"c\"}"));
    assertThat(gate.check(FLAG, "canary").passed()).as("payload edited after the eval").isFalse();
    assertThat(gate.check("other-flag", "canary").passed()).isFalse();
  }

  @Test
  @DisplayName("the written report carries both payload hashes and the decision")
  void reportJson() throws Exception {
    Path reports = dir.resolve("reports");
    JsonNode canary = json("{\"model\": \"m-2\"}");
    writeReport(reports, "run.json", canary, false);

    JsonNode report = JSON.readTree(Files.readString(reports.resolve("run.json")));
    assertThat(report.path("passed").asBoolean(true)).isFalse();
    assertThat(report.at("/variants/candidate/payloadSha256").asText())
        .isEqualTo(PayloadHash.sha256(canary));
    assertThat(report.at("/variants/baseline/payloadSha256").asText()).isEqualTo("aa");
    assertThat(report.at("/decision/regressedCases/0").asText()).isEqualTo("pay-1");
    assertThat(report.at("/intents/payment/candidatePassRate").asDouble()).isZero();
    assertThat(report.at("/cases/0/candidate/failures/0").asText()).isEqualTo("is a refusal");
  }

  @Test
  @DisplayName("a variant the flag does not serve cannot pass")
  void unknownVariant() {
    EvalGate.Verdict verdict = gate(dir).check(FLAG, "missing");
    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.detail()).contains("serves no variant 'missing'");
  }

  @Test
  @DisplayName(
      "issue 17.1: a report with errored cases is refused, even one edited to say passed: true")
  void erroredCasesNeverOpenTheGate() throws Exception {
    Path reports = dir.resolve("reports");
    JsonNode canary = json("{\"model\": \"m-2\", \"version\": \"1.2.0\", \"endpoint\": \"c\"}");
    served.put(FLAG + "/canary", canary);
    writeReport(reports, "down.json", canary, true);
    ObjectNode report = (ObjectNode) JSON.readTree(reports.resolve("down.json").toFile());
    ((ObjectNode) report.at("/cases/0/candidate")).put("error", "CONNECT: connection refused");
    report.put("passed", true).put("outcome", "pass");
    JSON.writeValue(reports.resolve("down.json").toFile(), report);

    EvalGate.Verdict verdict = gate(reports).check(FLAG, "canary");

    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.detail()).contains("inconclusive (1 case(s) errored)");
  }
}
