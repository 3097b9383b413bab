package dev.llmrollout.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.ChangeHistory;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.RolloutControl;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every part of the contract kit shares: one harness per test, providers started through the
 * real OpenFeature SDK, and the provider events they emitted.
 */
abstract class ContractFixture {
  protected static final String FLAG = "support-model";
  protected static final Value NO_VALUE = new Value("caller-default");

  /** A provider event as a handler received it. */
  protected record SeenEvent(ProviderEvent event, String message, List<String> flagsChanged) {}

  protected BackendHarness harness;
  protected final List<SeenEvent> events = new CopyOnWriteArrayList<>();
  private final List<OpenFeatureAPI> apis = new ArrayList<>();

  /** A fresh harness over an empty source, for one test. */
  protected abstract BackendHarness createHarness() throws Exception;

  @BeforeEach
  void openHarness() throws Exception {
    harness = createHarness();
  }

  @AfterEach
  void closeAll() throws Exception {
    apis.forEach(OpenFeatureAPI::shutdown);
    harness.close();
  }

  protected final LlmFeatureProvider startProvider() throws Exception {
    return startProvider(harness.newBackend(), Duration.ofSeconds(30));
  }

  /** Starts {@code backend} behind an isolated OpenFeature API; start failures propagate. */
  protected final LlmFeatureProvider startProvider(FlagBackend backend, Duration startTimeout) {
    LlmFeatureProvider provider =
        LlmFeatureProvider.builder(backend).startTimeout(startTimeout).build();
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    for (ProviderEvent kind : ProviderEvent.values()) {
      api.on(
          kind,
          details ->
              events.add(
                  new SeenEvent(
                      kind,
                      String.valueOf(details.getMessage()),
                      details.getFlagsChanged() == null
                          ? List.of()
                          : List.copyOf(details.getFlagsChanged()))));
    }
    apis.add(api);
    api.setProviderAndWait(provider);
    return provider;
  }

  protected final Client startClient() throws Exception {
    startProvider();
    return lastApi().getClient();
  }

  protected final OpenFeatureAPI lastApi() {
    return apis.get(apis.size() - 1);
  }

  /** Shuts the oldest running provider down, as a process restart would. */
  protected final void stopFirstProvider() {
    apis.remove(0).shutdown();
  }

  protected final boolean saw(ProviderEvent kind) {
    return events.stream().anyMatch(e -> e.event() == kind);
  }

  /**
   * {@code control}'s change history; skips the running test, with the harness's reason, when the
   * write-back keeps none, and fails it when the harness claims one the write-back lacks.
   */
  protected final ChangeHistory changeHistory(RolloutControl control) {
    Assumptions.assumeTrue(
        control instanceof ChangeHistory,
        () ->
            "the write-back lacks "
                + Capability.CHANGE_HISTORY
                + ": "
                + harness.capabilities().reasonWithout(Capability.CHANGE_HISTORY));
    assertThat(harness.capabilities().has(Capability.CHANGE_HISTORY)).isTrue();
    return (ChangeHistory) control;
  }

  /** The variant each of {@code keys} targeting keys gets; every evaluation must succeed. */
  protected static Map<String, String> assign(Client client, int keys) {
    Map<String, String> assigned = new HashMap<>(keys * 2);
    for (int i = 0; i < keys; i++) {
      String key = "user-" + i;
      FlagEvaluationDetails<Value> details =
          client.getObjectDetails(FLAG, NO_VALUE, new ImmutableContext(key));
      assertThat(details.getErrorCode())
          .as("error for %s: %s", key, details.getErrorMessage())
          .isNull();
      assigned.put(key, details.getVariant());
    }
    return assigned;
  }
}
