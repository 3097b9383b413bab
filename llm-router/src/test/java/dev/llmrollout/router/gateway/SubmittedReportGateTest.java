package dev.llmrollout.router.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.EvalGate;
import dev.llmrollout.router.eval.PayloadHash;
import dev.llmrollout.spi.VariantPayload;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the gateway's eval gate: the report sent inline must have run the exact payload")
class SubmittedReportGateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FLAG = "support-model";

  private final Map<String, VariantPayload> served = new HashMap<>();
  private final SubmittedReportGate gate =
      new SubmittedReportGate((flag, variant) -> Optional.ofNullable(served.get(variant)));

  private void serve(String model) throws Exception {
    served.put(
        "canary",
        VariantPayload.parse(
            FLAG,
            "canary",
            JSON.readTree(
                "{\"model\": \"" + model + "\", \"version\": \"1.2.0\", \"endpoint\": \"pool\"}"),
            "1"));
  }

  private static JsonNode report(String flag, String payloadHash, boolean passed) {
    ObjectNode report = JSON.createObjectNode();
    report.put("flag", flag).put("passed", passed).put("mode", "strict");
    report.put("startedAt", "2026-11-22T14:00:00Z");
    report.putObject("variants").putObject("candidate").put("payloadSha256", payloadHash);
    return report;
  }

  private String hash() {
    return PayloadHash.sha256(served.get("canary").raw());
  }

  @Test
  void passesOnlyAPassingReportOfTheExactPayload() throws Exception {
    serve("m-2");
    gate.submit(FLAG, Optional.of(report(FLAG, hash(), true)));
    EvalGate.Verdict verdict = gate.check(FLAG, "canary");
    assertThat(verdict.passed()).isTrue();
    assertThat(verdict.payloadHash()).isEqualTo(hash());
    assertThat(verdict.detail()).contains("the submitted evalReport", "passed for this payload");
  }

  @Test
  void refusesWithoutAReportAFailedOneOrAnotherPayload() throws Exception {
    serve("m-2");
    gate.submit(FLAG, Optional.empty());
    assertThat(gate.check(FLAG, "canary").detail()).contains("the request has no evalReport");

    gate.submit(FLAG, Optional.of(report(FLAG, hash(), false)));
    EvalGate.Verdict failed = gate.check(FLAG, "canary");
    assertThat(failed.passed()).isFalse();
    assertThat(failed.detail()).contains("ran this payload and failed");

    String evaluated = hash();
    gate.submit(FLAG, Optional.of(report(FLAG, evaluated, true)));
    serve("m-3");
    EvalGate.Verdict changed = gate.check(FLAG, "canary");
    assertThat(changed.passed()).isFalse();
    assertThat(changed.detail())
        .contains("payload sha256 " + evaluated, "expected flag 'support-model'", hash());

    gate.submit(FLAG, Optional.of(report("other-flag", hash(), true)));
    assertThat(gate.check(FLAG, "canary").passed()).isFalse();
    assertThat(gate.check(FLAG, "missing").detail()).contains("serves no variant 'missing'");
  }
}
