package dev.llmrollout.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 16, point 2: the provider consults the serving override before the backend. */
class ServingOverrideTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StaticBackend backend = new StaticBackend();
  private final KillSwitchOverride killSwitch = new KillSwitchOverride();
  private OpenFeatureAPI api;
  private Client client;

  @BeforeEach
  void start() throws Exception {
    backend.define("support-model", "stable", JSON.readTree("{\"model\": \"m-stable\"}"));
    backend.define("support-model", "canary", JSON.readTree("{\"model\": \"m-canary\"}"));
    api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(LlmFeatureProvider.builder(backend).servingOverride(killSwitch).build());
    client = api.getClient();
  }

  @AfterEach
  void stop() {
    api.shutdown();
  }

  @Test
  void aForcedVariantIsServedToEveryoneUntilReleased() {
    assertThat(variantFor("canary-session")).isEqualTo("canary");

    killSwitch.force("support-model", "stable");
    FlagEvaluationDetails<Value> forced = details("canary-session");
    assertThat(forced.getVariant()).isEqualTo("stable");
    assertThat(forced.getErrorCode()).isNull();
    assertThat(forced.getFlagMetadata().getString("model")).isEqualTo("m-stable");

    killSwitch.release("support-model");
    assertThat(variantFor("canary-session")).isEqualTo("canary");
  }

  @Test
  void aForcedVariantTheFlagDoesNotDefineLeavesTheBackendToDecide() {
    killSwitch.force("support-model", "no-such-variant");

    assertThat(variantFor("canary-session")).isEqualTo("canary");
  }

  @Test
  void anOverrideOnOneFlagLeavesOtherFlagsAlone() throws Exception {
    backend.define("other-model", "stable", JSON.readTree("{\"model\": \"o-stable\"}"));
    backend.define("other-model", "canary", JSON.readTree("{\"model\": \"o-canary\"}"));
    killSwitch.force("support-model", "stable");

    assertThat(
            client
                .getObjectDetails("other-model", new Value(), new ImmutableContext("canary-1"))
                .getVariant())
        .isEqualTo("canary");
  }

  private String variantFor(String targetingKey) {
    return details(targetingKey).getVariant();
  }

  private FlagEvaluationDetails<Value> details(String targetingKey) {
    return client.getObjectDetails(
        "support-model", new Value(), new ImmutableContext(targetingKey));
  }
}
