package dev.llmrollout.router.cli;

import dev.llmrollout.guard.prometheus.PrometheusSignalSource;
import dev.llmrollout.router.gateway.ControllerRuntime;
import dev.llmrollout.router.gateway.Gateway;
import dev.llmrollout.router.gateway.RolloutSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm-router guard}: the rollout controller of a fleet. It runs the gateway's rollout guard
 * on signals read from Prometheus and serves only the admin API, so {@code llm-router rollout
 * start|status|abort --gateway URL} drive it as they drive a gateway.
 */
@Command(
    name = "guard",
    description =
        "Run guarded rollouts for a fleet: judge every routing process's signals through"
            + " Prometheus, write steps and rollbacks through the backend, serve the admin API"
            + " (llm-router rollout ... --gateway URL) and /metrics, but no model traffic. Admin"
            + " writes need LLM_ROUTER_ADMIN_TOKEN; alerts go to LLM_ROUTER_ALERT_WEBHOOK if set.",
    mixinStandardHelpOptions = true)
final class GuardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OperatorVerb.BackendMixin backendMixin;

  @Mixin RolloutGuardOptions guardOptions;

  @Option(
      names = "--prometheus",
      required = true,
      paramLabel = "URL",
      description = "Prometheus's base URL, such as http://127.0.0.1:9090.")
  String prometheus;

  @Option(
      names = "--prometheus-job",
      defaultValue = "llm-router",
      paramLabel = "JOB",
      description = "The scrape job of the routing processes (default llm-router).")
  String job;

  @Option(
      names = "--min-targets",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Routing processes Prometheus must know and scrape; fewer holds every rollout"
              + " (default 1).")
  int minTargets;

  @Option(
      names = "--stale-after",
      defaultValue = "PT45S",
      paramLabel = "DURATION",
      description =
          "A target not scraped for this long holds every rollout (about 3 scrape intervals;"
              + " default 45s).")
  Duration staleAfter;

  @Option(
      names = "--port",
      defaultValue = "8081",
      description = "Port of the admin API (default 8081; 0 picks one).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address (default 127.0.0.1).")
  String bind;

  @Option(names = "--json", description = "Print the listening address as a JSON line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrometheusSignalSource.Settings defaults =
        PrometheusSignalSource.Settings.of(prometheusUri(), job);
    if (minTargets < 1) {
      throw new IllegalArgumentException("--min-targets " + minTargets + ": expected 1 or more");
    }
    if (staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException(
          "--stale-after " + staleAfter + ": expected a positive duration such as 45s");
    }
    RolloutSettings rolloutSettings = guardOptions.settings();
    ControllerRuntime runtime =
        ControllerRuntime.start(
            backendMixin.options.open(),
            new PrometheusSignalSource.Settings(
                defaults.baseUri(),
                job,
                minTargets,
                staleAfter,
                defaults.counterLookback(),
                defaults.timeout()),
            new Gateway.Settings(bind, port, 16, Duration.ofSeconds(30), Map.of()),
            rolloutSettings,
            System::getenv);
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "controller-shutdown"));
    var address = runtime.server().address();
    String url = "http://" + address.getHostString() + ":" + address.getPort();
    spec.commandLine()
        .getOut()
        .println(
            json
                ? GatewayAdminClient.json()
                    .createObjectNode()
                    .put("listening", url)
                    .put("prometheus", prometheus)
                    .toString()
                : "llm-router guard listening on " + url + " (signals from " + prometheus + ")");
    spec.commandLine().getOut().flush();
    runtime
        .prometheusProblem()
        .ifPresent(
            why ->
                spec.commandLine()
                    .getErr()
                    .println(
                        "warning: Prometheus does not answer ("
                            + why
                            + "); not ready, and rollouts hold, until it does"));
    runtime.server().join();
    return ExitCodes.OK;
  }

  private URI prometheusUri() {
    URI uri;
    try {
      uri = URI.create(prometheus);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--prometheus " + prometheus + ": expected a URL");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "--prometheus "
              + prometheus
              + ": expected an http or https URL like http://127.0.0.1:9090");
    }
    if (uri.getUserInfo() != null) {
      // Secrets come from the environment only: a flag's value shows in process listings.
      throw new IllegalArgumentException(
          "--prometheus: expected a URL without credentials (user:password@ is not accepted)");
    }
    return uri;
  }
}
