package dev.llmrollout.launchdarkly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.launchdarkly.internal.AuditTrail;
import dev.llmrollout.launchdarkly.internal.Backoff;
import dev.llmrollout.launchdarkly.internal.FlagPatch;
import dev.llmrollout.launchdarkly.internal.RestApi;
import dev.llmrollout.launchdarkly.internal.RestFlag;
import dev.llmrollout.launchdarkly.internal.RestResponse;
import dev.llmrollout.launchdarkly.internal.RolloutUnits;
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
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rollouts back to LaunchDarkly through its REST API v2 with JSON Patch, as an operator
 * would in the console, with the change's reason as the audit log comment.
 *
 * <ul>
 *   <li>{@link #setWeights}: the default rule ({@code fallthrough}) as a percentage rollout.
 *       Targeting rules are left alone.
 *   <li>{@link #kill}: targeting off and the off variation set to the safe variant, in one atomic
 *       patch: every context, whatever rule it matches, gets the safe variant. Sent with {@code
 *       ignoreConflicts=true}: an emergency stop must not wait for a pending scheduled change.
 *   <li>{@link #restore}: targeting on. A kill never touches the rules or the rollout, so turning
 *       targeting on puts back exactly what it replaced; the off variation stays the safe variant.
 * </ul>
 *
 * <p>Every patch opens with LaunchDarkly's documented precondition, a JSON Patch {@code test} of
 * the environment's flag version: the version the caller expects, or for an unconditional write the
 * version the change was planned on. LaunchDarkly applies the patch only if the test holds, so two
 * writers on one version cannot both land. A refused patch (409, or 400/422, which LaunchDarkly
 * does not document for a failed test) is followed by a read: if the version moved, a conditional
 * write is a {@link Kind#CONFLICT} and an unconditional one is planned again on the new version.
 * 409, 429 and 5xx answers are otherwise retried with backoff, honouring {@code Retry-After} and
 * {@code X-Ratelimit-Reset}. Every write is verified by reading the flag back.
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
        false,
        (current, patch) -> {
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
          if (!FlagPatch.nonZero(current.rollout())
              .equals(FlagPatch.nonZero(FlagPatch.byIndex(current, units)))) {
            patch.rollout(current, units);
          }
        },
        after ->
            after.on()
                && FlagPatch.nonZero(after.rollout())
                    .equals(FlagPatch.nonZero(FlagPatch.byIndex(after, units))));
  }

  @Override
  public FlagState kill(String flagKey, String safeVariant, ChangeRequest request) {
    return write(
        flagKey,
        "kill",
        request,
        true,
        (current, patch) -> {
          int safe = variantIndex(current, safeVariant);
          if (current.on()) {
            patch.on(false);
          }
          if (current.offVariation() != safe) {
            patch.offVariation(safe);
          }
        },
        after -> after.killed() && after.offVariation() == after.indexOf(safeVariant));
  }

  @Override
  public FlagState restore(String flagKey, ChangeRequest request) {
    return write(
        flagKey,
        "restore",
        request,
        false,
        (current, patch) -> {
          if (!current.killed()) {
            throw new WriteBackException(
                Kind.INVALID_REQUEST,
                flagKey,
                "flag '" + flagKey + "' is not killed (it is on), so there is nothing to restore");
          }
          patch.on(true);
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

  /**
   * Plans a patch on the flag as read, sends it conditional on the planned-on version, and verifies
   * it. A change that changes nothing is not sent (LaunchDarkly would keep the version).
   */
  private FlagState write(
      String flagKey,
      String action,
      ChangeRequest request,
      boolean ignoreConflicts,
      BiConsumer<RestFlag, FlagPatch> plan,
      Predicate<RestFlag> applied) {
    Optional<Long> expected = request.expectedVersion().map(v -> parseVersion(flagKey, v));
    String comment = AuditTrail.comment(action, request.reason(), request.actor());
    RestResponse last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      RestFlag current = read(flagKey);
      if (expected.isPresent() && expected.get() != current.version()) {
        throw conflict(flagKey, current.version(), expected.get());
      }
      FlagPatch patch = FlagPatch.onVersion(api.environmentKey(), current.version());
      plan.accept(current, patch);
      if (patch.isEmpty()) {
        return current.toState();
      }
      last = call(flagKey, () -> api.patchFlag(flagKey, patch.body(comment), ignoreConflicts));
      if (last.ok()) {
        return verify(flagKey, current, applied);
      }
      if (last.status() == 409 || last.status() == 400 || last.status() == 422) {
        long now = read(flagKey).version();
        if (now != patch.testedVersion()) {
          if (expected.isPresent()) {
            throw conflict(flagKey, now, expected.get());
          }
          continue; // planned on a version that is gone: plan again on the new one
        }
      }
      if (!last.retryable()) {
        throw errors.refused(flagKey, last);
      }
      backoff.pause(flagKey, attempt, maxAttempts, last);
    }
    throw errors.exhausted(flagKey, last, maxAttempts);
  }

  private static long parseVersion(String flagKey, String version) {
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      throw new WriteBackException(
          Kind.INVALID_REQUEST,
          flagKey,
          "flag '"
              + flagKey
              + "': expected version '"
              + version
              + "' is not a LaunchDarkly version");
    }
  }

  private static WriteBackException conflict(String flagKey, long now, long expected) {
    return new WriteBackException(
        Kind.CONFLICT,
        flagKey,
        "flag '"
            + flagKey
            + "' is at version "
            + now
            + ", the change was decided on version "
            + expected
            + "; re-read and decide again");
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

  /**
   * Not supported yet: storing the rollout record next to the flag in LaunchDarkly is issue 15,
   * point 4 (branch fleet-vendors). Until then a durable rollout cannot be started on this backend.
   */
  @Override
  public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
    throw new WriteBackException(
        WriteBackException.Kind.UNSUPPORTED,
        flagKey,
        "flag '"
            + flagKey
            + "': LaunchDarkly write-back does not store rollout records yet (issue 15)");
  }
}
