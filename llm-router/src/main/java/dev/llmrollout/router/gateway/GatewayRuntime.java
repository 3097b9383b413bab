package dev.llmrollout.router.gateway;

import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.spi.BackendFactory.Backend;
import java.time.Duration;
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
  private final Gateway.Settings settings;

  /** Warm-up requests still to send; readiness answers 503 until they ran. */
  private volatile int warmUpPending;

  private Duration warmUpTook = Duration.ZERO;

  private GatewayRuntime(
      RouterStack stack,
      Gateway.Settings settings,
      Optional<String> defaultFlag,
      RolloutSettings rolloutSettings,
      JudgeEvidence judge,
      Function<String, String> environment,
      int warmUpRequests) {
    this.stack = stack;
    this.settings = settings;
    this.warmUpPending = warmUpRequests;
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
            this::notReady,
            stack.configHealth()::toJson);
    this.gateway = new Gateway(settings, routes);
  }

  private Optional<String> notReady() {
    if (warmUpPending > 0) {
      return Optional.of("warming up the request path");
    }
    return stack.ready() ? Optional.empty() : Optional.of("the flag backend is not ready");
  }

  /**
   * Opens the backend, starts the router (with {@code judge} on shadow pairs and, for flags in a
   * canary step, on live answers), the rollout guard and the HTTP server. With {@code
   * warmUpRequests} above 0, readiness answers 503 until {@link #warmUp()} has sent that many
   * loopback requests through a throwaway gateway ({@link RequestPathWarmUp}). The environment
   * gives the admin token and the alert webhook's URL.
   */
  public static GatewayRuntime start(
      Backend backend,
      EndpointRegistry endpoints,
      Gateway.Settings settings,
      Optional<String> defaultFlag,
      RolloutSettings rolloutSettings,
      JudgeSettings judge,
      Function<String, String> environment,
      int warmUpRequests)
      throws Exception {
    if (warmUpRequests < 0) {
      throw new IllegalArgumentException(
          "warm-up requests: expected 0 (off) or more, got " + warmUpRequests);
    }
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
              stack,
              settings,
              defaultFlag,
              rolloutSettings,
              judge.evidence(),
              environment,
              warmUpRequests);
      guarded.set(runtime.rollouts);
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
    runtime.gateway.start();
    return runtime;
  }

  /**
   * Warms the request path with the requests {@link #start} was given, then lets readiness answer
   * 200; does nothing when there are none or they ran.
   *
   * @throws IllegalStateException if a warm-up request was not answered in full
   */
  public void warmUp() throws Exception {
    if (warmUpPending == 0) {
      return;
    }
    long started = System.nanoTime();
    RequestPathWarmUp.run(warmUpPending, settings);
    warmUpTook = Duration.ofNanos(System.nanoTime() - started);
    warmUpPending = 0;
  }

  /** How long warming the request path took before the gateway became ready (zero: skipped). */
  public Duration warmUpTook() {
    return warmUpTook;
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
