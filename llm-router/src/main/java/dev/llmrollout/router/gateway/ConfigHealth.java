package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openfeature.sdk.EventDetails;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the flag source's latest edit was rejected. A rejected edit leaves the last good
 * configuration serving, so the gateway stays ready; the rejection shows in {@code /healthz}, in
 * the {@code llm_router_config_rejected} gauge (1 while the latest edit is rejected), the {@code
 * llm_router_config_rejections_total} counter and the operator log, and clears when a good edit
 * loads.
 */
final class ConfigHealth {
  /** The latest rejected edit. */
  record Rejection(Instant at, String message) {}

  private final AtomicReference<Optional<Rejection>> rejection =
      new AtomicReference<>(Optional.empty());
  private final LongCounter rejections;

  ConfigHealth(Meter meter) {
    this.rejections =
        meter
            .counterBuilder("llm_router.config.rejections")
            .setDescription("Edits of the flag source rejected; the last good one kept serving")
            .build();
    meter
        .gaugeBuilder("llm_router.config.rejected")
        .ofLongs()
        .setDescription("1 while the flag source's latest edit is rejected, else 0")
        .buildWithCallback(m -> m.record(rejection.get().isPresent() ? 1 : 0));
  }

  void rejected(EventDetails details) {
    String message = Optional.ofNullable(details.getMessage()).orElse("(no message)");
    rejection.set(Optional.of(new Rejection(Instant.now(), message)));
    rejections.add(1);
    OperatorLog.event("config.rejected")
        .with("source", details.getProviderName())
        .with("reason", message)
        .with("serving", "last good configuration")
        .warn();
  }

  void loaded(EventDetails details) {
    Optional<Rejection> cleared = rejection.getAndSet(Optional.empty());
    OperatorLog.event("config.reloaded")
        .with("flags", details.getFlagsChanged() == null ? "[]" : details.getFlagsChanged())
        .with("clearedRejection", cleared.isPresent())
        .info();
  }

  Optional<Rejection> rejection() {
    return rejection.get();
  }

  /** The body of {@code /healthz}. */
  ObjectNode toJson() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("status", "ok");
    ObjectNode config = body.putObject("config");
    rejection
        .get()
        .ifPresentOrElse(
            r -> {
              config.put("status", "latest edit rejected; serving the last good configuration");
              config.put("rejectedAt", r.at().toString());
              config.put("reason", r.message());
            },
            () -> config.put("status", "serving the latest configuration"));
    return body;
  }
}
