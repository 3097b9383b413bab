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

/**
 * Writes rollouts back to Unleash through its Admin API, as an operator would in the console: the
 * variant weights of the flag's flexibleRollout strategy, a kill that gives a safe variant all the
 * traffic (and, if configured, turns the environment off), and a restore of what the kill replaced.
 *
 * <p>The action, reason and actor go into the strategy's title ({@code llm-rollout kill: <reason>
 * (by <actor>)}), so they show in the console and in the flag's event log, which {@link
 * #recentChanges} reads back. Writes are conditional on the version read: Unleash's open-source
 * Admin API has no compare-and-set, so the control re-reads the flag just before writing and
 * refuses with {@link Kind#CONFLICT} when it moved; only a write landing within the same few
 * milliseconds can slip through. Every write is verified by reading it back through the Admin API
 * and by waiting until Unleash serves it to clients ({@code /api/client/features}), and, when a
 * running {@link UnleashBackend} is attached, until that client serves it.
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
   * The flag's recent write-backs, from Unleash's event log: every strategy update this control
   * made (recognised by its title), with the state before and after, oldest first.
   */
  @Override
  public List<ChangeRecord> recentChanges(String flagKey, int limit) {
    JsonNode events = admin.get(flagKey, "/admin/events/" + encode(flagKey)).path("events");
    return EventLogHistory.changes(flagKey, settings.environment(), events, limit);
  }

  @Override
  public FlagState state(String flagKey) {
    return read(flagKey).state();
  }

  @Override
  public FlagState setWeights(String flagKey, Map<String, Double> weights, ChangeRequest request) {
    ManagedStrategy current = readAt(flagKey, request);
    Weights.validate(flagKey, weights, current.state());
    ObjectNode body = current.withWeights(weights, ChangeTitle.of("set-weights", request));
    return write(flagKey, current, body, current.environmentEnabled());
  }

  @Override
  public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    ManagedStrategy current = readAt(flagKey, request);
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
      return state; // the first kill's memory is what restore must put back
    }
    boolean turnOff = settings.killTurnsEnvironmentOff() && current.environmentEnabled();
    ObjectNode body = current.killedTo(safeVariant, ChangeTitle.of("kill", request), turnOff);
    return write(flagKey, current, body, !turnOff && current.environmentEnabled());
  }

  @Override
  public FlagState restore(String flagKey, ChangeRequest request) {
    ManagedStrategy current = readAt(flagKey, request);
    if (current.killedTo().isEmpty()) {
      throw new WriteBackException(
          Kind.INVALID_REQUEST,
          flagKey,
          "flag '" + flagKey + "': is not killed, nothing to restore");
    }
    boolean turnOn = current.killTurnedEnvironmentOff() || current.environmentEnabled();
    return write(flagKey, current, current.restored(ChangeTitle.of("restore", request)), turnOn);
  }

  private FlagState write(
      String flagKey, ManagedStrategy current, ObjectNode body, boolean environmentOn) {
    admin.send(flagKey, "PUT", strategyPath(flagKey, current.id()), body);
    if (environmentOn != current.environmentEnabled()) {
      admin.send(
          flagKey, "POST", environmentPath(flagKey) + (environmentOn ? "/on" : "/off"), null);
    }
    ManagedStrategy after = read(flagKey);
    Map<String, Integer> wanted = ManagedStrategy.weights(body);
    if (!after.perMille().equals(wanted) || after.environmentEnabled() != environmentOn) {
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
    awaitClients(flagKey, wanted, environmentOn);
    return after.state();
  }

  /** Waits until Unleash serves the change to SDKs, and until the attached backend serves it. */
  private void awaitClients(String flagKey, Map<String, Integer> wanted, boolean enabled) {
    long deadline = System.nanoTime() + verifyTimeout.toNanos();
    boolean served = false;
    boolean seen = backend == null || !backend.started();
    while (System.nanoTime() < deadline && !(served && seen)) {
      if (!served) {
        served = clientView(servedToClients(flagKey), wanted, enabled);
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
      throw new WriteBackException(
          Kind.CONFLICT,
          flagKey,
          "flag '"
              + flagKey
              + "': changed since version "
              + expected.get()
              + " was read (now "
              + current.version()
              + "); re-read and decide again");
    }
    return current;
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
}
