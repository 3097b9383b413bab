package dev.llmrollout.router.gateway;

import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.spi.BackendFactory.Backend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** A running gateway: the router stack and the HTTP server in front of it. */
public final class GatewayRuntime implements AutoCloseable {
  private final GuardedRollouts rollouts;
  private final RouterStack stack;
  private final Gateway gateway;

  private GatewayRuntime(
      RouterStack stack,
      Gateway.Settings settings,
      Optional<String> defaultFlag,
      RolloutSettings rolloutSettings,
      JudgeEvidence judge,
      Function<String, String> environment) {
    this.stack = stack;
    Map<String, String> aliases = settings.modelAliases();
    this.rollouts =
        new GuardedRollouts(
            stack.flagStack(),
            stack.router().signals(),
            Optional.of(stack.router().shadowPairs()),
            "gateway",
            rolloutSettings,
            environment,
            Gateway.JSON,
            judge);
    RolloutGauges.register(stack.flagStack(), rollouts);
    rollouts.resumeRecorded();
    Gateway.ModelTraffic traffic =
        new Gateway.ModelTraffic(
            new ChatCompletionsHandler(
                stack.router(), new ChatRequestMapper(defaultFlag, aliases, stack::flagKeys)),
            new FeedbackHandler(stack.client()),
            new ModelsHandler(stack, aliases));
    Gateway.Routes routes =
        GuardRoutes.of(
            Optional.of(traffic),
            stack.flagStack(),
            Optional.of(stack.router().signals()),
            rollouts,
            environment,
            () -> stack.ready() ? Optional.empty() : Optional.of("the flag backend is not ready"),
            stack.configHealth()::toJson);
    this.gateway = new Gateway(settings, routes);
  }

  /**
   * Opens the backend, starts the router (with {@code judge} on shadow pairs and, for flags in a
   * canary step, on live answers), the rollout guard and the HTTP server. The environment gives the
   * admin token and the alert webhook's URL.
   */
  public static GatewayRuntime start(
      Backend backend,
      EndpointRegistry endpoints,
      Gateway.Settings settings,
      Optional<String> defaultFlag,
      RolloutSettings rolloutSettings,
      JudgeSettings judge,
      Function<String, String> environment)
      throws Exception {
    // The router is built before the guard whose canary steps decide which flags are judged live.
    AtomicReference<GuardedRollouts> guarded = new AtomicReference<>();
    RouterStack stack =
        new RouterStack(
            backend,
            endpoints,
            settings.upstreamClient(),
            settings.virtualThreads(),
            (builder, flags) ->
                judge.apply(
                    builder, flags, flag -> guarded.get() != null && guarded.get().inCanary(flag)));
    GatewayRuntime runtime;
    try {
      List<ConfigCheck.Problem> problems =
          ConfigCheck.flags(
              stack.flags(), stack.control(), endpoints.variantValidator(), defaultFlag);
      if (!problems.isEmpty()) {
        throw new ConfigProblems(problems);
      }
      runtime =
          new GatewayRuntime(
              stack, settings, defaultFlag, rolloutSettings, judge.evidence(), environment);
      guarded.set(runtime.rollouts);
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
    runtime.gateway.start();
    return runtime;
  }

  public Gateway gateway() {
    return gateway;
  }

  public RouterStack stack() {
    return stack;
  }

  /** Drains the HTTP server, then stops the router, the provider and the metrics. */
  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      rollouts.close();
      stack.close();
    }
  }
}
