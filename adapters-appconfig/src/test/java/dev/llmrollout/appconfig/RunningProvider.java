package dev.llmrollout.appconfig;

import static org.awaitility.Awaitility.await;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.BackendFactory;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider over an AppConfig backend opened from the harness, with every provider event it emits
 * recorded, as an application would see them through the OpenFeature API.
 */
final class RunningProvider implements AutoCloseable {
  static final Value CALLER_DEFAULT = new Value("caller-default");

  /** One provider event: READY, STALE, ERROR or CONFIGURATION_CHANGED. */
  record Event(String type, String message, List<String> flagsChanged) {}

  final BackendFactory.Backend backend;
  final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
  final Client client;
  final List<Event> events = new CopyOnWriteArrayList<>();

  RunningProvider(AppConfigHarness harness) {
    backend = harness.open();
    api.onProviderReady(e -> record("READY", e));
    api.onProviderStale(e -> record("STALE", e));
    api.onProviderError(e -> record("ERROR", e));
    api.onProviderConfigurationChanged(e -> record("CONFIGURATION_CHANGED", e));
    api.setProviderAndWait(LlmFeatureProvider.builder(backend.flags()).build());
    client = api.getClient();
    // The SDK announces the initialized provider with READY; tests look at what follows.
    await().atMost(Duration.ofSeconds(5)).until(() -> !events("READY").isEmpty());
    events.clear();
  }

  private void record(String type, EventDetails details) {
    List<String> flags = details.getFlagsChanged() == null ? List.of() : details.getFlagsChanged();
    events.add(new Event(type, details.getMessage(), List.copyOf(flags)));
  }

  List<Event> events(String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  FlagEvaluationDetails<Value> evaluate(String flag, String targetingKey) {
    return client.getObjectDetails(flag, CALLER_DEFAULT, new ImmutableContext(targetingKey));
  }

  /** The variant each of {@code keys} users gets. */
  Map<String, String> assign(String flag, int keys) {
    Map<String, String> assigned = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      assigned.put("user-" + i, evaluate(flag, "user-" + i).getVariant());
    }
    return assigned;
  }

  @Override
  public void close() {
    api.shutdown();
  }
}
