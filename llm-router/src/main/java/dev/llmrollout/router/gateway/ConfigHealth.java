package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openfeature.sdk.EventDetails;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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
  private final Supplier<List<ConfigCheck.Problem>> check;
  private volatile List<ConfigCheck.Problem> servedProblems = List.of();

  /**
   * @param check what {@link ConfigCheck} finds in the configuration served now: the local-file
   *     backend rejects an edit naming an endpoint the gateway does not have, but a vendor backend
   *     (no validator) serves its console's edits as they come
   */
  ConfigHealth(Meter meter, Supplier<List<ConfigCheck.Problem>> check) {
    this.check = check;
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
    meter
        .gaugeBuilder("llm_router.config.problems")
        .ofLongs()
        .setDescription("Problems llm-router validate would report in the configuration served now")
        .buildWithCallback(m -> m.record(servedProblems.size()));
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
    servedProblems = check.get();
    servedProblems.forEach(
        p ->
            OperatorLog.event("config.problem")
                .with("flag", p.flag())
                .with("path", p.path())
                .with("expected", p.expected())
                .warn());
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
    List<ConfigCheck.Problem> problems = servedProblems;
    if (!problems.isEmpty()) {
      // A vendor backend served the edit, but requests that reach these parts will fail.
      config.set("problems", new ConfigProblems(problems).toJson());
    }
    return body;
  }
}
