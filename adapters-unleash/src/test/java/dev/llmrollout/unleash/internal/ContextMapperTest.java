package dev.llmrollout.unleash.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import io.getunleash.UnleashContext;
import java.util.List;
import java.util.Map;
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
}
