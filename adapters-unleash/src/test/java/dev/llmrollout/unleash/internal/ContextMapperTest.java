package dev.llmrollout.unleash.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.LayeredEvaluationContext;
import dev.openfeature.sdk.Value;
import io.getunleash.UnleashContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 6, point 1: the targeting key is Unleash's userId; attributes are fields or properties. */
class ContextMapperTest {

  @Test
  void targetingKeyIsUserIdAndKnownAttributesAreUnleashFields() {
    UnleashContext context =
        ContextMapper.toUnleash(
            new ImmutableContext(
                "user-42",
                Map.of(
                    "sessionId", new Value("s-1"),
                    "remoteAddress", new Value("10.0.0.1"),
                    "tier", new Value("gold"),
                    "seats", new Value(12),
                    "beta", new Value(true),
                    "tags", new Value(List.of(new Value("x"))))));

    assertThat(context.getUserId()).contains("user-42");
    assertThat(context.getSessionId()).contains("s-1");
    assertThat(context.getRemoteAddress()).contains("10.0.0.1");
    assertThat(context.getProperties())
        .containsEntry("tier", "gold")
        .containsEntry("seats", "12")
        .containsEntry("beta", "true")
        .doesNotContainKeys("tags", "targetingKey", "sessionId");
  }

  @Test
  void aUserIdAttributeIsUsedOnlyWithoutATargetingKey() {
    assertThat(
            ContextMapper.toUnleash(new ImmutableContext(Map.of("userId", new Value("u-7"))))
                .getUserId())
        .contains("u-7");
    assertThat(
            ContextMapper.toUnleash(new ImmutableContext("tk", Map.of("userId", new Value("u-7"))))
                .getUserId())
        .contains("tk");
  }

  /**
   * Issue 9, point 1: the mapping reads the context's read-only view instead of a copy. The layered
   * context the OpenFeature client hands the provider must map like one flat context holding the
   * merged attributes; random contexts with a fixed seed.
   */
  @Test
  void aLayeredContextMapsLikeTheFlatContextOfItsMergedAttributes() {
    List<String> names = List.of("sessionId", "userId", "environment", "appName", "tier", "seats");
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 1_000; i++) {
      List<Map<String, Value>> layers = new ArrayList<>();
      Map<String, Value> merged = new HashMap<>();
      for (int layer = 0; layer < 3; layer++) {
        Map<String, Value> attributes = new HashMap<>();
        for (int a = random.nextInt(3); a > 0; a--) {
          String name = names.get(random.nextInt(names.size()));
          attributes.put(
              name,
              name.equals("seats")
                  ? new Value(random.nextInt(50))
                  : new Value(name + "-" + random.nextInt(4)));
        }
        layers.add(attributes);
        merged.putAll(attributes);
      }
      String key = random.nextInt(4) == 0 ? null : "user-" + random.nextInt(100);
      EvaluationContext layered =
          new LayeredEvaluationContext(
              new ImmutableContext(layers.get(0)),
              new ImmutableContext(),
              new ImmutableContext(layers.get(1)),
              new ImmutableContext(key, layers.get(2)));
      UnleashContext fromLayered = ContextMapper.toUnleash(layered);
      UnleashContext fromFlat = ContextMapper.toUnleash(new ImmutableContext(key, merged));

      assertThat(fromLayered.getUserId()).as("context %d", i).isEqualTo(fromFlat.getUserId());
      assertThat(fromLayered.getSessionId()).isEqualTo(fromFlat.getSessionId());
      assertThat(fromLayered.getEnvironment()).isEqualTo(fromFlat.getEnvironment());
      assertThat(fromLayered.getAppName()).isEqualTo(fromFlat.getAppName());
      assertThat(fromLayered.getProperties()).isEqualTo(fromFlat.getProperties());
    }
  }
}
