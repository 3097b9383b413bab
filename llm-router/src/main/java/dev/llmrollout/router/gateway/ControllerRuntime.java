package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.prometheus.PrometheusSignalSource;
import dev.llmrollout.signals.SignalsUnavailableException;
import dev.llmrollout.spi.BackendFactory.Backend;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * A running rollout controller ({@code llm-router guard}): the same guard, admin API, Alertmanager
 * webhook, gauges and decision log as a gateway's ({@link GuardedRollouts}, {@link GuardRoutes}),
 * judging a fleet's signals and shadow pairs read from Prometheus ({@link PrometheusSignalSource},
 * {@link PrometheusSignalSource#shadowPairs}) and writing through the backend's write-back. It
 * serves no model traffic. Ready while the backend serves a configuration and Prometheus answers.
 */
public final class ControllerRuntime implements AutoCloseable {
  private final GuardedRollouts rollouts;
  private final FlagStack stack;
  private final PrometheusSignalSource prometheus;
  private final Gateway server;

  private ControllerRuntime(
      FlagStack stack,
      PrometheusSignalSource.Settings prometheusSettings,
      Gateway.Settings settings,
      RolloutSettings rolloutSettings,
      Function<String, String> environment) {
    this.stack = stack;
    this.prometheus =
        new PrometheusSignalSource(
            prometheusSettings,
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
            Clock.systemUTC());
    this.rollouts =
        new GuardedRollouts(
            stack,
            prometheus,
            Optional.of(prometheus.shadowPairs()),
            "controller",
            rolloutSettings,
            environment,
            Gateway.JSON,
            JudgeEvidence.FLEET);
    RolloutGauges.register(stack, rollouts);
    rollouts.resumeRecorded();
    this.server =
        new Gateway(
            settings,
            GuardRoutes.of(
                Optional.empty(),
                stack,
                Optional.empty(),
                rollouts,
                environment,
                this::notReady,
                this::health));
  }

  /**
   * Opens the backend and starts the controller's HTTP server. Prometheus need not answer yet: the
   * controller is not ready, and rollouts hold, until it does.
   */
  public static ControllerRuntime start(
      Backend backend,
      PrometheusSignalSource.Settings prometheus,
      Gateway.Settings settings,
      RolloutSettings rolloutSettings,
      Function<String, String> environment)
      throws Exception {
    FlagStack stack = new FlagStack(backend);
    ControllerRuntime runtime;
    try {
      stack.start();
      runtime = new ControllerRuntime(stack, prometheus, settings, rolloutSettings, environment);
      runtime.server.start();
    } catch (Exception e) {
      stack.close();
      throw e;
    }
    return runtime;
  }

  public Gateway server() {
    return server;
  }

  /** Why Prometheus does not answer now, if it does not. */
  public Optional<String> prometheusProblem() {
    try {
      prometheus.ping();
      return Optional.empty();
    } catch (SignalsUnavailableException e) {
      return Optional.of(e.getMessage());
    }
  }

  private Optional<String> notReady() {
    if (!stack.ready()) {
      return Optional.of("the flag backend is not ready (" + stack.providerState() + ")");
    }
    return prometheusProblem().map(why -> "Prometheus does not answer: " + why);
  }

  private JsonNode health() {
    ObjectNode health = Gateway.JSON.createObjectNode();
    health.put("role", "controller");
    ObjectNode backend = health.putObject("backend");
    backend.put("ready", stack.ready());
    backend.put("state", stack.providerState().name());
    ObjectNode signals = health.putObject("prometheus");
    Optional<String> unreachable = prometheusProblem();
    signals.put("reachable", unreachable.isEmpty());
    Optional<String> incomplete = unreachable;
    if (unreachable.isEmpty()) {
      try {
        prometheus.requireCompleteData();
      } catch (SignalsUnavailableException e) {
        incomplete = Optional.of(e.getMessage());
      }
    }
    signals.put("complete", incomplete.isEmpty());
    signals.put("problem", incomplete.orElse(null));
    health.put("status", notReady().isEmpty() ? "ok" : "not ready");
    return health;
  }

  /** Drains the HTTP server, then stops the provider and the metrics. */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      rollouts.close();
      stack.close();
    }
  }
}
