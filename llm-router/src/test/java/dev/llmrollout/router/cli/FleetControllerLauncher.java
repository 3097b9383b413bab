package dev.llmrollout.router.cli;

import dev.llmrollout.guard.prometheus.PrometheusProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the fleet ITs' rollout controller ({@code llm-router guard}) on {@code flags.json}: it
 * reads a Prometheus that asks for basic auth as {@link PrometheusProcess#TEST_USER}, the password
 * from its environment, waits for every gateway's scrape, checks every 0.5 s and audits to {@code
 * controller-audit.jsonl}. Each {@link #start} launches one more with the same configuration, as a
 * restart would.
 */
final class FleetControllerLauncher {
  private static final String PASSWORD_VARIABLE = "FLEET_PROMETHEUS_PASSWORD";

  private final Path dir;
  private final Map<String, String> env;
  private final String[] args;

  /**
   * {@code minTargets}: the gateways Prometheus must scrape; {@code staleAfter}: the age at which a
   * scrape no longer counts; {@code more}: further {@code guard} options.
   */
  FleetControllerLauncher(
      Path dir, PrometheusProcess prometheus, int minTargets, Duration staleAfter, String... more) {
    this.dir = dir;
    Map<String, String> env = new HashMap<>(FleetFixture.ENV);
    env.put(PASSWORD_VARIABLE, PrometheusProcess.TEST_USER.password());
    this.env = Map.copyOf(env);
    this.args =
        JarRunner.join(
            new String[] {
              "--flags",
              "flags.json",
              "--prometheus",
              prometheus.uri().toString(),
              "--prometheus-user",
              PrometheusProcess.TEST_USER.name(),
              "--prometheus-password-env",
              PASSWORD_VARIABLE,
              "--min-targets",
              String.valueOf(minTargets),
              "--stale-after",
              staleAfter.toString(),
              "--guard-check-interval",
              "PT0.5S",
              "--rollout-audit",
              "controller-audit.jsonl"
            },
            more);
  }

  /** A controller process, kept by {@code running} to be stopped after the test. */
  GatewayProcess start(StartedResources running) throws Exception {
    return running.keep(GatewayProcess.controller(dir, env, args));
  }
}
