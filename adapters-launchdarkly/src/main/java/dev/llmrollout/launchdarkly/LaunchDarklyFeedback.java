package dev.llmrollout.launchdarkly;

import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.LDValue;
import com.launchdarkly.sdk.server.LDClient;
import dev.llmrollout.launchdarkly.internal.ContextMapper;
import dev.llmrollout.provider.FeedbackEvent;
import dev.llmrollout.provider.FeedbackSink;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends attributed feedback to LaunchDarkly as a custom event carrying the flag and variant, with
 * {@code trackMetric} when it has a value. The SDK queues events in memory and flushes them in the
 * background, so this never blocks the application.
 */
final class LaunchDarklyFeedback implements FeedbackSink {
  private final Supplier<LDClient> client;

  LaunchDarklyFeedback(Supplier<LDClient> client) {
    this.client = client;
  }

  @Override
  public void record(FeedbackEvent event) {
    LDClient ld = client.get();
    if (ld == null) {
      return;
    }
    Optional<LDContext> context;
    try {
      context = ContextMapper.toLaunchDarkly(event.context());
    } catch (IllegalArgumentException e) {
      return;
    }
    if (context.isEmpty()) {
      return;
    }
    LDValue data =
        LDValue.buildObject().put("flag", event.flagKey()).put("variant", event.variant()).build();
    if (event.value().isPresent()) {
      ld.trackMetric(event.name(), context.get(), data, event.value().getAsDouble());
    } else {
      ld.trackData(event.name(), context.get(), data);
    }
  }
}
