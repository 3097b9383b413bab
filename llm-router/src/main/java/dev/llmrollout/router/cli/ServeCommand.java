package dev.llmrollout.router.cli;

import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.gateway.Gateway;
import dev.llmrollout.router.gateway.GatewayRuntime;
import dev.llmrollout.router.gateway.RolloutSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm-router serve}: the OpenAI-compatible gateway. */
@Command(
    name = "serve",
    description =
        "Serve an OpenAI-compatible gateway that routes each request by its flag. Admin writes"
            + " need LLM_ROUTER_ADMIN_TOKEN. Runs the rollout guard for rollouts started through"
            + " the admin API (llm-router rollout); alerts go to LLM_ROUTER_ALERT_WEBHOOK if set.",
    mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OperatorVerb.BackendMixin backendMixin;

  @Option(
      names = "--endpoints",
      required = true,
      paramLabel = "FILE",
      description = "The model endpoints file (endpoints.json).")
  Path endpoints;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port (default 8080; 0 picks one).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address (default 127.0.0.1).")
  String bind;

  @Option(
      names = "--default-flag",
      paramLabel = "KEY",
      description = "The model flag for requests without an X-Flag-Key header.")
  String defaultFlag;

  @Option(
      names = "--max-threads",
      defaultValue = "600",
      description = "Request threads (each in-flight model call holds one; default 600).")
  int maxThreads;

  @Option(
      names = "--drain-timeout",
      defaultValue = "PT30S",
      description = "On shutdown, how long in-flight requests may take to finish (default PT30S).")
  Duration drainTimeout;

  @Option(
      names = "--guard-check-interval",
      paramLabel = "DURATION",
      description =
          "How often the rollout guard checks each running rollout (ISO-8601, default PT10S).")
  Duration guardCheckInterval = RolloutSettings.ofDefaults().checkInterval();

  @Option(
      names = "--rollout-audit",
      paramLabel = "FILE",
      description =
          "Also append every rollout audit record to FILE as a JSON line (default: memory only).")
  Path rolloutAudit;

  @Override
  public Integer call() throws Exception {
    GatewayRuntime runtime =
        GatewayRuntime.start(
            backendMixin.options.open(),
            EndpointRegistry.load(endpoints),
            new Gateway.Settings(bind, port, maxThreads, drainTimeout),
            Optional.ofNullable(defaultFlag),
            new RolloutSettings(guardCheckInterval, Optional.ofNullable(rolloutAudit)),
            System::getenv);
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "gateway-shutdown"));
    var address = runtime.gateway().address();
    spec.commandLine()
        .getOut()
        .printf(
            "llm-router gateway listening on http://%s:%d%n",
            address.getHostString(), address.getPort());
    spec.commandLine().getOut().flush();
    runtime.gateway().join();
    return 0;
  }
}
