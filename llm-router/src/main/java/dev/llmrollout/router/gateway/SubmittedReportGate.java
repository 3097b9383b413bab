package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.guard.EvalGate;
import dev.llmrollout.router.eval.EvalReportGate;
import dev.llmrollout.router.eval.PayloadHash;
import dev.llmrollout.spi.VariantPayload;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The gateway's {@link EvalGate}: the eval report travels inline with the request that starts a
 * rollout (the gateway never reads a client's paths), and passes only when it ran the exact payload
 * the candidate serves now. The report of a flag's latest start request is kept so that a shadow
 * phase can still be gated when it ends.
 */
final class SubmittedReportGate implements EvalGate {
  private final Map<String, JsonNode> reports = new ConcurrentHashMap<>();
  private final BiFunction<String, String, Optional<VariantPayload>> payloads;

  SubmittedReportGate(BiFunction<String, String, Optional<VariantPayload>> payloads) {
    this.payloads = payloads;
  }

  /** Keeps {@code report} (or none) as the one submitted with {@code flagKey}'s latest start. */
  void submit(String flagKey, Optional<JsonNode> report) {
    report.ifPresentOrElse(r -> reports.put(flagKey, r), () -> reports.remove(flagKey));
  }

  @Override
  public Verdict check(String flagKey, String variant) {
    Optional<VariantPayload> payload = payloads.apply(flagKey, variant);
    if (payload.isEmpty()) {
      return new Verdict(
          false, "", "flag '" + flagKey + "' serves no variant '" + variant + "' to hash");
    }
    String hash = PayloadHash.sha256(payload.get().raw());
    JsonNode report = reports.get(flagKey);
    if (report == null) {
      return new Verdict(
          false,
          hash,
          "the request has no evalReport; expected the JSON report of llm-router eval for this"
              + " payload");
    }
    return EvalReportGate.judge(report, flagKey, hash, "the submitted evalReport")
        .orElseGet(
            () ->
                new Verdict(
                    false,
                    hash,
                    "evalReport ran flag '"
                        + report.path("flag").asText()
                        + "' with candidate payload sha256 "
                        + report.at("/variants/candidate/payloadSha256").asText("(none)")
                        + ", expected flag '"
                        + flagKey
                        + "' with payload sha256 "
                        + hash
                        + " (did the variant change since the eval ran?)"));
  }
}
