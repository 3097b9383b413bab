package dev.llmrollout.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, point 2: call attributes are cached per call shape; the cached ones must be exactly the
 * ones built for each call, whatever the shape, also past the cache's bound.
 */
class GenAiMetricsAttributesTest {
  private static final String[] FLAGS = {"support-model", "triage-model"};
  private static final String[] VARIANTS = {"stable", "canary", "safe"};
  private static final String[] RESPONSE_MODELS = {null, "", "gpt-x-2025", "claude-y"};
  private static final String[] ERRORS = {null, "TIMEOUT", "HTTP_STATUS"};

  @Test
  void cachedAttributesEqualFreshlyBuiltOnesForEveryShape() {
    GenAiMetrics metrics = new GenAiMetrics(OpenTelemetry.noop());
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      CallTags tags = randomTags(random, 8);
      String responseModel = RESPONSE_MODELS[random.nextInt(RESPONSE_MODELS.length)];
      String error = ERRORS[random.nextInt(ERRORS.length)];
      GenAiMetrics.CallAttributes cached = metrics.attributesOf(tags, responseModel, error);
      GenAiMetrics.CallAttributes fresh = expected(tags, responseModel, error);
      assertThat(cached).isEqualTo(fresh);
    }
  }

  @Test
  void pastTheBoundAttributesAreStillRight() {
    GenAiMetrics metrics = new GenAiMetrics(OpenTelemetry.noop());
    Random random = new Random(7);
    for (int i = 0; i < GenAiMetrics.MAX_CACHED_SHAPES + 500; i++) {
      CallTags tags = randomTags(random, 1);
      String responseModel = "model-" + i;
      assertThat(metrics.attributesOf(tags, responseModel, null))
          .isEqualTo(expected(tags, responseModel, null));
    }
  }

  private static CallTags randomTags(Random random, int models) {
    boolean prompt = random.nextBoolean();
    return new CallTags(
        FLAGS[random.nextInt(FLAGS.length)],
        VARIANTS[random.nextInt(VARIANTS.length)],
        "model-" + random.nextInt(models),
        prompt ? "support-prompt" : null,
        prompt ? VARIANTS[random.nextInt(VARIANTS.length)] : null,
        random.nextBoolean());
  }

  /**
   * The attributes as recordCall built them before the cache, spelled out attribute by attribute.
   */
  private static GenAiMetrics.CallAttributes expected(
      CallTags tags, String responseModel, String error) {
    var builder =
        Attributes.builder()
            .put(GenAiMetrics.OPERATION, "chat")
            .put(GenAiMetrics.REQUEST_MODEL, tags.model())
            .put(GenAiMetrics.FLAG_KEY, tags.flagKey())
            .put(GenAiMetrics.FLAG_VARIANT, tags.variant())
            .put(GenAiMetrics.TRAFFIC, tags.shadow() ? "shadow" : "primary");
    if (tags.promptFlag() != null) {
      builder
          .put(GenAiMetrics.PROMPT_FLAG_KEY, tags.promptFlag())
          .put(GenAiMetrics.PROMPT_FLAG_VARIANT, tags.promptVariant());
    }
    if (responseModel != null && !responseModel.isEmpty()) {
      builder.put(GenAiMetrics.RESPONSE_MODEL, responseModel);
    }
    if (error != null) {
      builder.put(GenAiMetrics.ERROR_TYPE, error);
    }
    Attributes call = builder.build();
    return new GenAiMetrics.CallAttributes(
        call,
        call.toBuilder().put(GenAiMetrics.TOKEN_TYPE, "input").build(),
        call.toBuilder().put(GenAiMetrics.TOKEN_TYPE, "output").build());
  }
}
