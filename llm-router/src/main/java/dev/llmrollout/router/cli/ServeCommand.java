package dev.llmrollout.router.cli;

import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.gateway.ConfigCheck;
import dev.llmrollout.router.gateway.ConfigProblems;
import dev.llmrollout.router.gateway.Gateway;
import dev.llmrollout.router.gateway.GatewayRuntime;
import dev.llmrollout.router.gateway.JudgeSettings;
import dev.llmrollout.router.gateway.UpstreamClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  @Mixin ServedConfigurationMixin configuration;

  @Mixin ListenOptions listen;

  @Option(
      names = "--max-threads",
      defaultValue = "600",
      description =
          "Platform threads (default 600). On Java 17, or with --no-virtual-threads, each"
              + " in-flight model call holds one.")
  int maxThreads;

  @Option(
      names = "--virtual-threads",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Run each request on a virtual thread where the JVM has them (Java 21+; default on):"
              + " an in-flight call then holds no platform thread.")
  boolean virtualThreads;

  @Option(
      names = "--upstream-client",
      defaultValue = "jdk",
      paramLabel = "jdk|jetty",
      description =
          "The HTTP client model calls go out on: jdk (the JDK's HttpClient, default) or jetty"
              + " (Jetty's non-blocking client: about half the gateway's CPU and 40%% less"
              + " allocation per request, but it lost streams at 1,000 concurrent in some runs;"
              + " docs/PERFORMANCE.md, 3d).")
  UpstreamClient upstreamClient;

  @Option(
      names = "--drain-timeout",
      defaultValue = "PT30S",
      description =
          "On shutdown, how long in-flight requests may take to finish (30s, 5m or ISO-8601;"
              + " default 30s).")
  Duration drainTimeout;

  @Option(
      names = "--warm-up-requests",
      defaultValue = "" + DEFAULT_WARM_UP_REQUESTS,
      paramLabel = "N",
      description =
          "Before it says it listens (and while /readyz answers 503), send N loopback requests"
              + " through a throwaway gateway against a stand-in model, so the JIT has compiled the"
              + " request path before real traffic comes; no real endpoint, metric or signal sees"
              + " them. 0 turns warm-up off (default ${DEFAULT-VALUE}).")
  int warmUpRequests;

  /**
   * Enough for the JIT to compile the request path's hot methods (C2 needs about 10,000 calls of a
   * method; a request calls many of them several times). Measured in docs/PERFORMANCE.md, 3c.
   */
  static final int DEFAULT_WARM_UP_REQUESTS = 3_000;

  @Mixin RolloutGuardOptions guardOptions;

  @Mixin JudgeOptions judge;

  @Option(
      names = "--model-alias",
      paramLabel = "NAME=FLAG",
      description =
          "A request \"model\" that routes to FLAG (repeatable), for clients that choose by"
              + " model name. \"flag:KEY\" and a flag's own key always work.")
  Map<String, String> modelAliases = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    UpstreamClient.sizeJdkReadBuffers();
    if (warmUpRequests < 0) {
      throw new IllegalArgumentException(
          "--warm-up-requests "
              + warmUpRequests
              + ": expected 0 (no warm-up) or a positive number of requests");
    }
    List<ConfigCheck.Problem> endpointProblems = configuration.endpoints.problems();
    if (!endpointProblems.isEmpty()) {
      throw new ConfigProblems(endpointProblems);
    }
    EndpointRegistry endpoints = EndpointRegistry.load(configuration.endpoints.file);
    // Checked before the backend opens: a mistyped judge option stops the start with nothing open.
    JudgeSettings judgeSettings = judge.settings(endpoints);
    GatewayRuntime runtime =
        GatewayRuntime.start(
            backendMixin.options.open(endpoints.variantValidator()),
            endpoints,
            new Gateway.Settings(
                listen.bind,
                listen.port(8080),
                maxThreads,
                drainTimeout,
                modelAliases,
                virtualThreads,
                upstreamClient),
            configuration.defaultFlag(),
            guardOptions.settings(),
            judgeSettings,
            System::getenv,
            warmUpRequests);
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "gateway-shutdown"));
    runtime.warmUp();
    long warmUpMillis = runtime.warmUpTook().toMillis();
    listen.announce(
        spec.commandLine().getOut(),
        runtime.gateway().address(),
        "llm-router gateway",
        warmUpRequests == 0
            ? " (no warm-up)"
            : String.format(
                Locale.ROOT,
                " (request path warmed up by %,d requests in %,d ms)",
                warmUpRequests,
                warmUpMillis),
        GatewayAdminClient.json()
            .createObjectNode()
            .put("warmUpRequests", warmUpRequests)
            .put("warmUpMillis", warmUpMillis));
    runtime.gateway().join();
    return 0;
  }
}
