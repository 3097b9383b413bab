package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.SampleRatioCheck;
import dev.llmrollout.guard.StateTransition;

/** The JSON shapes of the guard's plans and audit records, for the admin API and the audit file. */
final class RolloutJson {
  private RolloutJson() {}

  static ObjectNode plan(ObjectMapper json, RolloutPlan plan) {
    ObjectNode node = json.createObjectNode();
    ArrayNode steps = node.putArray("steps");
    for (CanaryStep step : plan.steps()) {
      ObjectNode s = steps.addObject();
      s.put("percent", step.percent());
      s.put("minBake", step.minBake().toString());
      s.put("minSamplesPerArm", step.minSamplesPerArm());
      s.put("maxStepDuration", step.maxDuration().toString());
    }
    node.put("onStepTimeout", plan.onStepTimeout().name());
    plan.shadow()
        .ifPresent(
            shadow ->
                node.putObject("shadow")
                    .put("minDuration", shadow.minDuration().toString())
                    .put("minSamples", shadow.minSamples()));
    return node;
  }

  /** An audit record; steps are 1-based here, as people count them. */
  static ObjectNode record(ObjectMapper json, AuditRecord record) {
    ObjectNode node = json.createObjectNode();
    node.put("at", record.at().toString());
    node.put("flag", record.flagKey());
    node.put("decision", record.decision().name());
    node.put("state", record.state().name());
    node.put("step", record.step() + 1);
    node.put("reason", record.reason());
    node.put("actor", record.actor());
    record.transition().ifPresent(t -> node.set("transition", transition(json, t)));
    ArrayNode checks = node.putArray("ruleChecks");
    record.ruleChecks().forEach(check -> checks.add(ruleCheck(json, check)));
    record.sampleRatio().ifPresent(srm -> node.set("sampleRatio", sampleRatio(json, srm)));
    return node;
  }

  static ObjectNode transition(ObjectMapper json, StateTransition transition) {
    ObjectNode node = json.createObjectNode();
    node.put("from", transition.from().name());
    node.put("fromStep", transition.fromStep() + 1);
    node.put("to", transition.to().name());
    node.put("toStep", transition.toStep() + 1);
    node.put("text", transition.toString());
    return node;
  }

  private static ObjectNode ruleCheck(ObjectMapper json, RuleCheck check) {
    ObjectNode node = json.createObjectNode();
    node.put("rule", check.rule());
    node.put("segment", check.segment());
    node.put("stableValue", finite(check.stableValue()));
    node.put("canaryValue", finite(check.canaryValue()));
    node.put("effect", finite(check.effect()));
    node.put("lower", finite(check.lower()));
    node.put("upper", finite(check.upper()));
    node.put("pValue", finite(check.pValue()));
    node.put("alphaUsed", finite(check.alphaUsed()));
    node.put("stableSamples", check.stableSamples());
    node.put("canarySamples", check.canarySamples());
    node.put("tested", check.tested());
    node.put("failing", check.failing());
    node.put("broken", check.broken());
    return node;
  }

  private static ObjectNode sampleRatio(ObjectMapper json, SampleRatioCheck srm) {
    ObjectNode node = json.createObjectNode();
    node.putPOJO("observed", srm.observed());
    node.putPOJO("expectedPercent", srm.expectedPercent());
    node.put("chiSquare", finite(srm.chiSquare()));
    node.put("chiSquarePValue", finite(srm.chiSquarePValue()));
    node.put("sequentialPValue", finite(srm.sequentialPValue()));
    node.put("mismatch", srm.mismatch());
    return node;
  }

  /** JSON has no NaN or infinity; an undefined statistic is null. */
  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
