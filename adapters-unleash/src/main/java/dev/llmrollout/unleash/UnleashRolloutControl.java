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
import dev.llmrollout.unleash.internal.RolloutRecordParameter;
import dev.llmrollout.unleash.internal.StrategyWriter;
import dev.llmrollout.unleash.internal.StrategyWriter.Plan;
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
 * #recentChanges} reads back. Unleash's open-source Admin API has no compare-and-set, so a write is
 * a JSON Patch of the strategy that opens with {@code test}s of the strategy as read: Unleash
 * refuses it (with HTTP 500, as 8.x answers a failed {@code test}) when the strategy changed since,
 * and the write is a {@link Kind#CONFLICT}. What is left is Unleash's own read-then-update of the
 * strategy inside one request: two patches passing their tests in the same instant both land (the
 * contract kit measures how often), and the environment switch is not covered by the test. The
 * guard's lease is the protection against two writers. The rollout record is a parameter of the
 * same strategy ({@link #writeRolloutRecord}), so the same tests and version cover it. Every write
 * is verified by reading it back through the Admin API and by waiting until Unleash serves it to
 * clients ({@code /api/client/features}), and, when a running {@link UnleashBackend} is attached,
 * until that client serves it.
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
  private final StrategyWriter writer;

  /**
   * How long a record write waits before its read-back: a concurrent write that passed its {@code
   * test} against the same strategy lands within its own request, so a read this much later shows
   * it.
   */
  private static final Duration RECORD_SETTLE = Duration.ofMillis(300);

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
    this.writer = new StrategyWriter(admin, settings.project(), settings.environment());
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
    return writer.write(
        flagKey,
        request,
        current -> {
          Weights.validate(flagKey, weights, current.state());
          ObjectNode body = current.withWeights(weights, ChangeTitle.of("set-weights", request));
          return Optional.of(new Plan(body, current.environmentEnabled()));
        },
        this::afterWeights);
  }

  @Override
  public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    return writer.write(
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
        },
        this::afterWeights);
  }

  @Override
  public FlagState restore(String flagKey, ChangeRequest request) {
    return writer.write(
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
        },
        this::afterWeights);
  }

  /**
   * Stores the record in the managed strategy's {@value RolloutRecordParameter#NAME} parameter with
   * the same {@code test}ed JSON Patch as every write, so a record written since {@code request}'s
   * version is a {@link Kind#CONFLICT}. Unleash has no compare-and-set: two patches tested in the
   * same instant both land, the later one over the other. So the write reads the strategy back 300
   * ms later and reports {@link Kind#NOT_VERIFIED} unless it still holds this write's record and
   * title: the writer may have lost a race and must re-read before acting on its lease.
   */
  @Override
  public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
    if (recordJson != null) {
      RolloutRecordParameter.validate(flagKey, settings.environment(), recordJson);
    }
    String title = ChangeTitle.of("rollout-record", request);
    return writer.write(
        flagKey,
        request,
        current ->
            current.rolloutRecord().equals(Optional.ofNullable(recordJson))
                ? Optional.empty()
                : Optional.of(
                    new Plan(
                        current.withRolloutRecord(recordJson, title),
                        current.environmentEnabled())),
        this::afterRecord);
  }

  private FlagState afterRecord(String flagKey, ManagedStrategy before, Plan plan) {
    sleep(flagKey, RECORD_SETTLE);
    ManagedStrategy after = read(flagKey);
    Optional<String> wanted =
        Optional.ofNullable(plan.body().path("parameters").get(RolloutRecordParameter.NAME))
            .map(JsonNode::asText);
    if (!after.rolloutRecord().equals(wanted)
        || !after.state().weights().equals(before.state().weights())
        || !plan.body().path("title").equals(after.title())) {
      throw new WriteBackException(
          Kind.NOT_VERIFIED,
          flagKey,
          "flag '"
              + flagKey
              + "': Unleash accepted the rollout record, but the strategy read back "
              + RECORD_SETTLE.toMillis()
              + " ms later holds another write (version "
              + after.version()
              + "); Unleash has no compare-and-set, so this write may have lost a race:"
              + " re-read before acting");
    }
    return after.state();
  }

  private FlagState afterWeights(String flagKey, ManagedStrategy current, Plan plan) {
    if (plan.environmentOn() != current.environmentEnabled()) {
      writer.switchEnvironment(flagKey, plan.environmentOn());
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

  private ManagedStrategy read(String flagKey) {
    return writer.read(flagKey);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void sleepBriefly(String flagKey) {
    sleep(flagKey, Duration.ofMillis(100));
  }

  private static void sleep(String flagKey, Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteBackException(
          Kind.NOT_VERIFIED,
          flagKey,
          "flag '" + flagKey + "': interrupted while verifying a write");
    }
  }
}
