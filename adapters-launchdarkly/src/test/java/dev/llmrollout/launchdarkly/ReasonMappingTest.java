package dev.llmrollout.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.launchdarkly.fake.FakeFlag;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.Resolution;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, point 1: LaunchDarkly's reasons and errors as OpenFeature's, for the cases the targeting
 * tests do not reach: a failed prerequisite, a flag LaunchDarkly finds malformed, a client that has
 * not started, a context that cannot be mapped.
 */
class ReasonMappingTest {
  private LocalLaunchDarklyHarness harness;
  private LaunchDarklyBackend backend;

  @BeforeEach
  void open() throws Exception {
    harness = new LocalLaunchDarklyHarness();
  }

  @AfterEach
  void close() throws Exception {
    if (backend != null) {
      backend.close();
    }
    harness.close();
  }

  @Test
  void aFailedPrerequisiteServesTheOffVariationAsDisabled() {
    FakeFlag gate = flag("gate", Map.of("stable", 100_000));
    ObjectNode gateOff = gate.targeting().put("on", false);
    harness.server.publish(gate.withTargeting(gateOff));
    FakeFlag model = flag("support-model", Map.of("canary", 100_000));
    ObjectNode targeting = model.targeting();
    targeting.putArray("prerequisites").addObject().put("key", "gate").put("variation", 1);
    harness.server.publish(model.withTargeting(targeting));

    Resolution resolution = start().resolve("support-model", new ImmutableContext("u1"));

    assertThat(resolution.reason()).isEqualTo("DISABLED");
    assertThat(resolution.variant().name()).isEqualTo("stable");
  }

  @Test
  void aFlagLaunchDarklyFindsMalformedIsAParseError() {
    FakeFlag flag = flag("support-model", Map.of("stable", 100_000));
    ObjectNode targeting = flag.targeting();
    targeting.putObject("fallthrough").put("variation", 7);
    harness.server.publish(flag.withTargeting(targeting));

    Resolution resolution = start().resolve("support-model", new ImmutableContext("u1"));

    assertThat(resolution.errorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    assertThat(resolution.errorMessage()).contains("support-model", "malformed");
  }

  @Test
  void beforeStartEveryFlagIsProviderNotReady() {
    backend = harness.newBackend();
    Resolution resolution = backend.resolve("support-model", new ImmutableContext("u1"));
    assertThat(resolution.errorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY);
  }

  @Test
  void aContextThatCannotBeMappedIsInvalidContextNamingTheAttribute() {
    harness.publish(FlagSpec.canarySplit("support-model", 50));
    Resolution resolution =
        start()
            .resolve(
                "support-model",
                new ImmutableContext(
                    Map.of(
                        "kind", new Value("multi"),
                        "organization", new Value(new ImmutableStructure(Map.of())))));
    assertThat(resolution.errorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
    assertThat(resolution.errorMessage()).contains("support-model", "organization");
  }

  private LaunchDarklyBackend start() {
    backend = harness.newBackend();
    backend.start(new BackendListener() {}, Duration.ofSeconds(5));
    return backend;
  }

  private static FakeFlag flag(String key, Map<String, Integer> weights) {
    Map<String, JsonNode> variants = new LinkedHashMap<>();
    variants.put("stable", FlagSpec.payload("model-stable", "1.1.0", "stable-pool"));
    variants.put("canary", FlagSpec.payload("model-canary", "1.2.0", "canary-pool"));
    return FakeFlag.rollout(key, variants, "stable", weights);
  }
}
