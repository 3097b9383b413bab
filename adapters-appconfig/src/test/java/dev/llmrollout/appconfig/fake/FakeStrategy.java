package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A deployment strategy: predefined ({@code AppConfig.*}) or created through the API. */
record FakeStrategy(
    String id,
    String name,
    int durationMinutes,
    float growthFactor,
    String growthType,
    int bakeMinutes) {

  /**
   * The share of targets that have the new version {@code elapsed} after deploying began. The
   * service model's GrowthType text: LINEAR deploys to G % of the targets, then the next G %, until
   * 100 %; EXPONENTIAL to G*(2^N) % at step N (2 %, 4 %, 8 %, ... for G = 2). The steps are spread
   * evenly over the deployment's duration, the first at its start (AppConfig.Linear50PercentEvery30
   * Seconds: 50 % for 30 s, then 100 %, over its 1-minute duration); AWS does not document the step
   * timing more precisely than that.
   */
  double percentageAt(Duration elapsed) {
    List<Double> steps = steps();
    if (durationMinutes == 0) {
      return 100;
    }
    long interval = Duration.ofMinutes(durationMinutes).toMillis() / steps.size();
    int step = (int) Math.min(steps.size() - 1, elapsed.toMillis() / interval);
    return steps.get(step);
  }

  private List<Double> steps() {
    List<Double> steps = new ArrayList<>();
    boolean exponential = "EXPONENTIAL".equals(growthType);
    for (int n = 0; steps.isEmpty() || steps.get(steps.size() - 1) < 100; n++) {
      double share = exponential ? growthFactor * Math.pow(2, n) : growthFactor * (n + 1.0);
      steps.add(Math.min(100, share));
    }
    return steps;
  }

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
