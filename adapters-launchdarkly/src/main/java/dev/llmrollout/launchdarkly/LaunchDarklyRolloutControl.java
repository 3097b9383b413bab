package dev.llmrollout.launchdarkly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.launchdarkly.internal.AuditTrail;
import dev.llmrollout.launchdarkly.internal.Backoff;
import dev.llmrollout.launchdarkly.internal.FlagPatch;
import dev.llmrollout.launchdarkly.internal.PatchWriter;
import dev.llmrollout.launchdarkly.internal.RestApi;
import dev.llmrollout.launchdarkly.internal.RestCalls;
import dev.llmrollout.launchdarkly.internal.RestFlag;
import dev.llmrollout.launchdarkly.internal.RestResponse;
import dev.llmrollout.launchdarkly.internal.RolloutRecordProperty;
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
 *   <li>{@link #writeRolloutRecord}: the flag's custom property {@code llm-rollout.<environment>}
 *       (see {@link RolloutRecordProperty}); SDKs never see it.
 * </ul>
 *
 * <p>Every patch opens with LaunchDarkly's documented precondition, a JSON Patch {@code test} of
 * the environment's flag version: the version the caller expects, or for an unconditional write the
 * version the change was planned on; a conditional write also tests the rollout record as read.
 * LaunchDarkly applies the patch only if the tests hold, so two writers on one version cannot both
 * land (see {@link PatchWriter}). 409, 429 and 5xx answers are retried with backoff, honouring
 * {@code Retry-After} and {@code X-Ratelimit-Reset}. Every write is verified by reading the flag
 * back.
 */
public final class LaunchDarklyRolloutControl
    implements RolloutControl, ChangeHistory, VariationNameSource {
  private static final Logger LOG = LoggerFactory.getLogger(LaunchDarklyRolloutControl.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final RestCalls calls;
  private final PatchWriter writer;

  private LaunchDarklyRolloutControl(Builder b) {
    RestApi api =
        new RestApi(b.apiBase, b.accessToken, b.project, b.environment, b.timeout, b.clock);
    this.calls =
        new RestCalls(
            api,
            new WriteBackErrors(b.project, b.environment),
            b.maxAttempts,
            new Backoff(b.backoff, MAX_BACKOFF));
    this.writer = new PatchWriter(calls);
  }

  /** Starts a builder; the access token must come from the environment. */
  public static Builder builder(String accessToken) {
    return new Builder(accessToken);
  }

  @Override
  public FlagState state(String flagKey) {
    return calls.read(flagKey).toState();
  }

  @Override
  public FlagState setWeights(String flagKey, Map<String, Double> weights, ChangeRequest request) {
    Map<String, Integer> units = RolloutUnits.of(weights);
    return writer.write(
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
    return writer.write(
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
    return writer.write(
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

  /**
   * Stores the record in the flag's custom property {@code llm-rollout.<environment>} with a JSON
   * Patch that tests the environment's version and the record as read, so a record written by
   * someone else since {@code request}'s version makes it a {@link Kind#CONFLICT}. Not sent with
   * {@code ignoreConflicts}: a record is not an emergency stop.
   *
   * @throws WriteBackException {@code INVALID_REQUEST} naming the field when the record is not JSON
   *     or longer than {@value RolloutRecordProperty#MAX_CHARS} characters
   */
  @Override
  public FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request) {
    String environment = calls.api().environmentKey();
    if (recordJson != null) {
      RolloutRecordProperty.validate(flagKey, environment, recordJson);
    }
    Optional<String> wanted = Optional.ofNullable(recordJson);
    return writer.write(
        flagKey,
        "rollout-record",
        request,
        false,
        (current, patch) -> patch.testRecord(current).rolloutRecord(current, recordJson),
        after -> after.rolloutRecord().equals(wanted));
  }

  @Override
  public Optional<List<String>> variationNames(String flagKey) {
    RestApi api = calls.api();
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
   * The flag's recent changes from LaunchDarkly's audit log, oldest first: one listing and one
   * detailed read per entry (for the versions before and after). Rollout record writes are left
   * out: they change nothing the flag serves.
   */
  @Override
  public List<ChangeRecord> recentChanges(String flagKey, int limit) {
    RestApi api = calls.api();
    List<ChangeRecord> records = new ArrayList<>();
    JsonNode listing = calls.fetchJson(flagKey, () -> api.auditLog(flagKey, limit));
    for (JsonNode item : listing.path("items")) {
      if (AuditTrail.isRecordWrite(item)) {
        continue;
      }
      String id = item.path("_id").asText();
      JsonNode entry = calls.fetchJson(flagKey, () -> api.auditEntry(id));
      records.add(AuditTrail.record(flagKey, api.environmentKey(), entry));
    }
    records.sort(Comparator.comparing(ChangeRecord::time));
    return records.subList(Math.max(0, records.size() - limit), records.size());
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
