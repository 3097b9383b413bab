package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A deployment strategy: predefined ({@code AppConfig.*}) or created through the API. */
record FakeStrategy(
    String id,
    String name,
    int durationMinutes,
    float growthFactor,
    String growthType,
    int bakeMinutes) {

  ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("Id", id)
        .put("Name", name)
        .put("DeploymentDurationInMinutes", durationMinutes)
        .put("GrowthType", growthType)
        .put("GrowthFactor", growthFactor)
        .put("FinalBakeTimeInMinutes", bakeMinutes)
        .put("ReplicateTo", "NONE");
  }
}
