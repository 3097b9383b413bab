package dev.llmrollout.launchdarkly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.launchdarkly.internal.AuditTrail;
import dev.llmrollout.launchdarkly.internal.Backoff;
import dev.llmrollout.launchdarkly.internal.RestApi;
import dev.llmrollout.launchdarkly.internal.RestFlag;
import dev.llmrollout.launchdarkly.internal.RestResponse;
import dev.llmrollout.launchdarkly.internal.RolloutUnits;
import dev.llmrollout.launchdarkly.internal.SemanticPatch;
import dev.llmrollout.launchdarkly.internal.WriteBackErrors;
import dev.llmrollout.spi.ChangeHistory;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.Weights;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rollouts back to LaunchDarkly through its REST API v2 with semantic patch, as an operator
 * would in the console, with the change's reason as the audit log comment.
 *
 * <ul>
 *   <li>{@link #setWeights}: {@code updateFallthroughVariationOrRollout} with {@code
 *       rolloutWeights} (the default rule's percentage rollout). Targeting rules are left alone.
 *   <li>{@link #kill}: {@code turnFlagOff} and {@code updateOffVariation} to the safe variant, in
 *       one atomic patch: every context, whatever rule it matches, gets the safe variant.
 *   <li>{@link #restore}: {@code turnFlagOn}. A kill never touches the rules or the rollout, so
 *       turning the flag on puts back exactly what it replaced; the off variation stays the safe
 *       variant.
 * </ul>
 *
 * <p>Semantic patch has no version precondition, so a conditional write reads the flag, compares
 * its environment version with the expected one, and only then patches; a concurrent write in the
 * few milliseconds between the two is not detected. 409, 429 and 5xx answers are retried with
 * backoff, honouring {@code Retry-After} and {@code X-Ratelimit-Reset}; each retry re-reads the
 * flag and re-checks the expected version. Every write is verified by reading the flag back.
 */
public final class LaunchDarklyRolloutControl
    implements RolloutControl, ChangeHistory, VariationNameSource {
  private static final Logger LOG = LoggerFactory.getLogger(LaunchDarklyRolloutControl.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final RestApi api;
  private final WriteBackErrors errors;
  private final int maxAttempts;
  private final Backoff backoff;

  private LaunchDarklyRolloutControl(Builder b) {
    this.api = new RestApi(b.apiBase, b.accessToken, b.project, b.environment, b.timeout, b.clock);
    this.errors = new WriteBackErrors(b.project, b.environment);
    this.maxAttempts = b.maxAttempts;
    this.backoff = new Backoff(b.backoff, MAX_BACKOFF);
  }

  /** Starts a builder; the access token must come from the environment. */
  public static Builder builder(String accessToken) {
    return new Builder(accessToken);
  }

  @Override
  public FlagState state(String flagKey) {
    return read(flagKey).toState();
  }

  @Override
  public FlagState setWeights(String flagKey, Map<String, Double> weights, ChangeRequest request) {
    Map<String, Integer> units = RolloutUnits.of(weights);
    return write(
        flagKey,
        "set-weights",
        request,
        current -> {
          Weights.validate(flagKey, weights, current.toState());
          if (current.killed()) {
            throw new WriteBackException(
                Kind.INVALID_REQUEST,
                flagKey,
                "flag '"
                    + flagKey
                    + "' is killed to '"
                    + current.names().get(current.offVariation())
                    + "'; restore it before changing its weights");
          }
          return List.of(SemanticPatch.rollout(current, units));
        },
        after ->
            after.on()
                && SemanticPatch.nonZero(after.rollout())
                    .equals(SemanticPatch.nonZero(SemanticPatch.byIndex(after, units))));
  }

  @Override
  public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    return write(
        flagKey,
        "kill",
        request,
        current -> {
          int safe = variantIndex(current, safeVariant);
          if (current.killed() && current.offVariation() == safe) {
            return List.of();
          }
          return current.on()
              ? List.of(SemanticPatch.turnFlagOff(), SemanticPatch.offVariation(current, safe))
              : List.of(SemanticPatch.offVariation(current, safe));
        },
        after -> after.killed() && after.offVariation() == after.indexOf(safeVariant));
  }

  @Override
  public FlagState restore(String flagKey, ChangeRequest request) {
    return write(
        flagKey,
        "restore",
        request,
        current -> {
          if (!current.killed()) {
            throw new WriteBackException(
                Kind.INVALID_REQUEST,
                flagKey,
                "flag '" + flagKey + "' is not killed (it is on), so there is nothing to restore");
          }
          return List.of(SemanticPatch.turnFlagOn());
        },
        RestFlag::on);
  }

  @Override
  public Optional<List<String>> variationNames(String flagKey) {
    try {
      RestResponse response = api.getFlag(flagKey);
      if (response.ok()) {
        return Optional.of(RestFlag.rawNames(JSON.readTree(response.body())));
      }
      LOG.warn(
          "flag '{}': variation names unavailable (HTTP {}: {})",
          flagKey,
          response.status(),
          RestApi.errorMessage(response));
    } catch (IOException e) {
      LOG.warn("flag '{}': variation names unavailable: {}", flagKey, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  private static int variantIndex(RestFlag flag, String variant) {
    int index = flag.indexOf(variant);
    if (index < 0) {
      throw new WriteBackException(
          Kind.NOT_FOUND,
          flag.key(),
          "flag '"
              + flag.key()
              + "' has no variant '"
              + variant
              + "', expected one of "
              + flag.names());
    }
    return index;
  }

  private FlagState write(
      String flagKey,
      String action,
      ChangeRequest request,
      Function<RestFlag, List<ObjectNode>> plan,
      Predicate<RestFlag> applied) {
    RestResponse last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      RestFlag current = read(flagKey);
      if (request.expectedVersion().isPresent()
          && !request.expectedVersion().get().equals(Long.toString(current.version()))) {
        throw new WriteBackException(
            Kind.CONFLICT,
            flagKey,
            "flag '"
                + flagKey
                + "' is at version "
                + current.version()
                + ", the change was decided on version "
                + request.expectedVersion().get());
      }
      List<ObjectNode> instructions = plan.apply(current);
      if (instructions.isEmpty()) {
        return current.toState();
      }
      ObjectNode body =
          SemanticPatch.body(
              api.environmentKey(),
              AuditTrail.comment(action, request.reason(), request.actor()),
              instructions);
      last = call(flagKey, () -> api.patchFlag(flagKey, body));
      if (last.ok()) {
        return verify(flagKey, current, applied);
      }
      if (!last.retryable()) {
        throw errors.refused(flagKey, last);
      }
      backoff.pause(flagKey, attempt, maxAttempts, last);
    }
    throw errors.exhausted(flagKey, last, maxAttempts);
  }

  private FlagState verify(String flagKey, RestFlag before, Predicate<RestFlag> applied) {
    RestFlag after = read(flagKey);
    if (!applied.test(after)) {
      throw new WriteBackException(
          Kind.NOT_VERIFIED,
          flagKey,
          "flag '"
              + flagKey
              + "': LaunchDarkly accepted the change but reading the flag back does not show it"
              + " (version "
              + before.version()
              + " -> "
              + after.version()
              + ")");
    }
    return after.toState();
  }

  private RestFlag read(String flagKey) {
    RestResponse response = fetch(flagKey, () -> api.getFlag(flagKey));
    try {
      return RestFlag.parse(flagKey, api.environmentKey(), JSON.readTree(response.body()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw unreadable(flagKey, e);
    }
  }

  /**
   * The flag's recent changes from LaunchDarkly's audit log, oldest first: one listing and one
   * detailed read per entry (for the versions before and after).
   */
  @Override
  public List<ChangeRecord> recentChanges(String flagKey, int limit) {
    List<ChangeRecord> records = new ArrayList<>();
    try {
      JsonNode listing = JSON.readTree(fetch(flagKey, () -> api.auditLog(flagKey, limit)).body());
      for (JsonNode item : listing.path("items")) {
        String id = item.path("_id").asText();
        JsonNode entry = JSON.readTree(fetch(flagKey, () -> api.auditEntry(id)).body());
        records.add(AuditTrail.record(flagKey, api.environmentKey(), entry));
      }
    } catch (JsonProcessingException e) {
      throw unreadable(flagKey, e);
    }
    records.sort(Comparator.comparing(ChangeRecord::time));
    return records.subList(Math.max(0, records.size() - limit), records.size());
  }

  /** A successful answer to a read, retrying 429 and 5xx. */
  private RestResponse fetch(String flagKey, Call call) {
    RestResponse last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      last = call(flagKey, call);
      if (last.ok()) {
        return last;
      }
      if (!last.retryable() || last.status() == 409) {
        throw errors.refused(flagKey, last);
      }
      backoff.pause(flagKey, attempt, maxAttempts, last);
    }
    throw errors.exhausted(flagKey, last, maxAttempts);
  }

  private static WriteBackException unreadable(String flagKey, Exception e) {
    return new WriteBackException(
        Kind.NOT_VERIFIED,
        flagKey,
        "flag '" + flagKey + "': LaunchDarkly's answer could not be read: " + e.getMessage(),
        e);
  }

  private interface Call {
    RestResponse send() throws IOException, InterruptedException;
  }

  /** Sends one request; a transport failure becomes a retryable 503-like answer. */
  private static RestResponse call(String flagKey, Call call) {
    try {
      return call.send();
    } catch (IOException e) {
      return new RestResponse(
          503, "{\"message\":\"" + e.getClass().getSimpleName() + "\"}", Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteBackException(
          Kind.UNAVAILABLE, flagKey, "flag '" + flagKey + "': interrupted while writing back", e);
    }
  }

  /** Configures a {@link LaunchDarklyRolloutControl}. */
  public static final class Builder {
    private final String accessToken;
    private String project;
    private String environment;
    private URI apiBase = LaunchDarklyEndpoints.LAUNCHDARKLY.api();
    private int maxAttempts = 5;
    private Duration backoff = Duration.ofMillis(250);
    private Duration timeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder(String accessToken) {
      if (accessToken == null || accessToken.isBlank()) {
        throw new IllegalArgumentException("accessToken: expected a LaunchDarkly API access token");
      }
      this.accessToken = accessToken;
    }

    /** The project key, such as {@code default}. Required. */
    public Builder project(String value) {
      this.project = requireText(value, "project");
      return this;
    }

    /** The environment key, such as {@code production}. Required. */
    public Builder environment(String value) {
      this.environment = requireText(value, "environment");
      return this;
    }

    /** The REST API's base URI (default {@code https://app.launchdarkly.com}). */
    public Builder apiBase(URI value) {
      this.apiBase = Objects.requireNonNull(value, "apiBase");
      return this;
    }

    /** Attempts per write for 409, 429 and 5xx answers (default 5). */
    public Builder maxAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxAttempts: expected at least 1");
      }
      this.maxAttempts = value;
      return this;
    }

    /** The first backoff between attempts, doubled each time, plus jitter (default 250 ms). */
    public Builder backoff(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("backoff: expected zero or a positive duration");
      }
      this.backoff = value;
      return this;
    }

    /** The timeout of one HTTP request (default 10 s). */
    public Builder requestTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("requestTimeout: expected a positive duration");
      }
      this.timeout = value;
      return this;
    }

    /** The clock that reads {@code X-Ratelimit-Reset} (epoch milliseconds). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public LaunchDarklyRolloutControl build() {
      requireText(project, "project");
      requireText(environment, "environment");
      return new LaunchDarklyRolloutControl(this);
    }

    private static String requireText(String value, String field) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + ": expected a LaunchDarkly " + field + " key");
      }
      return value;
    }
  }
}
