package dev.llmrollout.unleash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.ChangeHistory;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.Weights;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import dev.llmrollout.unleash.internal.AdminApi;
import dev.llmrollout.unleash.internal.ChangeTitle;
import dev.llmrollout.unleash.internal.EventLogHistory;
import dev.llmrollout.unleash.internal.ManagedStrategy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes rollouts back to Unleash through its Admin API, as an operator would in the console: the
 * variant weights of the flag's flexibleRollout strategy, a kill that gives a safe variant all the
 * traffic (and, if configured, turns the environment off), and a restore of what the kill replaced.
 *
 * <p>The action, reason and actor go into the strategy's title ({@code llm-rollout kill: <reason>
 * (by <actor>)}), so they show in the console and in the flag's event log, which {@link
 * #recentChanges} reads back. Unleash's open-source Admin API has no compare-and-set, so a write is
 * a JSON Patch of the strategy that opens with {@code test}s of the strategy as read: Unleash
 * refuses it (with HTTP 500, as 8.x answers a failed {@code test}) when the strategy changed since,
 * and the write is a {@link Kind#CONFLICT}. What is left is Unleash's own read-then-update of the
 * strategy inside one request: two patches passing their tests in the same instant both land (the
 * contract kit measures how often), and the environment switch is not covered by the test. The
 * guard's lease is the protection against two writers. Every write is verified by reading it back
 * through the Admin API and by waiting until Unleash serves it to clients ({@code
 * /api/client/features}), and, when a running {@link UnleashBackend} is attached, until that client
 * serves it.
 *
 * <pre>{@code
 * RolloutControl control = new UnleashRolloutControl(settings, backend);
 * FlagState now = control.state("support-model");
 * control.kill("support-model", "stable",
 *     ChangeRequest.because("p95 latency over budget").by("rollout-guard").ifVersion(now.version()));
 * }</pre>
 */
public final class UnleashRolloutControl implements RolloutControl, ChangeHistory {

  private final UnleashSettings settings;
  private final AdminApi admin;
  private final AdminApi client;
  private final UnleashBackend backend;
  private final Duration verifyTimeout;

  /** Plans of an unconditional write, each on what Unleash holds after the last was refused. */
  private static final int PLAN_ATTEMPTS = 3;

  /**
   * @param settings must carry an admin token
   * @param backend a backend over the same Unleash whose view is also awaited; may be null
   */
  public UnleashRolloutControl(UnleashSettings settings, UnleashBackend backend) {
    this(settings, backend, 5, Duration.ofMillis(250));
  }

  /** As above, with the retry policy for 409/429/5xx and connection failures. */
  public UnleashRolloutControl(
      UnleashSettings settings, UnleashBackend backend, int maxAttempts, Duration firstBackoff) {
    this.settings = Objects.requireNonNull(settings, "settings");
    if (settings.adminToken() == null) {
      throw new IllegalArgumentException(
          "adminToken: write-back needs an admin token or personal access token (UNLEASH_ADMIN_TOKEN)");
    }
    this.admin = new AdminApi(settings.apiUrl(), settings.adminToken(), maxAttempts, firstBackoff);
    this.client =
        new AdminApi(settings.apiUrl(), settings.clientToken(), maxAttempts, firstBackoff);
    this.backend = backend;
    this.verifyTimeout = settings.fetchInterval().multipliedBy(2).plusSeconds(10);
  }

  /**
   * The flag's recent write-backs, from Unleash's event search ({@code GET
   * /api/admin/search/events}, which replaced the deprecated {@code /api/admin/events/{flag}}):
   * every strategy update this control made (recognised by its title), with the state before and
   * after, oldest first.
   */
  @Override
  public List<ChangeRecord> recentChanges(String flagKey, int limit) {
    int window = Math.min(1000, Math.max(100, limit * 4));
    JsonNode events =
        admin
            .get(
                flagKey,
                "/admin/search/events?feature=IS:"
                    + encode(flagKey)
                    + "&environment=IS:"
                    + encode(settings.environment())
                    + "&type=IS_ANY_OF:feature-strategy-update,feature-environment-enabled,"
                    + "feature-environment-disabled&limit="
                    + window)
            .path("events");
    return EventLogHistory.changes(flagKey, settings.environment(), events, limit);
  }

  @Override
  public FlagState state(String flagKey) {
    return read(flagKey).state();
  }

  @Override
  public FlagState setWeights(String flagKey, Map<String, Double> weights, ChangeRequest request) {
    return write(
        flagKey,
        request,
        current -> {
          Weights.validate(flagKey, weights, current.state());
          ObjectNode body = current.withWeights(weights, ChangeTitle.of("set-weights", request));
          return Optional.of(new Plan(body, current.environmentEnabled()));
        });
  }

  @Override
  public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    return write(
        flagKey,
        request,
        current -> {
          FlagState state = current.state();
          if (!state.variants().contains(safeVariant)) {
            throw new WriteBackException(
                Kind.NOT_FOUND,
                flagKey,
                "flag '"
                    + flagKey
                    + "': safe variant '"
                    + safeVariant
                    + "', expected one of "
                    + state.variants());
          }
          if (current.killedTo().isPresent()) {
            return Optional.empty(); // the first kill's memory is what restore must put back
          }
          boolean turnOff = settings.killTurnsEnvironmentOff() && current.environmentEnabled();
          ObjectNode body = current.killedTo(safeVariant, ChangeTitle.of("kill", request), turnOff);
          return Optional.of(new Plan(body, !turnOff && current.environmentEnabled()));
        });
  }

  @Override
  public FlagState restore(String flagKey, ChangeRequest request) {
    return write(
        flagKey,
        request,
        current -> {
          if (current.killedTo().isEmpty()) {
            throw new WriteBackException(
                Kind.INVALID_REQUEST,
                flagKey,
                "flag '" + flagKey + "': is not killed, nothing to restore");
          }
          boolean turnOn = current.killTurnedEnvironmentOff() || current.environmentEnabled();
          return Optional.of(
              new Plan(current.restored(ChangeTitle.of("restore", request)), turnOn));
        });
  }

  /** The strategy to write and whether the environment is to be on afterwards. */
  private record Plan(ObjectNode body, boolean environmentOn) {}

  /**
   * Reads, plans, and PATCHes the strategy with {@code test}s of what was read, so that Unleash
   * refuses the patch if the strategy changed since; a refused patch of a conditional write is a
   * {@link Kind#CONFLICT}, an unconditional one is planned again on what Unleash holds now.
   */
  private FlagState write(
      String flagKey, ChangeRequest request, Function<ManagedStrategy, Optional<Plan>> planner) {
    String refusal = "";
    for (int attempt = 1; attempt <= PLAN_ATTEMPTS; attempt++) {
      ManagedStrategy current = readAt(flagKey, request);
      Optional<Plan> plan = planner.apply(current);
      if (plan.isEmpty()) {
        return current.state();
      }
      Optional<String> refused =
          admin.patchUnlessRefused(
              flagKey, strategyPath(flagKey, current.id()), current.patchTo(plan.get().body()));
      if (refused.isEmpty()) {
        return afterPatch(flagKey, current, plan.get());
      }
      refusal = refused.get();
      ManagedStrategy now = read(flagKey);
      if (now.version().equals(current.version())) {
        throw new WriteBackException(
            refusal.startsWith("HTTP 500") ? Kind.UNAVAILABLE : Kind.INVALID_REQUEST,
            flagKey,
            "flag '" + flagKey + "': Unleash refused the strategy update: " + refusal);
      }
      if (request.expectedVersion().isPresent()) {
        throw changedSince(flagKey, request.expectedVersion().get(), now.version());
      }
    }
    throw new WriteBackException(
        Kind.CONFLICT,
        flagKey,
        "flag '"
            + flagKey
            + "': changed under every one of "
            + PLAN_ATTEMPTS
            + " attempts to write it (last refusal: "
            + refusal
            + ")");
  }

  private FlagState afterPatch(String flagKey, ManagedStrategy current, Plan plan) {
    if (plan.environmentOn() != current.environmentEnabled()) {
      admin.send(
          flagKey,
          "POST",
          environmentPath(flagKey) + (plan.environmentOn() ? "/on" : "/off"),
          null);
    }
    ManagedStrategy after = read(flagKey);
    Map<String, Integer> wanted = ManagedStrategy.weights(plan.body());
    if (!after.perMille().equals(wanted) || after.environmentEnabled() != plan.environmentOn()) {
      throw new WriteBackException(
          Kind.NOT_VERIFIED,
          flagKey,
          "flag '"
              + flagKey
              + "': wrote weights "
              + wanted
              + " but read back "
              + after.state().weights());
    }
    awaitClients(flagKey, wanted, plan.environmentOn());
    return after.state();
  }

  /**
   * Waits until Unleash serves the change to SDKs, and until the attached backend serves it. A
   * later write landing over this one ends the wait at once: the change will never be served.
   */
  private void awaitClients(String flagKey, Map<String, Integer> wanted, boolean enabled) {
    long deadline = System.nanoTime() + verifyTimeout.toNanos();
    boolean served = false;
    boolean seen = backend == null || !backend.started();
    while (System.nanoTime() < deadline && !(served && seen)) {
      if (!served) {
        served = clientView(servedToClients(flagKey), wanted, enabled);
        if (!served) {
          requireStillHeld(flagKey, wanted, enabled);
        }
      }
      if (served && !seen) {
        seen =
            backend
                .servedDefinition(flagKey)
                .map(f -> clientView(f, wanted, enabled))
                .orElse(false);
      }
      if (!(served && seen)) {
        sleepBriefly(flagKey);
      }
    }
    if (!served || !seen) {
      throw new WriteBackException(
          Kind.NOT_VERIFIED,
          flagKey,
          "flag '"
              + flagKey
              + "': Unleash accepted the write but "
              + (served ? "this client" : "its client API")
              + " did not serve it within "
              + verifyTimeout);
    }
  }

  private void requireStillHeld(String flagKey, Map<String, Integer> wanted, boolean enabled) {
    ManagedStrategy now = read(flagKey);
    if (!now.perMille().equals(wanted) || now.environmentEnabled() != enabled) {
      throw new WriteBackException(
          Kind.NOT_VERIFIED,
          flagKey,
          "flag '"
              + flagKey
              + "': Unleash accepted the write, but a later write replaced it (now "
              + now.state().weights()
              + ") before clients were served it");
    }
  }

  /**
   * The flag in the list SDKs poll ({@code /api/client/features}); Unleash caches that list and
   * refreshes it shortly after a write, so the single-flag endpoint would answer too early.
   */
  private JsonNode servedToClients(String flagKey) {
    for (JsonNode feature : client.get(flagKey, "/client/features").path("features")) {
      if (flagKey.equals(feature.path("name").asText())) {
        return feature;
      }
    }
    return MissingNode.getInstance();
  }

  private static boolean clientView(
      JsonNode feature, Map<String, Integer> wanted, boolean enabled) {
    if (feature.path("enabled").asBoolean(false) != enabled) {
      return false;
    }
    for (JsonNode strategy : feature.path("strategies")) {
      if (strategy.path("variants").size() > 0) {
        return ManagedStrategy.weights(strategy).equals(wanted);
      }
    }
    return false;
  }

  private ManagedStrategy readAt(String flagKey, ChangeRequest request) {
    ManagedStrategy current = read(flagKey);
    Optional<String> expected = request.expectedVersion();
    if (expected.isPresent() && !expected.get().equals(current.version())) {
      throw changedSince(flagKey, expected.get(), current.version());
    }
    return current;
  }

  private static WriteBackException changedSince(String flagKey, String expected, String now) {
    return new WriteBackException(
        Kind.CONFLICT,
        flagKey,
        "flag '"
            + flagKey
            + "': changed since version "
            + expected
            + " was read (now "
            + now
            + "); re-read and decide again");
  }

  private ManagedStrategy read(String flagKey) {
    JsonNode feature = admin.get(flagKey, featurePath(flagKey));
    return ManagedStrategy.of(flagKey, settings.environment(), feature);
  }

  private String featurePath(String flagKey) {
    return "/admin/projects/" + encode(settings.project()) + "/features/" + encode(flagKey);
  }

  private String environmentPath(String flagKey) {
    return featurePath(flagKey) + "/environments/" + encode(settings.environment());
  }

  private String strategyPath(String flagKey, String strategyId) {
    return environmentPath(flagKey) + "/strategies/" + encode(strategyId);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void sleepBriefly(String flagKey) {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteBackException(
          Kind.NOT_VERIFIED,
          flagKey,
          "flag '" + flagKey + "': interrupted while verifying a write");
    }
  }

  /**
   * Not supported yet: storing the rollout record next to the flag in Unleash is issue 15, point 4
   * (branch fleet-vendors). Until then a durable rollout cannot be started on this backend.
   */
  @Override
  public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
    throw new WriteBackException(
        WriteBackException.Kind.UNSUPPORTED,
        flagKey,
        "flag '" + flagKey + "': Unleash write-back does not store rollout records yet (issue 15)");
  }
}
