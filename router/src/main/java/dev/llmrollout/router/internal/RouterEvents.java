package dev.llmrollout.router.internal;

import dev.llmrollout.router.RouterEvent;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts {@link RouterEvent}s in process and as OpenTelemetry metrics, per flag. */
public final class RouterEvents {
  private final Map<RouterEvent, LongAdder> counts = new EnumMap<>(RouterEvent.class);
  private final GenAiMetrics metrics;

  public RouterEvents(GenAiMetrics metrics) {
    this.metrics = metrics;
    for (RouterEvent event : RouterEvent.values()) {
      counts.put(event, new LongAdder());
    }
  }

  public void count(RouterEvent event, String flagKey) {
    counts.get(event).increment();
    metrics.recordEvent(event.metricName(), flagKey);
  }

  public long count(RouterEvent event) {
    return counts.get(event).sum();
  }
}
