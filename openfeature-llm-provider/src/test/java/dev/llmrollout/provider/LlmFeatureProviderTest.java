package dev.llmrollout.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 2, point 3: the OpenFeature face of the provider, through the real SDK. */
class LlmFeatureProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StaticBackend backend = new StaticBackend();
  private final List<FeedbackEvent> feedback = new CopyOnWriteArrayList<>();
  private LlmFeatureProvider provider;
  private OpenFeatureAPI api;
  private Client client;

  @BeforeEach
  void start() throws Exception {
    backend.define(
        "support-model",
        "stable",
        JSON.readTree(
            "{\"model\": \"m-stable\", \"version\": \"1.1.0\", \"endpoint\": \"stable-pool\","
                + " \"prompt\": {\"id\": \"support\", \"version\": \"7\"}}"));
    backend.define(
        "support-model",
        "canary",
        JSON.readTree(
            "{\"model\": \"m-canary\", \"version\": \"1.2.0\", \"endpoint\": \"canary-pool\"}"));
    backend.define("prompt-version", "stable", JSON.readTree("7"));
    backend.define("use-llm", "stable", JSON.readTree("true"));
    backend.define("temperature", "stable", JSON.readTree("0.2"));
    backend.define("greeting", "stable", JSON.readTree("\"hello\""));
    provider = LlmFeatureProvider.builder(backend).feedbackSink(feedback::add).build();
    api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(provider);
    client = api.getClient();
  }

  @AfterEach
  void stop() {
    api.shutdown();
  }

  /** Issue 9, point 1: the name is built once, and stays the backend's on every evaluation. */
  @Test
  void providerMetadataNamesTheBackendOnEveryEvaluation() {
    assertThat(provider.getMetadata().getName()).isEqualTo("llm-rollout:static");
    assertThat(provider.getMetadata()).isSameAs(provider.getMetadata());
    FlagEvaluationDetails<String> details =
        client.getStringDetails("greeting", "", new ImmutableContext("user-1"));
    assertThat(details.getValue()).isEqualTo("hello");
    assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
    assertThat(api.getProviderMetadata().getName()).isEqualTo("llm-rollout:static");
  }

  @Test
  void objectFlagsResolveToTheVariantStructureWithModelMetadata() {
    FlagEvaluationDetails<Value> details =
        client.getObjectDetails("support-model", new Value(), new ImmutableContext("canary-7"));

    assertThat(details.getValue().asStructure().getValue("model").asString()).isEqualTo("m-canary");
    assertThat(details.getVariant()).isEqualTo("canary");
    assertThat(details.getReason()).isEqualTo(Reason.SPLIT.name());
    assertThat(details.getFlagMetadata().getString("model")).isEqualTo("m-canary");
    assertThat(details.getFlagMetadata().getString("modelVersion")).isEqualTo("1.2.0");
    assertThat(details.getFlagMetadata().getString("endpoint")).isEqualTo("canary-pool");
    assertThat(details.getFlagMetadata().getString("version")).isEqualTo("v1");
  }

  @Test
  void promptIdAndVersionAreInTheMetadata() {
    FlagEvaluationDetails<Value> details =
        client.getObjectDetails("support-model", new Value(), new ImmutableContext("user-1"));
    assertThat(details.getFlagMetadata().getString("promptId")).isEqualTo("support");
    assertThat(details.getFlagMetadata().getString("promptVersion")).isEqualTo("7");
  }

  @Test
  void stringFlagsGiveTheVariantNameOrTheirText() {
    assertThat(client.getStringValue("support-model", "x", new ImmutableContext("canary-1")))
        .isEqualTo("canary");
    assertThat(client.getStringValue("greeting", "x", new ImmutableContext("u")))
        .isEqualTo("hello");
  }

  @Test
  void booleanIntegerAndDoubleFlagsGiveTheirPlainValues() {
    ImmutableContext ctx = new ImmutableContext("user-1");
    assertThat(client.getBooleanValue("use-llm", false, ctx)).isTrue();
    assertThat(client.getIntegerValue("prompt-version", 0, ctx)).isEqualTo(7);
    assertThat(client.getDoubleValue("temperature", 1.0, ctx)).isEqualTo(0.2);
  }

  @Test
  void aValueOfTheWrongTypeIsATypeMismatchWithTheCallersDefault() {
    FlagEvaluationDetails<Boolean> details =
        client.getBooleanDetails("support-model", false, new ImmutableContext("user-1"));
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(details.getErrorMessage()).contains("support-model", "an object", "a boolean");
    assertThat(details.getValue()).isFalse();
  }

  @Test
  void backendEventsBecomeProviderEvents() {
    List<EventDetails> changed = new CopyOnWriteArrayList<>();
    List<EventDetails> stale = new CopyOnWriteArrayList<>();
    List<EventDetails> errors = new CopyOnWriteArrayList<>();
    api.onProviderConfigurationChanged(changed::add);
    api.onProviderStale(stale::add);
    api.onProviderError(errors::add);

    backend.listener.onFlagsChanged(Set.of("support-model"));
    await().until(() -> !changed.isEmpty());
    assertThat(changed.get(0).getFlagsChanged()).containsExactly("support-model");

    backend.listener.onStale("lost the connection");
    await().until(() -> !stale.isEmpty());
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.STALE);
    assertThat(
            provider
                .getObjectEvaluation("support-model", new Value(), new ImmutableContext("u"))
                .getReason())
        .isEqualTo("STALE");

    backend.listener.onReady();
    await().until(() -> api.getClient().getProviderState() == ProviderState.READY);
    assertThat(
            provider
                .getObjectEvaluation("support-model", new Value(), new ImmutableContext("u"))
                .getReason())
        .isEqualTo(Reason.SPLIT.name());

    backend.listener.onError("rejected a malformed update", ErrorCode.PARSE_ERROR);
    await().until(() -> !errors.isEmpty());
    assertThat(errors.get(0).getEventMetadata().getString("errorCode")).isEqualTo("PARSE_ERROR");
    assertThat(errors.get(0).getMessage()).contains("malformed");
  }

  @Test
  void trackRecordsFeedbackAgainstTheVariantThatKeyWasServed() {
    client.getObjectValue("support-model", new Value(), new ImmutableContext("canary-42"));
    client.getObjectValue("support-model", new Value(), new ImmutableContext("user-42"));

    client.track(
        "thumbs_down", new ImmutableContext("canary-42"), new MutableTrackingEventDetails(1));
    client.track(
        "task_completed",
        new ImmutableContext("user-42"),
        new MutableTrackingEventDetails().add("flag", "support-model"));

    assertThat(feedback).hasSize(2);
    assertThat(feedback.get(0).variant()).isEqualTo("canary");
    assertThat(feedback.get(0).name()).isEqualTo("thumbs_down");
    assertThat(feedback.get(0).value()).hasValue(1.0);
    assertThat(feedback.get(1).variant()).isEqualTo("stable");
    assertThat(feedback.get(1).flagKey()).isEqualTo("support-model");
  }

  @Test
  void feedbackFromAKeyThatWasNeverServedIsCountedAsUnattributed() {
    client.track(
        "thumbs_down", new ImmutableContext("stranger"), new MutableTrackingEventDetails(1));
    assertThat(feedback).isEmpty();
    assertThat(provider.unattributedFeedback()).isEqualTo(1);
  }
}
