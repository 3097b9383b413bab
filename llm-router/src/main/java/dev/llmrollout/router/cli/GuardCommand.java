package dev.llmrollout.router.cli;

import dev.llmrollout.guard.prometheus.PrometheusSignalSource;
import dev.llmrollout.router.gateway.ControllerRuntime;
import dev.llmrollout.router.gateway.Gateway;
import dev.llmrollout.router.gateway.RolloutSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

  @Mixin PrometheusOptions prometheusOptions;

  @Mixin ListenOptions listen;

  @Override
  public Integer call() throws Exception {
    PrometheusSignalSource.Settings prometheus = prometheusOptions.settings(System::getenv);
    RolloutSettings rolloutSettings = guardOptions.settings();
    ControllerRuntime runtime =
        ControllerRuntime.start(
            backendMixin.options.open(),
            prometheus,
            new Gateway.Settings(
                listen.bind, listen.port(8081), 16, Duration.ofSeconds(30), Map.of()),
            rolloutSettings,
            System::getenv);
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "controller-shutdown"));
    String auth = prometheus.auth().describe();
    listen.announce(
        spec.commandLine().getOut(),
        runtime.server().address(),
        "llm-router guard",
        " (signals from " + prometheusOptions.url + ", " + auth + ")",
        GatewayAdminClient.json()
            .createObjectNode()
            .put("prometheus", prometheusOptions.url)
            .put("prometheusAuth", auth));
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
}
