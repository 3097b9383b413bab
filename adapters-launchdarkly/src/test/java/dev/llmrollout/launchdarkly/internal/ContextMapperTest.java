package dev.llmrollout.launchdarkly.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.launchdarkly.sdk.AttributeRef;
import com.launchdarkly.sdk.ContextKind;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.LDValue;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 7, point 1: OpenFeature contexts become LaunchDarkly contexts. */
class ContextMapperTest {

  @Test
  void targetingKeyIsTheKeyAndOtherAttributesAreCustom() {
    LDContext context =
        ContextMapper.toLaunchDarkly(
                new ImmutableContext(
                    "session-1",
                    Map.of(
                        "tier", new Value("gold"),
                        "seats", new Value(12),
                        "name", new Value("Ada"),
                        "anonymous", new Value(true),
                        "since", new Value(Instant.parse("2026-01-02T03:04:05Z")),
                        "privateAttributes", new Value(List.of(new Value("tier"))))))
            .orElseThrow();
    assertThat(context.getKind()).isEqualTo(ContextKind.DEFAULT);
    assertThat(context.getKey()).isEqualTo("session-1");
    assertThat(context.getValue("tier")).isEqualTo(LDValue.of("gold"));
    assertThat(context.getValue("seats")).isEqualTo(LDValue.of(12));
    assertThat(context.getValue("since")).isEqualTo(LDValue.of("2026-01-02T03:04:05Z"));
    assertThat(context.getName()).isEqualTo("Ada");
    assertThat(context.isAnonymous()).isTrue();
    assertThat(context.getPrivateAttribute(0)).isEqualTo(AttributeRef.fromLiteral("tier"));
  }

  @Test
  void kindAttributeSelectsTheContextKind() {
    LDContext context =
        ContextMapper.toLaunchDarkly(
                new ImmutableContext("acme", Map.of("kind", new Value("organization"))))
            .orElseThrow();
    assertThat(context.getKind()).isEqualTo(ContextKind.of("organization"));
    assertThat(context.getValue("kind")).isEqualTo(LDValue.of("organization"));
  }

  @Test
  void multiBuildsOneContextPerStructure() {
    LDContext context =
        ContextMapper.toLaunchDarkly(
                new ImmutableContext(
                    Map.of(
                        "kind", new Value("multi"),
                        "user",
                            new Value(
                                new ImmutableStructure(
                                    Map.of("key", new Value("u1"), "region", new Value("eu")))),
                        "organization",
                            new Value(
                                new ImmutableStructure(
                                    Map.of("targetingKey", new Value("acme")))))))
            .orElseThrow();
    assertThat(context.isMultiple()).isTrue();
    assertThat(context.getIndividualContext("user").getValue("region")).isEqualTo(LDValue.of("eu"));
    assertThat(context.getIndividualContext("organization").getKey()).isEqualTo("acme");
  }

  @Test
  void noKeyMeansNoContextAndAMultiPartWithoutKeyIsNamed() {
    assertThat(ContextMapper.toLaunchDarkly(new ImmutableContext())).isEmpty();
    assertThatThrownBy(
            () ->
                ContextMapper.toLaunchDarkly(
                    new ImmutableContext(
                        Map.of(
                            "kind",
                            new Value("multi"),
                            "organization",
                            new Value(new ImmutableStructure(Map.of()))))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("organization");
  }

  @Test
  void anInvalidKindIsRejectedNamingIt() {
    assertThatThrownBy(
            () ->
                ContextMapper.toLaunchDarkly(
                    new ImmutableContext("k", Map.of("kind", new Value("kind")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'kind'");
  }
}
